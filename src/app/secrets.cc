#include "app/secrets.h"

#include <cstdlib>

namespace im::app {

Result<connectors::SecretBox> OpenSecretBox(const Config& config) {
  const char* env_key = std::getenv("IM_SECRET_KEY");
  return connectors::SecretBox::Open(env_key ? env_key : "", config.data_dir + "/secret.key");
}

}  // namespace im::app

// The key that seals secrets at rest (connector API keys, channel integration keys):
// IM_SECRET_KEY, else <data dir>/secret.key (made on first use).
#pragma once

#include "app/config.h"
#include "connectors/secret_box.h"

namespace im::app {

Result<connectors::SecretBox> OpenSecretBox(const Config& config);

}  // namespace im::app

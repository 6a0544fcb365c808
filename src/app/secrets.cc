#include "app/secrets.h"

#include <cstdlib>

namespace im::app {

Result<connectors::SecretBox> OpenSecretBox(const Config& config) {
  const char* env_key = std::getenv("IM_SECRET_KEY");
  const bool shared_database = config.database_url.starts_with("postgres://") ||
                               config.database_url.starts_with("postgresql://");
  if (shared_database && (!env_key || !*env_key)) {
    return Fail(ErrorCode::kFailedPrecondition,
                "IM_SECRET_KEY is not set: on PostgreSQL every im instance must seal secrets "
                "with the same key, so it comes from IM_SECRET_KEY (32 random bytes, base64: "
                "`head -c32 /dev/urandom | base64`), set alike for every `im serve` and `im` "
                "command, not from a file in one instance's data directory");
  }
  return connectors::SecretBox::Open(env_key ? env_key : "", config.data_dir + "/secret.key");
}

std::string SecretKeyCheck(const connectors::SecretBox& box) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string derived = box.DeriveKey("im secret key check v1");
  std::string out = "v1:";
  for (unsigned char c : derived) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

Result<void> CheckSecretKey(const connectors::SecretBox& box, store::JobStore& jobs) {
  std::string mine = SecretKeyCheck(box);
  auto stored = jobs.AgreeKeyCheck(mine);
  if (!stored) return std::unexpected(stored.error().Wrap("checking the secret key"));
  if (*stored != mine) {
    return Fail(ErrorCode::kFailedPrecondition,
                "IM_SECRET_KEY differs from the key this database's secrets were sealed with "
                "(the key of the first instance that started on it): set the same IM_SECRET_KEY "
                "for every instance; nothing was changed");
  }
  return Ok();
}

}  // namespace im::app

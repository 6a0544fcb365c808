// The key that seals secrets at rest (connector API keys, channel integration keys):
// IM_SECRET_KEY, else, on SQLite only, <data dir>/secret.key (made on first use). On
// PostgreSQL every instance must seal with the same key, so it comes from IM_SECRET_KEY and
// the database keeps a check value of it that a differing key is refused against.
#pragma once

#include "app/config.h"
#include "connectors/secret_box.h"
#include "store/job_store.h"

namespace im::app {

Result<connectors::SecretBox> OpenSecretBox(const Config& config);

// The check value of `box`'s key: a key derived from it for a fixed label (HMAC-SHA256),
// hex; it tells keys apart without revealing them.
std::string SecretKeyCheck(const connectors::SecretBox& box);

// Stores the key's check value when the database has none; kFailedPrecondition, saying what
// to do, when it holds another key's (another instance seals with another IM_SECRET_KEY).
Result<void> CheckSecretKey(const connectors::SecretBox& box, store::JobStore& jobs);

}  // namespace im::app

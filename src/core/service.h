// The service catalog: what can break, who owns it.
#pragma once

#include <optional>
#include <string>

#include "common/clock.h"

namespace im::core {

struct Service {
  std::string name;  // unique, e.g. "api"
  std::string description;
  std::string team;
  std::string owner;  // email
  Time created_at;
};

// An API token: only its hash is stored; the secret is shown once at creation.
struct ApiToken {
  int64_t id = 0;
  std::string name;
  // What lists show to recognise it: Redact(token), "****" and its last 4 characters ("****"
  // alone for tokens made before im kept that).
  std::string hint;
  std::string hash;  // SHA-256 of the token, hex
  Time created_at;
  std::string created_by;
  std::optional<Time> revoked_at;
  std::optional<Time> last_used_at;
};

}  // namespace im::core

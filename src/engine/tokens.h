// API tokens for writes over HTTP: created once (the secret is shown only then), stored as a
// SHA-256 hash, revocable.
#pragma once

#include <optional>
#include <string>

#include "common/clock.h"
#include "core/service.h"
#include "store/store.h"

namespace im::engine {

struct NewToken {
  core::ApiToken token;
  std::string secret;  // "im_<43 base64url chars>"; never stored
};

class Tokens {
 public:
  Tokens(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  Result<NewToken> Create(const std::string& name, const std::string& created_by);
  Result<std::vector<core::ApiToken>> List();
  Result<void> Revoke(int64_t id);
  // The active token a bearer secret belongs to, or kUnauthenticated.
  Result<core::ApiToken> Authenticate(std::string_view secret);

 private:
  store::Store& store_;
  const Clock& clock_;
};

}  // namespace im::engine

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

// A dashboard session (sessions.cc): the cookie value stands for the token it was made from,
// until it expires or that token is revoked. Nothing is stored: the cookie is signed.
struct Session {
  std::string cookie;      // the im_session cookie's value
  std::string csrf_token;  // what writes must send back in X-CSRF-Token
  core::ApiToken token;    // the token it stands for
  Time expires_at;
};

class Tokens {
 public:
  Tokens(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  Result<NewToken> Create(const std::string& name, const std::string& created_by);
  Result<std::vector<core::ApiToken>> List();
  Result<void> Revoke(int64_t id);
  // The active token a bearer secret belongs to, or kUnauthenticated.
  Result<core::ApiToken> Authenticate(std::string_view secret);

  // Sessions (sessions.cc) are signed with `key` (32 bytes, the same on every instance);
  // without it Login answers kUnavailable.
  void EnableSessions(std::string key) { session_key_ = std::move(key); }
  // Exchanges a token's secret for a session that lasts `ttl`.
  Result<Session> Login(std::string_view secret, Duration ttl);
  // The session a cookie stands for, when it is signed by us, not expired, and its token is
  // still active; kUnauthenticated otherwise.
  Result<Session> AuthenticateSession(std::string_view cookie);

 private:
  store::Store& store_;
  const Clock& clock_;
  std::string session_key_;
};

}  // namespace im::engine

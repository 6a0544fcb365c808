#include "engine/tokens.h"

#include <algorithm>

#include "common/crypto.h"
#include "common/strings.h"

namespace im::engine {
namespace {

std::string HashSecret(std::string_view secret) { return HexEncode(Sha256(secret)); }

std::string Base64Url(std::string s) {
  s = Base64Encode(s);
  std::replace(s.begin(), s.end(), '+', '-');
  std::replace(s.begin(), s.end(), '/', '_');
  s.erase(std::remove(s.begin(), s.end(), '='), s.end());
  return s;
}

}  // namespace

Result<NewToken> Tokens::Create(const std::string& name, const std::string& created_by) {
  if (name.empty() || name.size() > 100) {
    return Fail(ErrorCode::kInvalidArgument, "token name must be 1 to 100 characters");
  }
  NewToken out;
  out.secret = "im_" + Base64Url(RandomBytes(32));
  out.token = core::ApiToken{.name = name,
                             .hint = Redact(out.secret),
                             .hash = HashSecret(out.secret),
                             .created_at = clock_.Now(),
                             .created_by = created_by};
  auto ok = store_.Transact([&](store::Tx& tx) -> Result<void> {
    auto id = tx.InsertToken(out.token);
    if (!id) return std::unexpected(id.error());
    out.token.id = *id;
    return Ok();
  });
  if (!ok) return std::unexpected(ok.error());
  return out;
}

Result<std::vector<core::ApiToken>> Tokens::List() {
  auto tokens = store_.ListTokens();
  if (!tokens) return tokens;
  // Tokens made before kept their first characters instead: show nothing of them.
  for (auto& t : *tokens) {
    if (!t.hint.starts_with("****")) t.hint = "****";
  }
  return tokens;
}

Result<void> Tokens::Revoke(int64_t id) {
  return store_.Transact([&](store::Tx& tx) { return tx.RevokeToken(id, clock_.Now()); });
}

Result<core::ApiToken> Tokens::Authenticate(std::string_view secret) {
  auto unauthenticated = [] {
    return Fail(ErrorCode::kUnauthenticated,
                "missing or invalid bearer token: create one with `im token create` and send "
                "'Authorization: Bearer <token>'");
  };
  if (!secret.starts_with("im_")) return unauthenticated();
  auto token = store_.FindTokenByHash(HashSecret(secret));
  if (!token) return std::unexpected(token.error());
  if (!*token || (*token)->revoked_at) return unauthenticated();
  return **token;
}

}  // namespace im::engine

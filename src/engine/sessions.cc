// Dashboard sessions: a token's secret exchanged for a signed cookie, so the browser never
// holds the token itself (the cookie is HttpOnly) and nothing needs storing. The cookie is
// "s1.<token id>.<expiry, unix seconds>.<nonce>.<signature>", signed with HMAC-SHA256 under a
// key derived from the secret key; the CSRF token is a second HMAC of the whole cookie, so it
// cannot be made without the key and is bound to that one session.
#include <algorithm>

#include "common/crypto.h"
#include "common/strings.h"
#include "engine/tokens.h"

namespace im::engine {
namespace {

std::string SessionBase64Url(std::string s) {
  s = Base64Encode(s);
  std::replace(s.begin(), s.end(), '+', '-');
  std::replace(s.begin(), s.end(), '/', '_');
  s.erase(std::remove(s.begin(), s.end(), '='), s.end());
  return s;
}

Error SessionInvalid() {
  return Error{ErrorCode::kUnauthenticated,
               "the dashboard session is missing, expired or no longer valid (its token may have "
               "been revoked): log in again with a token from `im token create`"};
}

std::vector<std::string_view> SplitDots(std::string_view s) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    size_t dot = s.find('.', start);
    out.push_back(s.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) return out;
    start = dot + 1;
  }
}

bool ParseWhole(std::string_view text, int64_t& out) {
  if (text.empty() || text.size() > 18) return false;
  out = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  return true;
}

}  // namespace

Result<Session> Tokens::Login(std::string_view secret, Duration ttl) {
  if (session_key_.empty()) {
    return Fail(ErrorCode::kUnavailable,
                "dashboard login needs the secret key (IM_SECRET_KEY or <data dir>/secret.key), "
                "which this server could not open: see its log");
  }
  auto token = Authenticate(secret);
  if (!token) {
    return Fail(ErrorCode::kUnauthenticated,
                "that is not an active token: paste a token made with `im token create` "
                "(it starts with im_)");
  }
  auto expires = std::chrono::floor<std::chrono::seconds>(clock_.Now() + ttl);
  std::string unsigned_part = "s1." + std::to_string(token->id) + "." +
                              std::to_string(expires.time_since_epoch().count()) + "." +
                              SessionBase64Url(RandomBytes(12));
  Session s;
  s.cookie = unsigned_part + "." + SessionBase64Url(HmacSha256(session_key_, unsigned_part));
  s.csrf_token = SessionBase64Url(HmacSha256(session_key_, "csrf|" + s.cookie));
  s.token = *token;
  s.expires_at = expires;
  return s;
}

Result<Session> Tokens::AuthenticateSession(std::string_view cookie) {
  if (session_key_.empty() || cookie.size() > 200) return std::unexpected(SessionInvalid());
  auto parts = SplitDots(cookie);
  int64_t id = 0;
  int64_t expiry = 0;
  if (parts.size() != 5 || parts[0] != "s1" || !ParseWhole(parts[1], id) ||
      !ParseWhole(parts[2], expiry)) {
    return std::unexpected(SessionInvalid());
  }
  std::string_view unsigned_part = cookie.substr(0, cookie.rfind('.'));
  if (!ConstantTimeEquals(SessionBase64Url(HmacSha256(session_key_, unsigned_part)), parts[4])) {
    return std::unexpected(SessionInvalid());
  }
  Time expires{std::chrono::seconds(expiry)};
  if (clock_.Now() >= expires) return std::unexpected(SessionInvalid());
  auto tokens = store_.ListTokens();
  if (!tokens) return std::unexpected(tokens.error());
  auto it = std::find_if(tokens->begin(), tokens->end(),
                         [&](const core::ApiToken& t) { return t.id == id; });
  if (it == tokens->end() || it->revoked_at) return std::unexpected(SessionInvalid());
  Session s;
  s.cookie = std::string(cookie);
  s.csrf_token = SessionBase64Url(HmacSha256(session_key_, "csrf|" + s.cookie));
  s.token = *it;
  s.expires_at = expires;
  return s;
}

}  // namespace im::engine

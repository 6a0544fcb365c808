#include "common/crypto.h"
#include "core/email.h"
#include "http/api/api.h"
#include "http/status.h"

namespace im::http::api {

std::optional<std::string_view> SessionCookie(const net::HttpRequest& req) {
  auto header = req.Header("Cookie");
  if (!header) return std::nullopt;
  std::string_view rest = *header;
  while (!rest.empty()) {
    size_t semi = rest.find(';');
    std::string_view pair = rest.substr(0, semi);
    rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.starts_with(kSessionCookie) && pair.size() > kSessionCookie.size() &&
        pair[kSessionCookie.size()] == '=') {
      return pair.substr(kSessionCookie.size() + 1);
    }
  }
  return std::nullopt;
}

Result<core::Actor> Authorize(const net::HttpRequest& req, engine::Tokens& tokens) {
  auto header = req.Header("Authorization");
  // A dashboard session (no Authorization header, the session cookie): writes must also
  // carry the session's CSRF token, which a page on another site cannot read.
  if (!header) {
    if (auto cookie = SessionCookie(req)) {
      auto session = tokens.AuthenticateSession(*cookie);
      if (!session) return std::unexpected(session.error());
      auto csrf = req.Header("X-CSRF-Token");
      if (!csrf || !ConstantTimeEquals(*csrf, session->csrf_token)) {
        return Fail(ErrorCode::kPermissionDenied,
                    "missing or wrong X-CSRF-Token header: a write made with the session cookie "
                    "must send the csrf_token that POST /api/v1/sessions returned");
      }
      return core::Actor{.email = session->token.created_by};
    }
  }
  std::string_view secret;
  if (header && header->size() > 7 && net::HeaderNameEquals(header->substr(0, 7), "Bearer ")) {
    secret = header->substr(7);
  }
  auto token = tokens.Authenticate(secret);
  if (!token) return std::unexpected(token.error());
  core::Actor actor{.email = token->created_by};
  if (auto as = req.Header("X-Actor")) {
    if (auto ok = core::ValidateEmail(*as, "X-Actor header"); !ok) {
      return std::unexpected(ok.error());
    }
    actor.email = std::string(*as);
  }
  return actor;
}

Result<void> AuthorizeRead(const net::HttpRequest& req, engine::Tokens& tokens) {
  auto header = req.Header("Authorization");
  if (!header) {
    if (auto cookie = SessionCookie(req)) {
      auto session = tokens.AuthenticateSession(*cookie);
      if (!session) return std::unexpected(session.error());
      return Ok();
    }
  }
  auto actor = Authorize(req, tokens);
  if (!actor) {
    return Fail(ErrorCode::kUnauthenticated,
                "this server needs a login to read (http.reads_need_login): send "
                "'Authorization: Bearer <token>' with a token from `im token create`, or log "
                "in to the dashboard");
  }
  return Ok();
}

Result<void> CheckServiceParam(const std::vector<std::string>& names, std::string_view param) {
  for (const auto& name : names) {
    if (auto ok = core::ValidateServiceName(name); !ok) {
      return std::unexpected(ok.error().Wrap("query parameter '" + std::string(param) + "'"));
    }
  }
  return Ok();
}

std::expected<json::object, net::HttpResponse> ReadBody(const net::HttpRequest& req) {
  if (req.body.empty()) return json::object{};
  auto v = json::ParseStrict(req.body);
  if (!v) return std::unexpected(MalformedBodyResponse(v.error()));
  if (!v->is_object()) {
    return std::unexpected(
        ErrorResponse(Error{ErrorCode::kInvalidArgument, "request body must be a JSON object"}));
  }
  return std::move(v->as_object());
}

}  // namespace im::http::api

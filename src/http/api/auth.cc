#include "core/email.h"
#include "http/api/api.h"
#include "http/status.h"

namespace im::http::api {

Result<core::Actor> Authorize(const net::HttpRequest& req, engine::Tokens& tokens) {
  auto header = req.Header("Authorization");
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

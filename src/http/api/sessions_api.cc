// /api/v1/sessions: the dashboard's login. A token's secret is exchanged for an HttpOnly,
// SameSite=Strict session cookie (engine/sessions.cc); writes made with the cookie must send
// the CSRF token returned here in X-CSRF-Token (auth.cc).
#include "common/time.h"
#include "http/api/api.h"
#include "http/status.h"

namespace im::http::api {
namespace {

constexpr auto kSessionTtl = std::chrono::hours(12);

json::object SessionJson(const engine::Session& s) {
  return json::object{{"actor", s.token.created_by},
                      {"token_name", s.token.name},
                      {"csrf_token", s.csrf_token},
                      {"expires_at", FormatTime(s.expires_at)}};
}

// Secure only behind TLS (a proxy that says so), so plain http on localhost keeps working.
std::string CookieAttributes(const net::HttpRequest& req) {
  std::string attrs = "; Path=/; HttpOnly; SameSite=Strict";
  if (auto proto = req.Header("X-Forwarded-Proto"); proto && *proto == "https") {
    attrs += "; Secure";
  }
  return attrs;
}

net::HttpResponse SessionLogin(ApiContext& ctx, const net::HttpRequest& req) {
  // A JSON content type, which an HTML form on another site cannot send, so no other page can
  // log a browser in to a session of its choosing.
  auto type = req.Header("Content-Type");
  if (!type || !type->starts_with("application/json")) {
    return ErrorResponse(Error{ErrorCode::kInvalidArgument,
                               "send the login as Content-Type: application/json, "
                               "{\"token\": \"im_...\"}"});
  }
  auto body = ReadBody(req);
  if (!body) return body.error();
  if (auto ok = json::RejectUnknownFields(*body, {"token"}); !ok) return ErrorResponse(ok.error());
  auto secret = json::GetString(*body, "token");
  if (!secret) return ErrorResponse(secret.error());
  auto session = ctx.tokens.Login(*secret, kSessionTtl);
  if (!session) return ErrorResponse(session.error());
  auto res = JsonResponse(201, SessionJson(*session));
  res.SetHeader("Set-Cookie", std::string(kSessionCookie) + "=" + session->cookie + "; Max-Age=" +
                                  std::to_string(std::chrono::seconds(kSessionTtl).count()) +
                                  CookieAttributes(req));
  res.SetHeader("Cache-Control", "no-store");
  return res;
}

net::HttpResponse SessionCurrent(ApiContext& ctx, const net::HttpRequest& req) {
  auto cookie = SessionCookie(req);
  if (!cookie) {
    return ErrorResponse(Error{ErrorCode::kUnauthenticated,
                               "not logged in: POST /api/v1/sessions with a token from "
                               "`im token create`"});
  }
  auto session = ctx.tokens.AuthenticateSession(*cookie);
  if (!session) return ErrorResponse(session.error());
  auto res = JsonResponse(200, SessionJson(*session));
  res.SetHeader("Cache-Control", "no-store");
  return res;
}

net::HttpResponse SessionLogout(const net::HttpRequest& req) {
  net::HttpResponse res;
  res.status = 204;
  res.SetHeader("Set-Cookie", std::string(kSessionCookie) + "=; Max-Age=0" + CookieAttributes(req));
  return res;
}

}  // namespace

void AddSessionRoutes(Router& router, ApiContext& ctx) {
  router.Add("POST", "/api/v1/sessions",
             [&](const net::HttpRequest& r) { return SessionLogin(ctx, r); });
  router.Add("GET", "/api/v1/sessions/current",
             [&](const net::HttpRequest& r) { return SessionCurrent(ctx, r); });
  router.Add("DELETE", "/api/v1/sessions/current",
             [](const net::HttpRequest& r) { return SessionLogout(r); });
}

}  // namespace im::http::api

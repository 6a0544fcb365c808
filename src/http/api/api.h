// im's REST API (/api/v1/...): thin handlers over the engine's use cases. They parse and check
// the request, call one use case, and turn the result into JSON; rules live in core/engine.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "common/clock.h"
#include "common/json.h"
#include "engine/deployments.h"
#include "engine/incidents.h"
#include "engine/oncall.h"
#include "engine/tokens.h"
#include "http/metrics.h"
#include "http/router.h"
#include "store/schedule_store.h"
#include "store/store.h"

namespace im::http::api {

struct ApiContext {
  store::Store& store;
  engine::Incidents& incidents;
  engine::Tokens& tokens;
  store::ScheduleStore& schedules;
  engine::OnCall& oncall;
  const Clock& clock;
  // Extra gauges for /metrics, rendered after the request metrics.
  std::function<void(std::string&)> render_metrics;
  std::string openapi_json;  // served at /api/openapi.json
  // DORA (dora_api.cc): the use cases, and source name → secret for X-Im-Signature.
  engine::Deployments* deployments = nullptr;
  const std::map<std::string, std::string>* deployment_secrets = nullptr;
};

void AddIncidentRoutes(Router& router, ApiContext& ctx);
void AddServiceRoutes(Router& router, ApiContext& ctx);
// /api/v1/oncall, /api/v1/schedules, /api/v1/escalation-policies (oncall_api.cc).
void AddOncallRoutes(Router& router, ApiContext& ctx);
// /webhooks/deployments, /api/v1/deployments, /api/v1/metrics/dora and
// /api/v1/incidents/{id}/deployment (dora_api.cc).
void AddDoraRoutes(Router& router, ApiContext& ctx);
// GET /api/v1/reports (reports_api.cc).
void AddReportRoutes(Router& router, ApiContext& ctx);
// POST /api/v1/sessions, GET|DELETE /api/v1/sessions/current (sessions_api.cc).
void AddSessionRoutes(Router& router, ApiContext& ctx);
void AddSystemRoutes(Router& router, ApiContext& ctx, const Metrics* metrics);

// The dashboard session cookie's name, and its value in a request when there is one.
inline constexpr std::string_view kSessionCookie = "im_session";
std::optional<std::string_view> SessionCookie(const net::HttpRequest& req);

// The actor of a write: with an Authorization header, the bearer token must be valid;
// otherwise a dashboard session cookie with its X-CSRF-Token header (sessions_api.cc); the actor is
// the X-Actor header when given (an email), otherwise whoever created the token.
Result<core::Actor> Authorize(const net::HttpRequest& req, engine::Tokens& tokens);

// A read when the configuration says reads need a login (http.reads_need_login): a valid
// bearer token, or a dashboard session cookie (no CSRF token: a read changes nothing).
Result<void> AuthorizeRead(const net::HttpRequest& req, engine::Tokens& tokens);

// Checks the service names of query parameter `param` (docs/cli.md, "Service names").
Result<void> CheckServiceParam(const std::vector<std::string>& names, std::string_view param);

// Parses a JSON object body (empty body → empty object). On failure, the response to send:
// 400 for text that is not JSON, 422 for JSON that is not an object.
std::expected<json::object, net::HttpResponse> ReadBody(const net::HttpRequest& req);

}  // namespace im::http::api

// Route registration of the Opsgenie simulator. Every route is served with and without a
// trailing slash (the official Node SDK sends one) and goes through the shared SimRouter
// middleware (log, latency, 5xx, GenieKey auth, 429 bursts, malformed bodies, resets), then
// Api::Add's own step: a request id, the plan (no Incident API: 402), the key's team, and the
// request domain's two token buckets (429, or a hold with the throttle_by_delay knob). Paths
// no route serves answer Opsgenie's error body with 404, or 405 for another method.
#pragma once

#include <functional>
#include <string>
#include <variant>

#include "common/clock.h"
#include "http/router.h"
#include "net/http_message.h"
#include "sim/common/api_keys.h"
#include "sim/common/knobs.h"
#include "sim/common/sim_router.h"
#include "sim/opsgenie/rate_limits.h"
#include "sim/opsgenie/response.h"
#include "sim/opsgenie/state.h"

namespace im::sim::opsgenie {

using Handler = std::function<net::HttpResponse(const net::HttpRequest&, const Call&)>;

struct Api {
  http::Router& http;
  SimRouter& router;
  State& st;
  RequestIds& ids;
  DomainLimiter& limits;
  const KeyStore& keys;
  std::function<void(std::chrono::milliseconds)> sleep;  // holds throttled requests; may be empty
  std::string base_url;     // paging links when a request has no Host header
  http::Router known = {};  // every method and path Add registered (404 or 405 for the rest)

  // Registers `pattern` and `pattern` + "/". Handlers stay valid while this Api lives.
  void Add(const std::string& method, const std::string& pattern, Domain domain, bool write,
           Handler handler);
  // After every Add: Opsgenie's 404/405 error body for every other path (up to 8 segments).
  void AddFallbacks();
};

// The caller's IP address: the first X-Forwarded-For entry, else the peer address without
// its port (Opsgenie's default `source` of an alert).
std::string CallerAddress(const net::HttpRequest& req);

// The key of an "Authorization: GenieKey <key>" header; empty when there is none.
std::string_view GenieKeyOf(const net::HttpRequest& req);

// The 429 Opsgenie answers for an empty bucket of `period_seconds` (1 or 60).
net::HttpResponse Throttled(const Call& call, int period_seconds);
// X-RateLimit-State THROTTLED, X-RateLimit-Reason ACCOUNT, X-RateLimit-Period-In-Sec.
void MarkThrottled(net::HttpResponse& res, int period_seconds);

// Whether the key of `call` may see an object owned by `owner_team_id` (a team-scoped key sees
// only its own team's alerts, incidents, schedules and escalations).
bool InScope(const Call& call, const std::string& owner_team_id);
// The 403 (code 40301) of a key without permission for what it asked.
net::HttpResponse NoPermission(const Call& call);

// GET /v2/alerts/requests/{requestId} or /v1/incidents/requests/{requestId} (`domain` "alert"
// or "incident"): 404 with X-Opsgenie-Errortype: RequestNotProcessed until it is processed.
net::HttpResponse RequestStatusReply(Api& api, const net::HttpRequest& req, const Call& call,
                                     const std::string& domain);

// /v2/alerts[...] (alerts_api.cc).
void AddAlertRoutes(Api& api);
// /v2/alerts/{id}/logs|notes (alert_lines_api.cc).
void AddAlertLineRoutes(Api& api);
// /v1/incidents[...] and /v2/incident-timelines/{id}/entries (incidents_api.cc).
void AddIncidentRoutes(Api& api);
// /v2/schedules[...] with rotations, timeline, on-calls, overrides (schedules_api.cc).
void AddScheduleRoutes(Api& api);
// /v2/users, /v2/teams, /v2/escalations (directory_api.cc).
void AddDirectoryRoutes(Api& api);

// Classic paging: `offset` (≥ 0, default 0) and `limit` (1..max, default `fallback`).
struct Page {
  int64_t offset = 0, limit = 20;
};
std::variant<Page, net::HttpResponse> ParsePage(const net::HttpRequest& req, const Call& call,
                                                int64_t fallback, int64_t max);

// `paging {first, next, prev, last}` for `total` items at `page` of `path` (the other query
// parameters of `req` kept, offset replaced), as absolute links on the request's host; the
// same links go to the X-Paging-* headers by AddPagingHeaders.
json::object PagingLinks(const Api& api, const net::HttpRequest& req, const Page& page,
                         size_t total);
void AddPagingHeaders(net::HttpResponse& res, const json::object& paging);

// One page of alert or incident logs/notes with the string `offset` cursor, `direction`,
// `limit` and `order` (alert_lines_api.cc); `render` is LogJson or NoteJson.
net::HttpResponse LinePage(const Api& api, const net::HttpRequest& req, const Call& call,
                           const std::vector<LogLine>& lines,
                           json::object (*render)(const LogLine&));

// `identifierType` (or `name`) among `allowed`, default "id"; else the 422 Opsgenie answers.
std::variant<std::string, net::HttpResponse> IdentifierType(
    const net::HttpRequest& req, const Call& call, const std::vector<std::string>& allowed,
    const std::string& name = "identifierType");

}  // namespace im::sim::opsgenie

// Events API v2: POST /v2/enqueue (trigger/acknowledge/resolve with dedup_key semantics) and
// POST /v2/change/enqueue. The routing_key in the body authenticates; ~120 events/min per key.
#include "common/time.h"
#include "sim/common/json_response.h"
#include "sim/pagerduty/routes.h"

namespace im::sim::pagerduty {
namespace {

using Response = net::HttpResponse;

Response Invalid(std::string error) {
  return JsonResponse(400, json::object{{"status", "invalid event"},
                                        {"message", "Event object is invalid"},
                                        {"errors", json::array{json::value(error)}}});
}

Response Throttled() {
  return JsonResponse(429, json::object{{"status", "throttle event"},
                                        {"message",
                                         "Requests for this service are arriving too "
                                         "quickly.  Please retry later."}});
}

Response Enqueue(State& st, RateLimiter* limiter, const net::HttpRequest& req) {
  auto parsed = ParseObjectBody(req.body);
  if (!parsed) {
    return JsonResponse(400, json::object{{"status", "Unrecognized object"},
                                          {"message", "Event object format is unrecognized"},
                                          {"errors", json::array{"JSON parse error"}}});
  }
  const json::object& ev = *parsed;
  auto key = json::GetString(ev, "routing_key");
  if (!key) return Invalid("'routing_key' is missing or blank");
  auto action = json::GetString(ev, "event_action");
  if (!action || (*action != "trigger" && *action != "acknowledge" && *action != "resolve")) {
    return Invalid("'event_action' must be one of trigger, acknowledge or resolve");
  }
  auto dedup = json::GetOptionalString(ev, "dedup_key");
  if (!dedup) return Invalid("'dedup_key' must be a string");
  if (*dedup && (*dedup)->size() > 255) return Invalid("'dedup_key' is longer than 255");
  if (*action != "trigger" && !*dedup) return Invalid("'dedup_key' is required");
  std::string summary, severity;
  if (*action == "trigger") {
    auto payload = json::GetObject(ev, "payload");
    if (!payload) return Invalid("'payload' is missing");
    auto s = json::GetString(**payload, "summary");
    auto src = json::GetString(**payload, "source");
    auto sev = json::GetString(**payload, "severity");
    if (!s || s->empty()) return Invalid("'payload.summary' is missing or blank");
    if (s->size() > 1024) return Invalid("'payload.summary' is longer than 1024");
    if (!src || src->empty()) return Invalid("'payload.source' is missing or blank");
    if (!sev || (*sev != "critical" && *sev != "error" && *sev != "warning" && *sev != "info")) {
      return Invalid("'payload.severity' must be critical, error, warning or info");
    }
    summary = *s;
    severity = *sev;
  }
  std::lock_guard lock(st.mu);
  const Service* svc = st.world.FindServiceByRoutingKey(*key);
  if (!svc) return Invalid("Invalid routing key");
  if (limiter && (!st.knobs || st.knobs->Get().rate_limit) && !limiter->Take(*key).allowed) {
    return Throttled();
  }
  std::string dedup_key = *dedup ? **dedup : st.world.NewId('0', 32);
  Incident* open = nullptr;
  for (auto it = st.world.incidents.rbegin(); it != st.world.incidents.rend(); ++it) {
    if (it->service_id == svc->id && it->incident_key == dedup_key && it->status != "resolved") {
      open = &*it;
      break;
    }
  }
  Agent by{"service_reference", svc->id};
  Time now = st.clock.Now();
  if (*action == "trigger" && !open) {
    // A trigger with a key whose alert is resolved (or unknown) opens a new incident.
    Incident& inc = st.CreateLocked(svc->id, summary,
                                    severity == "critical" || severity == "error" ? "high" : "low",
                                    dedup_key, by, now);
    inc.routing_key = *key;
    inc.alerts.back().severity = severity;
  } else if (open && *action == "acknowledge") {
    st.AcknowledgeLocked(*open, by, now);
  } else if (open && *action == "resolve") {
    st.ResolveLocked(*open, by, now, "");
  }
  // Acknowledge/resolve with no open alert, and repeated triggers, are accepted and dropped.
  return JsonResponse(
      202, json::object{
               {"status", "success"}, {"message", "Event processed"}, {"dedup_key", dedup_key}});
}

Response ChangeEnqueue(State& st, RateLimiter* limiter, const net::HttpRequest& req) {
  auto parsed = ParseObjectBody(req.body);
  if (!parsed) return Invalid("JSON parse error");
  auto key = json::GetString(*parsed, "routing_key");
  if (!key) return Invalid("'routing_key' is missing or blank");
  if (key->starts_with("R")) return Invalid("Change events cannot be sent to ruleset keys");
  auto payload = json::GetObject(*parsed, "payload");
  if (!payload) return Invalid("'payload' is missing");
  auto s = json::GetString(**payload, "summary");
  if (!s || s->empty() || s->size() > 1024) return Invalid("'payload.summary' is invalid");
  ChangeEvent ce{.routing_key = *key, .summary = *s};
  if (auto src = json::GetOptionalString(**payload, "source"); src && *src) ce.source = **src;
  if (auto ts = json::GetOptionalString(**payload, "timestamp"); ts && *ts) {
    auto t = ParseTime(**ts);
    if (!t) return Invalid("'payload.timestamp' is not an ISO 8601 time");
    ce.timestamp = *t;
  }
  if (auto details = json::GetOptionalObject(**payload, "custom_details"); details && *details) {
    ce.custom_details = json::Serialize(**details);
  }
  if (auto links = json::GetOptionalArray(*parsed, "links"); links && *links) {
    for (const auto& l : **links) {
      if (!l.is_object()) continue;
      auto href = json::GetOptionalString(l.as_object(), "href");
      auto text = json::GetOptionalString(l.as_object(), "text");
      if (href && *href) ce.links.emplace_back(**href, text && *text ? **text : "");
    }
  }
  std::lock_guard lock(st.mu);
  const Service* svc = st.world.FindServiceByRoutingKey(*key);
  if (!svc) return Invalid("Invalid routing key");
  if (limiter && (!st.knobs || st.knobs->Get().rate_limit) && !limiter->Take(*key).allowed) {
    return Throttled();
  }
  ce.id = st.world.NewId('0', 26);  // ULID-like, as PagerDuty's change event ids are
  ce.service_id = svc->id;
  if (ce.timestamp == Time{}) ce.timestamp = st.clock.Now();
  st.world.change_events.push_back(std::move(ce));
  return JsonResponse(202,
                      json::object{{"status", "success"}, {"message", "Change event processed"}});
}

}  // namespace

void AddEventsRoutes(SimRouter& r, State& st, RateLimiter* limiter) {
  SimRoute open{.authenticated = false};
  r.Add(
      "POST", "/v2/enqueue", [&st, limiter](const auto& req) { return Enqueue(st, limiter, req); },
      open);
  r.Add(
      "POST", "/v2/change/enqueue",
      [&st, limiter](const auto& req) { return ChangeEnqueue(st, limiter, req); }, open);
}

}  // namespace im::sim::pagerduty

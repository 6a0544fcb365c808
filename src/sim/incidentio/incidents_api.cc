// incident.io incidents: GET /v2/incidents (cursor paging, sort_by, status and status_category
// filters, test/tutorial modes left out by default), GET /v2/incidents/{id}, POST /v2/incidents
// (idempotency_key and visibility required), POST /v2/incidents/{id}/actions/edit, and
// GET /v2/incident_updates (incident_id, cursor paging).
#include <algorithm>

#include "common/time.h"
#include "sim/common/json_response.h"
#include "sim/incidentio/json.h"
#include "sim/incidentio/routes.h"

namespace im::sim::incidentio {
namespace {

using Response = net::HttpResponse;

bool Matches(const std::vector<std::string>& allowed, const std::string& x) {
  return allowed.empty() || std::find(allowed.begin(), allowed.end(), x) != allowed.end();
}

Response List(State& st, const net::HttpRequest& req) {
  auto size = ParsePageSize(req, 250);
  if (auto* err = std::get_if<Response>(&size)) return std::move(*err);
  std::string sort = req.Query("sort_by").value_or("created_at_newest_first");
  if (sort != "created_at_newest_first" && sort != "created_at_oldest_first") {
    return ErrorResponse(422, "validation_error",
                         "sort_by must be created_at_newest_first or created_at_oldest_first");
  }
  auto status = QueryList(req, "status[one_of]");
  auto category = QueryList(req, "status_category[one_of]");
  auto not_category = QueryList(req, "status_category[not_in]");
  auto modes = QueryList(req, "mode[one_of]");
  if (modes.empty()) modes = {"standard", "retrospective"};
  std::lock_guard lock(st.mu);
  const World& w = st.world;
  std::vector<const Incident*> found;
  for (const auto& inc : w.incidents) {
    const Status* s = w.FindStatus(inc.status_id);
    std::string cat = s ? s->category : "";
    if (!Matches(status, inc.status_id) || !Matches(category, cat) || !Matches(modes, inc.mode)) {
      continue;
    }
    if (!not_category.empty() && Matches(not_category, cat)) continue;
    found.push_back(&inc);
  }
  if (sort == "created_at_newest_first") std::reverse(found.begin(), found.end());
  return JsonResponse(
      200, CursorPage(
               "incidents", found, req.Query("after").value_or(""), std::get<int64_t>(size), true,
               [](const Incident* i) { return i->id; },
               [&](const Incident* i) { return json::value(IncidentJson(w, *i)); }));
}

Response Get(State& st, const net::HttpRequest& req) {
  std::lock_guard lock(st.mu);
  Incident* inc = st.world.FindIncident(req.Param("id"));
  if (!inc) return NotFound();
  return JsonResponse(200, json::object{{"incident", IncidentJson(st.world, *inc)}});
}

// The user a write is attributed to: the organisation owner (keys act for the organisation).
std::string Actor(const World& w) { return w.users.empty() ? "" : w.users.front().id; }

Response Create(State& st, const net::HttpRequest& req) {
  auto body = ParseObjectBody(req.body);
  if (!body) return ErrorResponse(422, "validation_error", body.error().message);
  auto key = json::GetString(*body, "idempotency_key");
  auto visibility = json::GetString(*body, "visibility");
  if (!key || key->empty())
    return ErrorResponse(422, "validation_error", "idempotency_key is required");
  if (!visibility || (*visibility != "public" && *visibility != "private")) {
    return ErrorResponse(422, "validation_error", "visibility must be public or private");
  }
  auto name = json::GetOptionalString(*body, "name");
  auto severity = json::GetOptionalString(*body, "severity_id");
  auto mode = json::GetOptionalString(*body, "mode");
  if (!name || !severity || !mode) {
    return ErrorResponse(422, "validation_error", "name, severity_id and mode must be strings");
  }
  std::lock_guard lock(st.mu);
  World& w = st.world;
  for (const auto& inc : w.incidents) {  // the same key gives back the same incident
    if (inc.idempotency_key == *key) {
      return JsonResponse(200, json::object{{"incident", IncidentJson(w, inc)}});
    }
  }
  // Minor by default (the third of the four default severities, else the least of a fixture's).
  std::string sev = severity->value_or(
      w.severities.empty() ? "" : w.severities[std::min<size_t>(2, w.severities.size() - 1)].id);
  if (!w.FindSeverity(sev)) return ErrorResponse(422, "validation_error", "severity_id is unknown");
  if (mode->has_value() && **mode != "standard" && **mode != "retrospective" && **mode != "test" &&
      **mode != "tutorial") {
    return ErrorResponse(422, "validation_error", "mode is not one of the documented modes");
  }
  Incident& inc =
      st.DeclareLocked(name->value_or("Untitled incident"), sev, Actor(w), st.clock.Now());
  inc.idempotency_key = *key;
  inc.visibility = *visibility;
  if (mode->has_value()) inc.mode = **mode;
  return JsonResponse(200, json::object{{"incident", IncidentJson(w, inc)}});
}

Response Edit(State& st, const net::HttpRequest& req) {
  auto body = ParseObjectBody(req.body);
  if (!body) return ErrorResponse(422, "validation_error", body.error().message);
  auto edit = json::GetObject(*body, "incident");
  if (!edit) return ErrorResponse(422, "validation_error", "incident is required");
  auto status = json::GetOptionalString(**edit, "incident_status_id");
  auto severity = json::GetOptionalString(**edit, "severity_id");
  auto name = json::GetOptionalString(**edit, "name");
  auto summary = json::GetOptionalString(**edit, "summary");
  if (!status || !severity || !name || !summary) {
    return ErrorResponse(422, "validation_error", "edited fields must be strings");
  }
  std::lock_guard lock(st.mu);
  World& w = st.world;
  Incident* inc = w.FindIncident(req.Param("id"));
  if (!inc) return NotFound();
  if (status->has_value() && !w.FindStatus(**status)) {
    return ErrorResponse(422, "validation_error", "incident_status_id is unknown");
  }
  if (severity->has_value() && !w.FindSeverity(**severity)) {
    return ErrorResponse(422, "validation_error", "severity_id is unknown");
  }
  Time now = st.clock.Now();
  bool other = false;
  if (severity->has_value() && **severity != inc->severity_id)
    inc->severity_id = **severity, other = true;
  if (name->has_value()) inc->name = **name, other = true;
  if (summary->has_value()) inc->summary = **summary, other = true;
  bool moved = status->has_value() &&
               st.ChangeStatusLocked(*inc, **status, Actor(w), now, "Status changed via the API");
  if (other && !moved) st.TouchLocked(*inc, now);
  return JsonResponse(200, json::object{{"incident", IncidentJson(w, *inc)}});
}

Response Updates(State& st, const net::HttpRequest& req) {
  auto size = ParsePageSize(req, 250);
  if (auto* err = std::get_if<Response>(&size)) return std::move(*err);
  auto incident = req.Query("incident_id");
  std::lock_guard lock(st.mu);
  const World& w = st.world;
  std::vector<const Update*> found;
  for (auto it = w.updates.rbegin(); it != w.updates.rend(); ++it) {  // newest first
    if (!incident || it->incident_id == *incident) found.push_back(&*it);
  }
  return JsonResponse(
      200, CursorPage(
               "incident_updates", found, req.Query("after").value_or(""), std::get<int64_t>(size),
               false, [](const Update* u) { return u->id; },
               [&](const Update* u) { return json::value(UpdateJson(w, *u)); }));
}

}  // namespace

void AddIncidentRoutes(SimRouter& r, State& st, RateLimiter* limiter) {
  SimRoute read{.limiter = limiter}, write{.write = true, .limiter = limiter};
  r.Add(
      "GET", "/v2/incidents", [&st](const auto& req) { return List(st, req); }, read);
  r.Add(
      "POST", "/v2/incidents", [&st](const auto& req) { return Create(st, req); }, write);
  r.Add(
      "GET", "/v2/incidents/{id}", [&st](const auto& req) { return Get(st, req); }, read);
  r.Add(
      "POST", "/v2/incidents/{id}/actions/edit", [&st](const auto& req) { return Edit(st, req); },
      write);
  r.Add(
      "GET", "/v2/incident_updates", [&st](const auto& req) { return Updates(st, req); }, read);
}

}  // namespace im::sim::incidentio

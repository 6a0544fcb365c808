// incident.io incidents: GET /v2/incidents (cursor paging up to 500 a page, sort_by, the
// status, status_category, created_at, updated_at, severity and mode filters combined by
// filter_mode, test/tutorial modes left out by default, private incidents only for keys with
// private access), GET /v2/incidents/{id}, POST /v2/incidents (idempotency_key and visibility
// required; the creator is the API key), POST /v2/incidents/{id}/actions/edit
// (notify_incident_channel required), and GET /v2/incident_updates (incident_id, cursor paging).
#include <algorithm>
#include <functional>

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

bool Contains(const std::vector<std::string>& list, const std::string& x) {
  return std::find(list.begin(), list.end(), x) != list.end();
}

// Whether the request's key may see private incidents.
bool SeesPrivate(const net::HttpRequest& req, const KeyStore& keys) {
  std::string_view auth = req.Header("Authorization").value_or("");
  if (auth.starts_with("Bearer ")) auth.remove_prefix(7);
  auto key = keys.Find(auth);
  return key && key->private_access;
}

// One filter of the list, already parsed: the incident passes or not.
using IioFilter = std::function<bool(const World&, const Incident&)>;

// `created_at[gte|lte|date_range]` and `updated_at[...]`: dates (YYYY-MM-DD, whole days in
// UTC; an RFC 3339 time is taken as is); date_range is "from~to", both days included.
std::variant<std::vector<IioFilter>, Response> TimeFilters(const net::HttpRequest& req,
                                                           const std::string& field) {
  std::vector<IioFilter> out;
  auto get = [field](const Incident& i) {
    return field == "created_at" ? i.created_at : i.updated_at;
  };
  auto day = [](const std::string& text, bool end) -> std::optional<Time> {
    if (text.size() != 10) {  // a whole time is taken as it is
      auto t = ParseTime(text);
      return t ? std::optional<Time>(*t) : std::nullopt;
    }
    auto d = ParseTime(std::string(text) + "T00:00:00Z");
    if (!d) return std::nullopt;
    return end ? *d + std::chrono::days(1) : *d;
  };
  auto bad = [&](const std::string& op) {
    return ErrorResponse(422, "validation_error",
                         field + "[" + op + "] must be a date like 2026-06-01" +
                             (op == "date_range" ? " range, from~to" : ""));
  };
  for (const auto& v : QueryList(req, field + "[gte]")) {
    auto t = day(v, false);
    if (!t) return bad("gte");
    out.push_back([get, t = *t](const World&, const Incident& i) { return get(i) >= t; });
  }
  for (const auto& v : QueryList(req, field + "[lte]")) {
    auto t = day(v, true);
    if (!t) return bad("lte");
    out.push_back([get, t = *t](const World&, const Incident& i) { return get(i) < t; });
  }
  for (const auto& v : QueryList(req, field + "[date_range]")) {
    size_t tilde = v.find('~');
    if (tilde == std::string::npos) return bad("date_range");
    auto from = day(v.substr(0, tilde), false);
    auto to = day(v.substr(tilde + 1), true);
    if (!from || !to) return bad("date_range");
    out.push_back([get, f = *from, u = *to](const World&, const Incident& i) {
      return get(i) >= f && get(i) < u;
    });
  }
  return out;
}

std::variant<std::vector<IioFilter>, Response> Filters(const net::HttpRequest& req,
                                                       const World& w) {
  std::vector<IioFilter> out;
  auto category_of = [](const World& w, const Incident& i) {
    const Status* s = w.FindStatus(i.status_id);
    return s ? s->category : std::string();
  };
  if (auto v = QueryList(req, "status[one_of]"); !v.empty()) {
    out.push_back([v](const World&, const Incident& i) { return Contains(v, i.status_id); });
  }
  if (auto v = QueryList(req, "status[not_in]"); !v.empty()) {
    out.push_back([v](const World&, const Incident& i) { return !Contains(v, i.status_id); });
  }
  if (auto v = QueryList(req, "status_category[one_of]"); !v.empty()) {
    out.push_back([v, category_of](const World& w, const Incident& i) {
      return Contains(v, category_of(w, i));
    });
  }
  if (auto v = QueryList(req, "status_category[not_in]"); !v.empty()) {
    out.push_back([v, category_of](const World& w, const Incident& i) {
      return !Contains(v, category_of(w, i));
    });
  }
  for (const char* field : {"created_at", "updated_at"}) {
    auto times = TimeFilters(req, field);
    if (auto* err = std::get_if<Response>(&times)) return std::move(*err);
    for (auto& f : std::get<std::vector<IioFilter>>(times)) out.push_back(std::move(f));
  }
  if (auto v = QueryList(req, "severity[one_of]"); !v.empty()) {
    out.push_back([v](const World&, const Incident& i) { return Contains(v, i.severity_id); });
  }
  if (auto v = QueryList(req, "severity[not_in]"); !v.empty()) {
    out.push_back([v](const World&, const Incident& i) { return !Contains(v, i.severity_id); });
  }
  for (const char* op : {"gte", "lte"}) {
    for (const auto& id : QueryList(req, std::string("severity[") + op + "]")) {
      const Severity* s = w.FindSeverity(id);
      if (!s) {
        return ErrorResponse(422, "validation_error",
                             std::string("severity[") + op + "] must be a severity id");
      }
      bool gte = std::string_view(op) == "gte";
      out.push_back([rank = s->rank, gte](const World& w, const Incident& i) {
        const Severity* mine = w.FindSeverity(i.severity_id);
        if (!mine) return false;
        return gte ? mine->rank >= rank : mine->rank <= rank;
      });
    }
  }
  return out;
}

Response List(State& st, const KeyStore& keys, const net::HttpRequest& req) {
  // The parameter's schema allows 500 (the prose says 250): the schema is what is enforced.
  auto size = ParsePageSize(req, 500);
  if (auto* err = std::get_if<Response>(&size)) return std::move(*err);
  std::string sort = req.Query("sort_by").value_or("created_at_newest_first");
  if (sort != "created_at_newest_first" && sort != "created_at_oldest_first") {
    return ErrorResponse(422, "validation_error",
                         "sort_by must be created_at_newest_first or created_at_oldest_first");
  }
  std::string filter_mode = req.Query("filter_mode").value_or("all");
  if (filter_mode != "all" && filter_mode != "any") {
    return ErrorResponse(422, "validation_error", "filter_mode must be all or any");
  }
  auto modes = QueryList(req, "mode[one_of]");
  if (modes.empty()) modes = {"standard", "retrospective"};
  const bool sees_private = SeesPrivate(req, keys);
  std::lock_guard lock(st.mu);
  const World& w = st.world;
  auto parsed = Filters(req, w);
  if (auto* err = std::get_if<Response>(&parsed)) return std::move(*err);
  const auto& filters = std::get<std::vector<IioFilter>>(parsed);
  std::vector<const Incident*> found;
  for (const auto& inc : w.incidents) {
    if (!Matches(modes, inc.mode)) continue;
    if (inc.visibility == "private" && !sees_private) continue;
    bool pass = filters.empty() || filter_mode == "all";
    for (const auto& f : filters) {
      if (filter_mode == "all") {
        pass = pass && f(w, inc);
      } else {
        pass = pass || f(w, inc);
      }
    }
    if (pass) found.push_back(&inc);
  }
  if (sort == "created_at_newest_first") std::reverse(found.begin(), found.end());
  return JsonResponse(
      200, CursorPage(
               "incidents", found, req.Query("after").value_or(""), std::get<int64_t>(size), true,
               [](const Incident* i) { return i->id; },
               [&](const Incident* i) { return json::value(IncidentJson(w, *i)); }));
}

Response Get(State& st, const KeyStore& keys, const net::HttpRequest& req) {
  const bool sees_private = SeesPrivate(req, keys);
  std::lock_guard lock(st.mu);
  Incident* inc = st.world.FindIncident(req.Param("id"));
  if (!inc || (inc->visibility == "private" && !sees_private)) return NotFound();
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
  // An incident created through the API is the key's: its creator is {"api_key": {...}}.
  std::string key_id = "01APIKEY" + std::string(18, '0');
  Incident& inc = st.DeclareLocked(name->value_or("Untitled incident"), sev, Actor(w),
                                   st.clock.Now(), [&](Incident& i) {
                                     i.idempotency_key = *key;
                                     i.visibility = *visibility;
                                     if (mode->has_value()) i.mode = **mode;
                                     i.creator_kind = "api_key";
                                     i.creator_id = key_id;
                                   });
  return JsonResponse(200, json::object{{"incident", IncidentJson(w, inc)}});
}

Response Edit(State& st, const net::HttpRequest& req) {
  auto body = ParseObjectBody(req.body);
  if (!body) return ErrorResponse(422, "validation_error", body.error().message);
  auto edit = json::GetObject(*body, "incident");
  if (!edit) return ErrorResponse(422, "validation_error", "incident is required");
  auto notify = body->find("notify_incident_channel");
  if (notify == body->end() || !notify->value().is_bool()) {
    return ErrorResponse(422, "validation_error",
                         "notify_incident_channel is required (true or false)");
  }
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

void AddIncidentRoutes(SimRouter& r, State& st, const KeyStore& keys, RateLimiter* limiter) {
  SimRoute read{.limiter = limiter}, write{.write = true, .limiter = limiter};
  r.Add(
      "GET", "/v2/incidents", [&st, &keys](const auto& req) { return List(st, keys, req); }, read);
  r.Add(
      "POST", "/v2/incidents", [&st](const auto& req) { return Create(st, req); }, write);
  r.Add(
      "GET", "/v2/incidents/{id}", [&st, &keys](const auto& req) { return Get(st, keys, req); },
      read);
  r.Add(
      "POST", "/v2/incidents/{id}/actions/edit", [&st](const auto& req) { return Edit(st, req); },
      write);
  r.Add(
      "GET", "/v2/incident_updates", [&st](const auto& req) { return Updates(st, req); }, read);
  // Paths incident.io does not serve answer its 404 body (literal routes win over these).
  auto unknown = [](const net::HttpRequest&) { return NotFound(); };
  for (const char* method : {"GET", "POST", "PUT", "DELETE"}) {
    for (const char* pattern : {"/v1/{a}", "/v2/{a}", "/v3/{a}", "/v1/{a}/{b}", "/v2/{a}/{b}",
                                "/v3/{a}/{b}", "/v2/{a}/{b}/{c}"}) {
      r.Add(method, pattern, unknown, read);
    }
  }
}

}  // namespace im::sim::incidentio

// incident.io configuration, catalog and on-call reads: /v1/severities, /v1/incident_statuses,
// /v2/catalog_types and /v2/catalog_entries (the service catalog), /v2/escalation_paths,
// /v2/users[/{id}], /v2/schedules[/{id}] and /v2/schedule_entries (whose pages continue by
// passing pagination_meta.after back as entry_window_start).
#include <algorithm>

#include "common/time.h"
#include "sim/common/json_response.h"
#include "sim/incidentio/json.h"
#include "sim/incidentio/routes.h"

namespace im::sim::incidentio {
namespace {

using Response = net::HttpResponse;

// Entries per /v2/schedule_entries response; the rest is reached through `after`.
constexpr size_t kEntriesPerPage = 100;
constexpr auto kDefaultEntryWindow = std::chrono::days(7);

Response Severities(State& st) {
  std::lock_guard lock(st.mu);
  json::array out;
  for (const auto& s : st.world.severities) out.push_back(SeverityJson(s, st.world.configured_at));
  return JsonResponse(200, json::object{{"severities", std::move(out)}});
}

Response Statuses(State& st) {
  std::lock_guard lock(st.mu);
  json::array out;
  for (const auto& s : st.world.statuses) out.push_back(StatusJson(s, st.world.configured_at));
  return JsonResponse(200, json::object{{"incident_statuses", std::move(out)}});
}

Response Users(State& st, const net::HttpRequest& req) {
  auto size = ParsePageSize(req, 10000);  // the parameter's schema maximum
  if (auto* err = std::get_if<Response>(&size)) return std::move(*err);
  auto email = req.Query("email");
  std::lock_guard lock(st.mu);
  std::vector<const User*> users;
  for (const auto& u : st.world.users) {
    if (!email || u.email == *email) users.push_back(&u);
  }
  return JsonResponse(200, CursorPage(
                               "users", users, req.Query("after").value_or(""),
                               std::get<int64_t>(size), false, [](const User* u) { return u->id; },
                               [](const User* u) { return json::value(UserWithRolesJson(*u)); }));
}

Response Schedules(State& st, const net::HttpRequest& req) {
  auto size = ParsePageSize(req, 10000);  // the parameter's schema maximum
  if (auto* err = std::get_if<Response>(&size)) return std::move(*err);
  std::lock_guard lock(st.mu);
  Time now = st.clock.Now();
  return JsonResponse(
      200, CursorPage(
               "schedules", st.world.schedules, req.Query("after").value_or(""),
               std::get<int64_t>(size), true, [](const Schedule& s) { return s.id; },
               [&](const Schedule& s) { return json::value(ScheduleJson(st.world, s, now)); }));
}

std::variant<Time, Response> TimeParam(const net::HttpRequest& req, const std::string& name,
                                       Time fallback) {
  auto text = req.Query(name);
  if (!text) return fallback;
  auto t = ParseTime(*text);
  if (!t) return ErrorResponse(422, "validation_error", name + " must be an RFC 3339 time");
  return *t;
}

Response Entries(State& st, const net::HttpRequest& req) {
  auto id = req.Query("schedule_id");
  if (!id || id->empty()) return ErrorResponse(422, "validation_error", "schedule_id is required");
  auto start = TimeParam(req, "entry_window_start", st.clock.Now());
  if (auto* err = std::get_if<Response>(&start)) return std::move(*err);
  auto end = TimeParam(req, "entry_window_end", std::get<Time>(start) + kDefaultEntryWindow);
  if (auto* err = std::get_if<Response>(&end)) return std::move(*err);
  Time since = std::get<Time>(start), until = std::get<Time>(end);
  if (until <= since) {
    return ErrorResponse(422, "validation_error", "entry_window_end must be after the start");
  }
  std::lock_guard lock(st.mu);
  const Schedule* s = st.world.FindSchedule(*id);
  if (!s) return NotFound();
  std::vector<Entry> entries;
  for (const auto& r : s->rotations) {
    auto shifts = RotationEntries(r, since, until);
    entries.insert(entries.end(), shifts.begin(), shifts.end());
  }
  std::stable_sort(entries.begin(), entries.end(),
                   [](const Entry& a, const Entry& b) { return a.start < b.start; });
  // A page ends before the first entry it leaves out; `after` is that entry's start, which the
  // client passes back as entry_window_start (an entry already shown starts before it).
  json::object out;
  if (entries.size() > kEntriesPerPage) {
    std::string after = FormatTime(entries[kEntriesPerPage].start);
    entries.resize(kEntriesPerPage);
    out["pagination_meta"] = json::object{
        {"after", after},
        {"after_url", "/v2/schedule_entries?schedule_id=" + *id + "&entry_window_start=" + after +
                          "&entry_window_end=" + FormatTime(until)}};
  }
  json::array scheduled, final;
  for (const auto& e : entries) {
    scheduled.push_back(EntryJson(st.world, e));
    final.push_back(EntryJson(st.world, e));
  }
  out["schedule_entries"] = json::object{{"scheduled", std::move(scheduled)},
                                         {"overrides", json::array{}},
                                         {"final", std::move(final)}};
  return JsonResponse(200, out);
}

Response CatalogEntries(State& st, const net::HttpRequest& req) {
  auto type = req.Query("catalog_type_id");
  if (!type || type->empty()) {
    return ErrorResponse(422, "validation_error", "catalog_type_id is required");
  }
  auto size = ParsePageSize(req, 250);
  if (auto* err = std::get_if<Response>(&size)) return std::move(*err);
  std::lock_guard lock(st.mu);
  if (*type != kServiceTypeId) return NotFound();
  json::object page = CursorPage(
      "catalog_entries", st.world.services, req.Query("after").value_or(""),
      std::get<int64_t>(size), false, [](const CatalogEntry& e) { return e.id; },
      [&](const CatalogEntry& e) { return json::value(CatalogEntryJson(st.world, e)); });
  page["catalog_type"] = ServiceTypeJson(st.world);
  return JsonResponse(200, page);
}

}  // namespace

std::variant<int64_t, net::HttpResponse> ParsePageSize(const net::HttpRequest& req, int64_t max) {
  auto size = QueryInt(req, "page_size", 25);
  if (!size || *size < 1 || *size > max) {
    return ErrorResponse(422, "validation_error",
                         "page_size must be between 1 and " + std::to_string(max));
  }
  return *size;
}

void AddDirectoryRoutes(SimRouter& r, State& st, RateLimiter* limiter) {
  SimRoute read{.limiter = limiter};
  r.Add(
      "GET", "/v1/severities", [&st](const auto&) { return Severities(st); }, read);
  r.Add(
      "GET", "/v1/incident_statuses", [&st](const auto&) { return Statuses(st); }, read);
  r.Add(
      "GET", "/v2/users", [&st](const auto& req) { return Users(st, req); }, read);
  r.Add(
      "GET", "/v2/users/{id}",
      [&st](const net::HttpRequest& req) {
        std::lock_guard lock(st.mu);
        const User* u = st.world.FindUser(req.Param("id"));
        return u ? JsonResponse(200, json::object{{"user", UserWithRolesJson(*u)}}) : NotFound();
      },
      read);
  r.Add(
      "GET", "/v2/schedules", [&st](const auto& req) { return Schedules(st, req); }, read);
  r.Add(
      "GET", "/v2/schedules/{id}",
      [&st](const net::HttpRequest& req) {
        std::lock_guard lock(st.mu);
        const Schedule* s = st.world.FindSchedule(req.Param("id"));
        if (!s) return NotFound();
        return JsonResponse(200,
                            json::object{{"schedule", ScheduleJson(st.world, *s, st.clock.Now())}});
      },
      read);
  r.Add(
      "GET", "/v2/schedule_entries", [&st](const auto& req) { return Entries(st, req); }, read);
  r.Add(
      "GET", "/v2/escalation_paths",
      [&st](const net::HttpRequest& req) {
        auto size = ParsePageSize(req, 25);  // the parameter's schema maximum
        if (auto* err = std::get_if<Response>(&size)) return std::move(*err);
        std::lock_guard lock(st.mu);
        return JsonResponse(
            200, CursorPage(
                     "escalation_paths", st.world.escalation_paths, req.Query("after").value_or(""),
                     std::get<int64_t>(size), false, [](const EscalationPath& p) { return p.id; },
                     [](const EscalationPath& p) { return json::value(EscalationPathJson(p)); }));
      },
      read);
  r.Add(
      "GET", "/v2/catalog_types",
      [&st](const net::HttpRequest&) {
        std::lock_guard lock(st.mu);
        return JsonResponse(
            200, json::object{{"catalog_types", json::array{ServiceTypeJson(st.world)}}});
      },
      read);
  r.Add(
      "GET", "/v2/catalog_entries", [&st](const auto& req) { return CatalogEntries(st, req); },
      read);
}

}  // namespace im::sim::incidentio

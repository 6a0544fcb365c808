// Account-wide log entries: GET /log_entries (since/until window on the entries' created_at,
// is_overview, time_zone, include[], team_ids[], classic pagination with the 10,000 offset cap)
// and GET /log_entries/{id}, as the REST API v2 spec describes them. Newest first, like the
// per-incident list; every entry carries its incident reference.
#include <algorithm>

#include "common/time.h"
#include "sim/common/json_response.h"
#include "sim/pagerduty/json.h"
#include "sim/pagerduty/log_entry_view.h"
#include "sim/pagerduty/rest.h"
#include "sim/pagerduty/routes.h"

namespace im::sim::pagerduty {
namespace {

using Response = net::HttpResponse;

// The spec gives no default window for /log_entries; like /incidents, either end alone
// means one month from or to it, and neither means the last month.
constexpr auto kDefaultLogWindow = std::chrono::days(30);

struct Found {
  const Incident* incident;
  const LogEntry* entry;
};

// Every incident's entries newest first; rebuilt when the number of entries changed (entries
// are only appended, and every change that moves incidents or entries in memory appends one).
void RefreshIndexLocked(State& st) {
  size_t entries = 0;
  for (const auto& inc : st.world.incidents) entries += inc.log.size();
  if (entries == st.log_index_entries && st.log_index.size() == entries) return;
  st.log_index.clear();
  st.log_index.reserve(entries);
  for (const auto& inc : st.world.incidents) {
    for (const auto& e : inc.log) st.log_index.emplace_back(&inc, &e);
  }
  std::stable_sort(st.log_index.begin(), st.log_index.end(), [](const auto& a, const auto& b) {
    return a.second->created_at > b.second->created_at;
  });
  st.log_index_entries = entries;
}

bool OnTeams(const World& w, const Incident& inc, const std::vector<std::string>& teams) {
  if (teams.empty()) return true;
  const Service* s = w.FindService(inc.service_id);
  if (!s) return false;
  for (const auto& t : s->team_ids) {
    if (std::find(teams.begin(), teams.end(), t) != teams.end()) return true;
  }
  return false;
}

Response ListLogEntries(State& st, const net::HttpRequest& req) {
  auto page = ParsePage(req);
  if (auto* err = std::get_if<Response>(&page)) return std::move(*err);
  auto view = ParseLogEntryView(req);
  if (auto* err = std::get_if<Response>(&view)) return std::move(*err);
  std::optional<Time> since, until;
  for (auto [name, target] : {std::pair{"since", &since}, std::pair{"until", &until}}) {
    if (auto text = req.Query(name)) {
      auto t = ParseTime(*text);
      if (!t) {
        return ErrorResponse(400, 2004, "Invalid since or until",
                             {std::string(name) + " is not a time"});
      }
      *target = *t;
    }
  }
  if (!since && !until) until = st.clock.Now();
  if (!since) since = *until - kDefaultLogWindow;
  if (!until) until = *since + kDefaultLogWindow;
  if (*until < *since) {
    return ErrorResponse(400, 2005, "Invalid Query Date Range", {"until is before since"});
  }
  auto teams = QueryList(req, "team_ids");
  const LogEntryView& v = std::get<LogEntryView>(view);
  std::lock_guard lock(st.mu);
  RefreshIndexLocked(st);
  // Newest first: the window [since, until) runs from the first entry before `until` to the
  // first entry before `since`.
  auto begin = std::partition_point(st.log_index.begin(), st.log_index.end(),
                                    [&](const auto& p) { return p.second->created_at >= *until; });
  auto end = std::partition_point(begin, st.log_index.end(),
                                  [&](const auto& p) { return p.second->created_at >= *since; });
  std::vector<Found> found;
  for (auto it = begin; it != end; ++it) {
    if (v.overview && !ShownInOverview(*it->second)) continue;
    if (!OnTeams(st.world, *it->first, teams)) continue;
    found.push_back({it->first, it->second});
  }
  return ListResponse("log_entries", found, std::get<Page>(page), [&](const Found& f) {
    return json::value(RenderLogEntry(st.world, st.urls, *f.incident, *f.entry, v));
  });
}

Response GetLogEntry(State& st, const net::HttpRequest& req) {
  auto view = ParseLogEntryView(req);
  if (auto* err = std::get_if<Response>(&view)) return std::move(*err);
  std::string id = req.Param("id");
  std::lock_guard lock(st.mu);
  for (const auto& inc : st.world.incidents) {
    for (const auto& e : inc.log) {
      if (e.id == id) {
        return JsonResponse(
            200, json::object{{"log_entry", RenderLogEntry(st.world, st.urls, inc, e,
                                                           std::get<LogEntryView>(view))}});
      }
    }
  }
  return NotFound();
}

}  // namespace

void AddLogEntryRoutes(SimRouter& r, State& st, RateLimiter* limiter) {
  SimRoute read{.limiter = limiter};
  r.Add(
      "GET", "/log_entries", [&st](const auto& req) { return ListLogEntries(st, req); }, read);
  r.Add(
      "GET", "/log_entries/{id}", [&st](const auto& req) { return GetLogEntry(st, req); }, read);
}

}  // namespace im::sim::pagerduty

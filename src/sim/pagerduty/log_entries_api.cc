// Account-wide log entries: GET /log_entries (since/until window on the entries' created_at,
// is_overview, classic pagination with the 10,000 offset cap) and GET /log_entries/{id}, as
// the REST API v2 spec describes them. Newest first, like the per-incident list.
#include <algorithm>

#include "common/time.h"
#include "sim/common/json_response.h"
#include "sim/pagerduty/json.h"
#include "sim/pagerduty/rest.h"
#include "sim/pagerduty/routes.h"

namespace im::sim::pagerduty {
namespace {

using Response = net::HttpResponse;

// The spec gives no default window for /log_entries; like /incidents, either end alone
// means one month from or to it, and neither means the last month.
constexpr auto kMonth = std::chrono::days(30);

struct Found {
  const Incident* incident;
  const LogEntry* entry;
};

Response List(State& st, const net::HttpRequest& req) {
  auto page = ParsePage(req);
  if (auto* err = std::get_if<Response>(&page)) return std::move(*err);
  std::optional<Time> since, until;
  for (auto [name, target] : {std::pair{"since", &since}, std::pair{"until", &until}}) {
    if (auto text = req.Query(name)) {
      auto t = ParseTime(*text);
      if (!t)
        return ErrorResponse(400, 2004, "Invalid since or until",
                             {std::string(name) + " is not a time"});
      *target = *t;
    }
  }
  if (!since && !until) until = st.clock.Now();
  if (!since) since = *until - kMonth;
  if (!until) until = *since + kMonth;
  if (*until < *since) {
    return ErrorResponse(400, 2005, "Invalid Query Date Range", {"until is before since"});
  }
  bool overview = QueryBool(req, "is_overview", false);
  std::lock_guard lock(st.mu);
  size_t entries = 0;
  for (const auto& inc : st.world.incidents) entries += inc.log.size();
  if (entries != st.log_index_entries || st.log_index.size() != entries) {
    st.log_index.clear();
    for (const auto& inc : st.world.incidents) {
      for (const auto& e : inc.log) st.log_index.emplace_back(&inc, &e);
    }
    std::stable_sort(st.log_index.begin(), st.log_index.end(), [](const auto& a, const auto& b) {
      return a.second->created_at > b.second->created_at;
    });
    st.log_index_entries = entries;
  }
  // Newest first: the window is [first entry before `until`, first entry before `since`).
  auto begin = std::partition_point(st.log_index.begin(), st.log_index.end(),
                                    [&](const auto& p) { return p.second->created_at >= *until; });
  auto end = std::partition_point(begin, st.log_index.end(),
                                  [&](const auto& p) { return p.second->created_at >= *since; });
  std::vector<Found> found;
  for (auto it = begin; it != end; ++it) {
    if (overview &&
        (it->second->type == "notify_log_entry" || it->second->type == "assign_log_entry")) {
      continue;
    }
    found.push_back({it->first, it->second});
  }
  return ListResponse("log_entries", found, std::get<Page>(page), [&](const Found& f) {
    return json::value(LogEntryJson(st.world, st.urls, *f.incident, *f.entry));
  });
}

Response Get(State& st, const net::HttpRequest& req) {
  std::string id = req.Param("id");
  std::lock_guard lock(st.mu);
  for (const auto& inc : st.world.incidents) {
    for (const auto& e : inc.log) {
      if (e.id == id) {
        return JsonResponse(200,
                            json::object{{"log_entry", LogEntryJson(st.world, st.urls, inc, e)}});
      }
    }
  }
  return NotFound();
}

}  // namespace

void AddLogEntryRoutes(SimRouter& r, State& st, RateLimiter* limiter) {
  SimRoute read{.limiter = limiter};
  r.Add(
      "GET", "/log_entries", [&st](const auto& req) { return List(st, req); }, read);
  r.Add(
      "GET", "/log_entries/{id}", [&st](const auto& req) { return Get(st, req); }, read);
}

}  // namespace im::sim::pagerduty

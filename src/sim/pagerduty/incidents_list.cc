// GET /incidents: filters, the since/until window (default one month, at most six), sorting
// and classic pagination, as the REST API v2 documents them.
#include "sim/pagerduty/incidents_list.h"

#include <algorithm>

#include "common/strings.h"
#include "common/time.h"
#include "sim/common/json_response.h"
#include "sim/pagerduty/json.h"
#include "sim/pagerduty/rest.h"

namespace im::sim::pagerduty {
namespace {

using std::chrono::days;

constexpr auto kMonth = days(30);
constexpr auto kSixMonths = days(183);

bool Contains(const std::vector<std::string>& v, const std::string& x) {
  return v.empty() || std::find(v.begin(), v.end(), x) != v.end();
}

struct Window {
  Time since{}, until{};
  bool all = false;
};

std::variant<Window, net::HttpResponse> ParseWindow(const net::HttpRequest& req, Time now) {
  Window w;
  if (req.Query("date_range").value_or("") == "all") {
    w.all = true;
    return w;
  }
  auto since_text = req.Query("since"), until_text = req.Query("until");
  std::optional<Time> since, until;
  if (since_text) {
    auto t = ParseTime(*since_text);
    if (!t) return ErrorResponse(400, 2004, "Invalid since or until", {"since is not a time"});
    since = *t;
  }
  if (until_text) {
    auto t = ParseTime(*until_text);
    if (!t) return ErrorResponse(400, 2004, "Invalid since or until", {"until is not a time"});
    until = *t;
  }
  // Either end alone gives a one-month window from or to it (pdpyras #46).
  if (!since && !until) until = now;
  if (!since) since = *until - kMonth;
  if (!until) until = *since + kMonth;
  if (*until < *since) {
    return ErrorResponse(400, 2005, "Invalid Query Date Range", {"until is before since"});
  }
  if (*until - *since > kSixMonths) {
    return ErrorResponse(400, 2005, "Invalid Query Date Range",
                         {"The maximum range between since and until is 6 months"});
  }
  w.since = *since;
  w.until = *until;
  return w;
}

bool Less(const Incident& a, const Incident& b, const std::string& field) {
  if (field == "incident_number") return a.number < b.number;
  if (field == "resolved_at") {
    return a.resolved_at.value_or(Time::max()) < b.resolved_at.value_or(Time::max());
  }
  if (field == "urgency") return a.urgency < b.urgency;
  return a.created_at < b.created_at;
}

}  // namespace

net::HttpResponse ListIncidents(State& st, const net::HttpRequest& req) {
  auto page = ParsePage(req);
  if (auto* err = std::get_if<net::HttpResponse>(&page)) return std::move(*err);
  auto window = ParseWindow(req, st.clock.Now());
  if (auto* err = std::get_if<net::HttpResponse>(&window)) return std::move(*err);
  const Window& win = std::get<Window>(window);
  auto statuses = QueryList(req, "statuses");
  auto services = QueryList(req, "service_ids");
  auto teams = QueryList(req, "team_ids");
  auto users = QueryList(req, "user_ids");
  auto urgencies = QueryList(req, "urgencies");
  auto key = req.Query("incident_key");
  // "created_at:desc,urgency" (the reference: at most two fields, separated by a comma).
  auto sort_by = SplitCommaLists(QueryList(req, "sort_by"));
  if (sort_by.size() > 2) return InvalidInput("sort_by accepts at most two fields");
  for (const auto& s : statuses) {
    if (s != "triggered" && s != "acknowledged" && s != "resolved") {
      return InvalidInput("statuses[] must be triggered, acknowledged or resolved");
    }
  }
  for (const auto& u : urgencies) {
    if (u != "high" && u != "low") return InvalidInput("urgencies[] must be high or low");
  }

  std::lock_guard lock(st.mu);
  const World& w = st.world;
  auto begin = w.incidents.begin(), end = w.incidents.end();
  if (!win.all) {
    begin = std::lower_bound(begin, end, win.since,
                             [](const Incident& i, Time t) { return i.created_at < t; });
    end = std::lower_bound(begin, end, win.until,
                           [](const Incident& i, Time t) { return i.created_at < t; });
  }
  std::vector<const Incident*> found;
  found.reserve(static_cast<size_t>(end - begin));
  for (auto it = begin; it != end; ++it) {
    const Incident& inc = *it;
    if (!Contains(statuses, inc.status) || !Contains(services, inc.service_id) ||
        !Contains(urgencies, inc.urgency) || (key && inc.incident_key != *key)) {
      continue;
    }
    if (!teams.empty()) {
      const Service* s = w.FindService(inc.service_id);
      bool any = false;
      for (const auto& t : s ? s->team_ids : std::vector<std::string>{}) any |= Contains(teams, t);
      if (!any) continue;
    }
    if (!users.empty()) {  // only open incidents assigned to one of the users
      bool any = false;
      for (const auto& a : inc.assignments) any |= Contains(users, a.user_id);
      if (!any || inc.status == "resolved") continue;
    }
    found.push_back(&inc);
  }
  if (!sort_by.empty()) {
    std::stable_sort(found.begin(), found.end(), [&](const Incident* a, const Incident* b) {
      for (const auto& spec : sort_by) {
        size_t colon = spec.find(':');
        std::string field = spec.substr(0, colon);
        bool desc = colon != std::string::npos && spec.substr(colon + 1) == "desc";
        if (Less(*a, *b, field)) return !desc;
        if (Less(*b, *a, field)) return desc;
      }
      return false;
    });
  }
  // Rendering an incident (about 30 fields, 8 nested references) was nearly all of this
  // handler's time, so each incident keeps its text until the state changes (State::revision).
  const Page& p = std::get<Page>(page);
  uint64_t revision = st.revision.load();
  std::string items;
  size_t last = std::min(found.size(), static_cast<size_t>(p.offset + p.limit));
  for (size_t i = static_cast<size_t>(p.offset); i < last; ++i) {
    const Incident& inc = *found[i];
    if (inc.rendered_rev != revision) {
      inc.rendered = json::Serialize(IncidentJson(w, st.urls, inc));
      inc.rendered_rev = revision;
    }
    if (!items.empty()) items += ',';
    items += inc.rendered;
  }
  return PageText("incidents", items, p, found.size());
}

}  // namespace im::sim::pagerduty

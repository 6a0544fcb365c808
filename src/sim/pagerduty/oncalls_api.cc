// GET /oncalls: for each escalation policy level, who is on call in [since, until] (default
// now): schedule targets from the rendered final schedule, user targets permanently (null
// start/end). `until` may be at most 90 days in the future.
#include <algorithm>

#include "common/time.h"
#include "sim/common/json_response.h"
#include "sim/pagerduty/rest.h"
#include "sim/pagerduty/routes.h"
#include "sim/pagerduty/schedule_render.h"

namespace im::sim::pagerduty {

net::HttpResponse ListOncalls(State& st, const net::HttpRequest& req) {
  auto page = ParsePage(req);
  if (auto* err = std::get_if<net::HttpResponse>(&page)) return std::move(*err);
  Time now = st.clock.Now();
  Time since = now, until = now;
  if (auto s = req.Query("since")) {
    auto t = ParseTime(*s);
    if (!t) return ErrorResponse(400, 2004, "Invalid since or until", {"since is not a time"});
    since = *t;
  }
  if (auto u = req.Query("until")) {
    auto t = ParseTime(*u);
    if (!t) return ErrorResponse(400, 2004, "Invalid since or until", {"until is not a time"});
    until = *t;
  }
  if (until < since) return InvalidInput("until must not be before since");
  if (until > now + std::chrono::days(90)) {
    return InvalidInput("until cannot be more than 90 days in the future");
  }
  auto ep_ids = QueryList(req, "escalation_policy_ids");
  auto schedule_ids = QueryList(req, "schedule_ids");
  auto user_ids = QueryList(req, "user_ids");
  bool earliest = QueryBool(req, "earliest", false);
  auto want = [](const std::vector<std::string>& v, const std::string& x) {
    return v.empty() || std::find(v.begin(), v.end(), x) != v.end();
  };
  std::lock_guard lock(st.mu);
  const World& w = st.world;
  json::array all;
  for (const auto& ep : w.escalation_policies) {
    if (!want(ep_ids, ep.id)) continue;
    json::value ep_ref =
        Reference(st.urls, "escalation_policy_reference", ep.id, ep.name, "escalation_policies");
    for (size_t level = 0; level < ep.rules.size(); ++level) {
      for (const auto& t : ep.rules[level].targets) {
        auto add = [&](const std::string& user, json::value schedule, json::value start,
                       json::value end) {
          if (!want(user_ids, user)) return;
          all.push_back({{"escalation_policy", ep_ref},
                         {"escalation_level", level + 1},
                         {"schedule", std::move(schedule)},
                         {"user", UserRef(w, st.urls, user)},
                         {"start", std::move(start)},
                         {"end", std::move(end)}});
        };
        if (t.type == "user_reference") {
          // Permanent on-call; only listed when schedule_ids is absent or contains "null".
          if (schedule_ids.empty() || want(schedule_ids, "null")) {
            add(t.id, nullptr, nullptr, nullptr);
          }
          continue;
        }
        if (!want(schedule_ids, t.id)) continue;
        const Schedule* sch = nullptr;
        for (const auto& s : w.schedules) {
          if (s.id == t.id) sch = &s;
        }
        if (!sch) continue;
        json::value sref =
            Reference(st.urls, "schedule_reference", sch->id, sch->name, "schedules");
        // Full shifts (overflow) that touch [since, until]; a point query touches one.
        auto spans =
            RenderFinal(*sch, since - std::chrono::days(14), until + std::chrono::days(14));
        for (const auto& sp : spans) {
          if (sp.end <= since || sp.start > until) continue;
          add(sp.user_id, sref, json::value(FormatTime(sp.start)), json::value(FormatTime(sp.end)));
          if (earliest) break;
        }
      }
    }
  }
  std::vector<json::value> items(all.begin(), all.end());
  return ListResponse("oncalls", items, std::get<Page>(page),
                      [](const json::value& v) { return v; });
}

}  // namespace im::sim::pagerduty

// Change events as the REST API v2 lists them: GET /change_events (since/until, which the spec
// says must be UTC; team_ids[], integration_ids[]; classic pagination) and
// GET /change_events/{id}. They are the ones received on /v2/change/enqueue, kept 90 days as
// PagerDuty keeps them; newest first.
#include <algorithm>

#include "common/time.h"
#include "sim/common/json_response.h"
#include "sim/pagerduty/json.h"
#include "sim/pagerduty/rest.h"
#include "sim/pagerduty/routes.h"

namespace im::sim::pagerduty {
namespace {

using Response = net::HttpResponse;

constexpr auto kRetention = std::chrono::days(90);

json::object ChangeEventJson(const World& w, const Urls& urls, const ChangeEvent& ce) {
  json::object o;
  o.emplace("id", ce.id);
  o.emplace("type", "change_event");
  o.emplace("summary", ce.summary);
  o.emplace("self", urls.api + "/change_events/" + ce.id);
  o.emplace("html_url", nullptr);
  o.emplace("timestamp", FormatTime(ce.timestamp));
  json::array services;
  services.push_back(ServiceRef(w, urls, ce.service_id));
  o.emplace("services", std::move(services));
  o.emplace("integration",
            Reference(urls, "inbound_integration_reference", "P" + ce.routing_key.substr(0, 6),
                      "Events API v2", "integrations"));
  o.emplace("routing_key", ce.routing_key);
  o.emplace("source", ce.source);
  json::array links;
  for (const auto& [href, text] : ce.links)
    links.push_back(json::object{{"href", href}, {"text", text}});
  o.emplace("links", std::move(links));
  o.emplace("images", json::array{});
  auto details = json::Parse(ce.custom_details.empty() ? "{}" : ce.custom_details);
  o.emplace("custom_details", details ? *details : json::value(json::object{}));
  return o;
}

Response ListChangeEvents(State& st, const net::HttpRequest& req) {
  auto page = ParsePage(req);
  if (auto* err = std::get_if<Response>(&page)) return std::move(*err);
  std::optional<Time> since, until;
  for (auto [name, target] : {std::pair{"since", &since}, std::pair{"until", &until}}) {
    if (auto text = req.Query(name)) {
      // "Will return an HTTP 400 for non-UTC datetimes."
      auto t = ParseTime(*text);
      if (!t || !text->ends_with("Z")) {
        return ErrorResponse(400, 2001, "Invalid Input Provided",
                             {std::string(name) + " must be a UTC time like 2020-07-17T08:42:58Z"});
      }
      *target = *t;
    }
  }
  auto teams = QueryList(req, "team_ids");
  auto integrations = QueryList(req, "integration_ids");
  std::lock_guard lock(st.mu);
  const Time kept = st.clock.Now() - kRetention;
  std::vector<const ChangeEvent*> found;
  for (const auto& ce : st.world.change_events) {
    if (ce.timestamp < kept || (since && ce.timestamp < *since) ||
        (until && ce.timestamp >= *until)) {
      continue;
    }
    if (!teams.empty()) {
      const Service* s = st.world.FindService(ce.service_id);
      bool any = false;
      for (const auto& t : s ? s->team_ids : std::vector<std::string>{}) {
        any |= std::find(teams.begin(), teams.end(), t) != teams.end();
      }
      if (!any) continue;
    }
    if (!integrations.empty() &&
        std::find(integrations.begin(), integrations.end(), "P" + ce.routing_key.substr(0, 6)) ==
            integrations.end()) {
      continue;
    }
    found.push_back(&ce);
  }
  std::stable_sort(found.begin(), found.end(), [](const ChangeEvent* a, const ChangeEvent* b) {
    return a->timestamp > b->timestamp;
  });
  return ListResponse("change_events", found, std::get<Page>(page), [&](const ChangeEvent* ce) {
    return json::value(ChangeEventJson(st.world, st.urls, *ce));
  });
}

Response GetChangeEvent(State& st, const net::HttpRequest& req) {
  std::string id = req.Param("id");
  std::lock_guard lock(st.mu);
  for (const auto& ce : st.world.change_events) {
    if (ce.id == id) {
      return JsonResponse(200,
                          json::object{{"change_event", ChangeEventJson(st.world, st.urls, ce)}});
    }
  }
  return NotFound();
}

}  // namespace

void AddChangeEventRoutes(SimRouter& r, State& st, RateLimiter* limiter) {
  SimRoute read{.limiter = limiter};
  r.Add(
      "GET", "/change_events", [&st](const auto& req) { return ListChangeEvents(st, req); }, read);
  r.Add(
      "GET", "/change_events/{id}", [&st](const auto& req) { return GetChangeEvent(st, req); },
      read);
}

}  // namespace im::sim::pagerduty

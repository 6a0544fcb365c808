// Services, users, teams, escalation policies and priorities: classic-paginated lists with the
// documented filters, and single objects by id.
#include <algorithm>

#include "sim/common/json_response.h"
#include "sim/pagerduty/rest.h"
#include "sim/pagerduty/routes.h"

namespace im::sim::pagerduty {
namespace {

using Response = net::HttpResponse;

bool Matches(const std::string& name, const std::optional<std::string>& query) {
  if (!query || query->empty()) return true;
  auto lower = [](std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
  };
  return lower(name).find(lower(*query)) != std::string::npos;
}

bool AnyIn(const std::vector<std::string>& have, const std::vector<std::string>& want) {
  if (want.empty()) return true;
  for (const auto& h : have) {
    if (std::find(want.begin(), want.end(), h) != want.end()) return true;
  }
  return false;
}

// Registers GET /<plural> and GET /<plural>/{id} for one collection of the world.
template <typename T, typename Items, typename Keep, typename Render>
void AddCollection(SimRouter& r, State& st, RateLimiter* limiter, const std::string& plural,
                   const std::string& singular, Items items, Keep keep, Render render) {
  SimRoute read{.limiter = limiter};
  r.Add(
      "GET", "/" + plural,
      [=, &st](const net::HttpRequest& req) {
        auto page = ParsePage(req);
        if (auto* err = std::get_if<Response>(&page)) return std::move(*err);
        std::lock_guard lock(st.mu);
        std::vector<const T*> found;
        for (const T& x : items(st.world)) {
          if (keep(st.world, x, req)) found.push_back(&x);
        }
        return ListResponse(plural, found, std::get<Page>(page),
                            [&](const T* x) { return json::value(render(st.world, st.urls, *x)); });
      },
      read);
  r.Add(
      "GET", "/" + plural + "/{id}",
      [=, &st](const net::HttpRequest& req) {
        std::lock_guard lock(st.mu);
        for (const T& x : items(st.world)) {
          if (x.id == req.Param("id")) {
            return JsonResponse(200, json::object{{singular, render(st.world, st.urls, x)}});
          }
        }
        return NotFound();
      },
      read);
}

}  // namespace

void AddDirectoryRoutes(SimRouter& r, State& st, RateLimiter* limiter) {
  AddCollection<Service>(
      r, st, limiter, "services", "service", [](World & w) -> auto& { return w.services; },
      [](const World&, const Service& s, const net::HttpRequest& req) {
        return Matches(s.name, req.Query("query")) &&
               (!req.Query("name") || *req.Query("name") == s.name) &&
               AnyIn(s.team_ids, QueryList(req, "team_ids"));
      },
      ServiceJson);
  // GET /users/me needs a user token; account keys get PagerDuty's 400 (route added first so
  // the literal segment wins over {id}).
  r.Add("GET", "/users/me",
        [](const net::HttpRequest&) {
          return ErrorResponse(
              400, 2001, "Invalid Input Provided",
              {"Because this request was made using an account-level access token, "
               "we were unable to determine the user's identity. Please use a "
               "user-level token."});
        },
        {.limiter = limiter});
  AddCollection<User>(
      r, st, limiter, "users", "user", [](World & w) -> auto& { return w.users; },
      [](const World&, const User& u, const net::HttpRequest& req) {
        return (Matches(u.name, req.Query("query")) || Matches(u.email, req.Query("query"))) &&
               AnyIn(u.team_ids, QueryList(req, "team_ids"));
      },
      UserJson);
  AddCollection<Team>(
      r, st, limiter, "teams", "team", [](World & w) -> auto& { return w.teams; },
      [](const World&, const Team& t, const net::HttpRequest& req) {
        return Matches(t.name, req.Query("query"));
      },
      [](const World&, const Urls& urls, const Team& t) { return TeamJson(urls, t); });
  AddCollection<EscalationPolicy>(
      r, st, limiter, "escalation_policies", "escalation_policy",
      [](World & w) -> auto& { return w.escalation_policies; },
      [](const World&, const EscalationPolicy& ep, const net::HttpRequest& req) {
        std::vector<std::string> users;
        for (const auto& rule : ep.rules) {
          for (const auto& t : rule.targets) users.push_back(t.id);
        }
        return Matches(ep.name, req.Query("query")) &&
               AnyIn(ep.team_ids, QueryList(req, "team_ids")) &&
               AnyIn(users, QueryList(req, "user_ids"));
      },
      EscalationPolicyJson);
  AddCollection<Priority>(
      r, st, limiter, "priorities", "priority", [](World & w) -> auto& { return w.priorities; },
      [](const World&, const Priority&, const net::HttpRequest&) { return true; },
      [](const World&, const Urls& urls, const Priority& p) { return PriorityJson(urls, p); });
}

}  // namespace im::sim::pagerduty

// /schedules (layers, restrictions, overrides, final_schedule rendered for since/until),
// /schedules/{id}/overrides, /schedules/{id}/users and /oncalls.
#include <algorithm>

#include "common/time.h"
#include "sim/common/json_response.h"
#include "sim/pagerduty/rest.h"
#include "sim/pagerduty/routes.h"
#include "sim/pagerduty/schedule_render.h"

namespace im::sim::pagerduty {
namespace {

using Response = net::HttpResponse;
using std::chrono::days;

std::string TimeOfDay(int64_t s) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", static_cast<int>(s / 3600),
                static_cast<int>(s / 60 % 60), static_cast<int>(s % 60));
  return buf;
}

json::array Entries(const World& w, const Urls& urls, const std::vector<Span>& spans) {
  json::array out;
  for (const auto& s : spans) {
    out.push_back({{"user", UserRef(w, urls, s.user_id)},
                   {"start", FormatTime(s.start)},
                   {"end", FormatTime(s.end)}});
  }
  return out;
}

struct Window {
  Time since{}, until{};
  bool rendered = false;
  bool overflow = false;
};

// since/until: either alone gives a two-week window; neither → nothing rendered.
std::variant<Window, Response> ParseWindow(const net::HttpRequest& req) {
  Window w;
  auto s = req.Query("since"), u = req.Query("until");
  w.overflow = QueryBool(req, "overflow", false);
  if (!s && !u) return w;
  w.rendered = true;
  if (s) {
    auto t = ParseTime(*s);
    if (!t) return ErrorResponse(400, 2004, "Invalid since or until", {"since is not a time"});
    w.since = *t;
  }
  if (u) {
    auto t = ParseTime(*u);
    if (!t) return ErrorResponse(400, 2004, "Invalid since or until", {"until is not a time"});
    w.until = *t;
  }
  if (!s) w.since = w.until - days(14);
  if (!u) w.until = w.since + days(14);
  if (w.until < w.since) return InvalidInput("until must not be before since");
  return w;
}

// Spans rendered around the window, kept when they touch it; clipped unless overflow.
template <typename Render>
std::vector<Span> InWindow(const Window& win, Render render) {
  std::vector<Span> spans = render(win.since - days(14), win.until + days(14));
  std::vector<Span> out;
  for (auto s : spans) {
    if (s.end <= win.since || s.start >= win.until) continue;
    if (!win.overflow) {
      s.start = std::max(s.start, win.since);
      s.end = std::min(s.end, win.until);
    }
    out.push_back(s);
  }
  return out;
}

json::object SubSchedule(const World& w, const Urls& urls, const std::string& name,
                         const Window& win, const std::vector<Span>& spans) {
  return {{"name", name},
          {"rendered_schedule_entries", win.rendered ? Entries(w, urls, spans) : json::array{}},
          {"rendered_coverage_percentage",
           win.rendered ? json::value(Coverage(spans, win.since, win.until)) : nullptr}};
}

json::object ScheduleJson(const World& w, const Urls& urls, const Schedule& s, const Window& win) {
  json::array layers, users, eps;
  std::vector<std::string> seen;
  for (const auto& l : s.layers) {
    json::array lu, restrictions;
    for (const auto& id : l.user_ids) {
      lu.push_back(json::object{{"user", UserRef(w, urls, id)}});
      if (std::find(seen.begin(), seen.end(), id) == seen.end()) seen.push_back(id);
    }
    for (const auto& r : l.restrictions) {
      json::object o{{"type", r.type},
                     {"start_time_of_day", TimeOfDay(r.start_second_of_day)},
                     {"duration_seconds", r.duration_seconds}};
      if (r.type == "weekly_restriction") o["start_day_of_week"] = r.start_day_of_week;
      restrictions.push_back(std::move(o));
    }
    auto spans = InWindow(win, [&](Time a, Time b) { return RenderLayer(l, s.time_zone, a, b); });
    layers.push_back(
        {{"id", l.id},
         {"name", l.name},
         {"start", FormatTime(l.start)},
         {"end", l.end ? json::value(FormatTime(*l.end)) : nullptr},
         {"rotation_virtual_start", FormatTime(l.rotation_virtual_start)},
         {"rotation_turn_length_seconds", l.rotation_turn_length_seconds},
         {"users", std::move(lu)},
         {"restrictions", std::move(restrictions)},
         {"rendered_schedule_entries", win.rendered ? Entries(w, urls, spans) : json::array{}},
         {"rendered_coverage_percentage",
          win.rendered ? json::value(Coverage(spans, win.since, win.until)) : nullptr}});
  }
  for (const auto& id : seen) users.push_back(UserRef(w, urls, id));
  for (const auto& ep : w.escalation_policies) {
    for (const auto& r : ep.rules) {
      for (const auto& t : r.targets) {
        if (t.id == s.id) {
          eps.push_back(Reference(urls, "escalation_policy_reference", ep.id, ep.name,
                                  "escalation_policies"));
        }
      }
    }
  }
  json::object o = Reference(urls, "schedule", s.id, s.name, "schedules");
  o["name"] = s.name;
  o["description"] = s.description;
  o["time_zone"] = s.time_zone;
  o["schedule_layers"] = std::move(layers);
  o["final_schedule"] =
      SubSchedule(w, urls, "Final Schedule", win,
                  InWindow(win, [&](Time a, Time b) { return RenderFinal(s, a, b); }));
  o["overrides_subschedule"] =
      SubSchedule(w, urls, "Overrides", win,
                  InWindow(win, [&](Time a, Time b) { return RenderOverrides(s, a, b); }));
  o["escalation_policies"] = std::move(eps);
  o["users"] = std::move(users);
  json::array teams;
  for (const auto& t : w.teams) {
    if (std::find(s.team_ids.begin(), s.team_ids.end(), t.id) != s.team_ids.end()) {
      teams.push_back(Reference(urls, "team_reference", t.id, t.name, "teams"));
    }
  }
  o["teams"] = std::move(teams);
  return o;
}

Schedule* FindSchedule(World& w, const std::string& id) {
  for (auto& s : w.schedules) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

}  // namespace

Response ListOncalls(State& st, const net::HttpRequest& req);

void AddScheduleRoutes(SimRouter& r, State& st, RateLimiter* limiter) {
  SimRoute read{.limiter = limiter}, write{.write = true, .limiter = limiter};
  r.Add(
      "GET", "/schedules",
      [&st](const net::HttpRequest& req) {
        auto page = ParsePage(req);
        if (auto* err = std::get_if<Response>(&page)) return std::move(*err);
        std::lock_guard lock(st.mu);
        return ListResponse(
            "schedules", st.world.schedules, std::get<Page>(page),
            [&](const Schedule& s) { return json::value(ScheduleJson(st.world, st.urls, s, {})); });
      },
      read);
  r.Add(
      "GET", "/schedules/{id}",
      [&st](const net::HttpRequest& req) {
        auto win = ParseWindow(req);
        if (auto* err = std::get_if<Response>(&win)) return std::move(*err);
        std::lock_guard lock(st.mu);
        Schedule* s = FindSchedule(st.world, req.Param("id"));
        if (!s) return NotFound();
        return JsonResponse(
            200,
            json::object{{"schedule", ScheduleJson(st.world, st.urls, *s, std::get<Window>(win))}});
      },
      read);
  r.Add(
      "GET", "/schedules/{id}/users",
      [&st](const net::HttpRequest& req) {
        std::lock_guard lock(st.mu);
        Schedule* s = FindSchedule(st.world, req.Param("id"));
        if (!s) return NotFound();
        json::array users;
        std::vector<std::string> seen;
        for (const auto& l : s->layers) {
          for (const auto& id : l.user_ids) {
            if (std::find(seen.begin(), seen.end(), id) != seen.end()) continue;
            seen.push_back(id);
            if (const User* u = st.world.FindUser(id))
              users.push_back(UserJson(st.world, st.urls, *u));
          }
        }
        return JsonResponse(200, json::object{{"users", std::move(users)}});
      },
      read);
  r.Add(
      "GET", "/schedules/{id}/overrides",
      [&st](const net::HttpRequest& req) {
        if (!req.Query("since") || !req.Query("until")) {
          return InvalidInput("since and until are required");
        }
        auto win = ParseWindow(req);
        if (auto* err = std::get_if<Response>(&win)) return std::move(*err);
        std::lock_guard lock(st.mu);
        Schedule* s = FindSchedule(st.world, req.Param("id"));
        if (!s) return NotFound();
        json::array out;
        const Window& w = std::get<Window>(win);
        for (const auto& o : s->overrides) {
          if (o.end <= w.since || o.start >= w.until) continue;
          out.push_back({{"id", o.id},
                         {"start", FormatTime(o.start)},
                         {"end", FormatTime(o.end)},
                         {"user", UserRef(st.world, st.urls, o.user_id)}});
        }
        return JsonResponse(200, json::object{{"overrides", std::move(out)}});
      },
      read);
  r.Add(
      "POST", "/schedules/{id}/overrides",
      [&st](const net::HttpRequest& req) {
        auto body = ParseObjectBody(req.body);
        if (!body) return InvalidInput(body.error().message);
        auto list = json::GetOptionalArray(*body, "overrides");
        if (!list || !*list) return InvalidInput("overrides is required");
        std::lock_guard lock(st.mu);
        Schedule* s = FindSchedule(st.world, req.Param("id"));
        if (!s) return NotFound();
        json::array results;
        for (const auto& v : **list) {
          const json::object* o = v.is_object() ? &v.as_object() : nullptr;
          auto start = o ? json::GetString(*o, "start") : Fail(ErrorCode::kInvalidArgument, "");
          auto end = o ? json::GetString(*o, "end") : Fail(ErrorCode::kInvalidArgument, "");
          auto user = o ? json::GetObject(*o, "user") : Fail(ErrorCode::kInvalidArgument, "");
          auto uid = user ? json::GetString(**user, "id") : Fail(ErrorCode::kInvalidArgument, "");
          auto ts = start ? ParseTime(*start) : Fail(ErrorCode::kInvalidArgument, "");
          auto te = end ? ParseTime(*end) : Fail(ErrorCode::kInvalidArgument, "");
          if (!ts || !te || !uid || !st.world.FindUser(*uid) || *te <= *ts) {
            results.push_back({{"status", 400},
                               {"errors", json::array{"Override must have a valid start, end and "
                                                      "user"}}});
            continue;
          }
          Override ov{st.world.NewId('Q', 14), *ts, *te, *uid};
          s->overrides.push_back(ov);
          results.push_back({{"status", 201},
                             {"override",
                              {{"id", ov.id},
                               {"start", FormatTime(ov.start)},
                               {"end", FormatTime(ov.end)},
                               {"user", UserRef(st.world, st.urls, ov.user_id)}}}});
        }
        return JsonResponse(201, results);
      },
      write);
  r.Add(
      "GET", "/oncalls", [&st](const auto& req) { return ListOncalls(st, req); }, read);
}

}  // namespace im::sim::pagerduty

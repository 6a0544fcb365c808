// /api/v1/oncall, /api/v1/schedules and /api/v1/escalation-policies: who is on call, the
// shifts and hours of a window, and definitions made in im (POST, bearer token).
#include "common/time.h"
#include "engine/oncall_json.h"
#include "http/api/api.h"
#include "http/status.h"
#include "schedule/schedule_json.h"

namespace im::http::api {
namespace {

using net::HttpRequest;
using net::HttpResponse;

// Query parameter `name` as an instant (RFC 3339, "now" or relative like "+2h"), or `fallback`.
Result<Time> TimeParam(const HttpRequest& req, const char* name, Time fallback, Time now) {
  auto text = req.Query(name);
  if (!text || text->empty()) return fallback;
  auto t = ParseTimeRelative(*text, now);
  if (!t) return std::unexpected(t.error().Wrap(std::string("query parameter '") + name + "'"));
  return *t;
}

// since (default now) and until (default since + `span`), until after since.
Result<std::pair<Time, Time>> Window(const HttpRequest& req, Time now, Duration span) {
  auto since = TimeParam(req, "since", now, now);
  if (!since) return std::unexpected(since.error());
  auto until = TimeParam(req, "until", *since + span, now);
  if (!until) return std::unexpected(until.error());
  if (*until <= *since) {
    return Fail(ErrorCode::kInvalidArgument, "query parameter 'until' must be after 'since'");
  }
  return std::pair{*since, *until};
}

HttpResponse OnCallNow(ApiContext& ctx, const HttpRequest& req) {
  const Time now = ctx.clock.Now();
  auto at = TimeParam(req, "at", now, now);
  if (!at) return ErrorResponse(at.error());
  auto service = req.Query("service");
  auto schedule_id = req.Query("schedule");
  if (service && !service->empty()) {
    if (auto ok = CheckServiceParam({std::string(*service)}, "service"); !ok) {
      return ErrorResponse(ok.error());
    }
    auto view = ctx.oncall.ForService(*service, *at);
    if (!view) return ErrorResponse(view.error());
    return JsonResponse(200, engine::ServiceOnCallToJson(*view));
  }
  if (schedule_id && !schedule_id->empty()) {
    auto view = ctx.oncall.ForSchedule(*schedule_id, *at);
    if (!view) return ErrorResponse(view.error());
    return JsonResponse(200, engine::ScheduleOnCallToJson(*view, *at));
  }
  auto all = ctx.oncall.ForAllSchedules(*at);
  if (!all) return ErrorResponse(all.error());
  json::array items;
  for (const auto& s : *all) items.push_back(engine::ScheduleOnCallToJson(s, *at));
  return JsonResponse(200, json::object{{"at", FormatTime(*at)}, {"oncalls", std::move(items)}});
}

HttpResponse Shifts(ApiContext& ctx, const HttpRequest& req) {
  auto window = Window(req, ctx.clock.Now(), std::chrono::days(7));
  if (!window) return ErrorResponse(window.error());
  const std::string id = req.Param("id");
  auto shifts = ctx.oncall.Shifts(id, window->first, window->second);
  if (!shifts) return ErrorResponse(shifts.error());
  json::array items;
  for (const auto& s : *shifts) items.push_back(schedule::ShiftToJson(s));
  return JsonResponse(200, json::object{{"schedule_id", id},
                                        {"since", FormatTime(window->first)},
                                        {"until", FormatTime(window->second)},
                                        {"shifts", std::move(items)}});
}

HttpResponse Hours(ApiContext& ctx, const HttpRequest& req) {
  const Time now = ctx.clock.Now();
  auto since = TimeParam(req, "since", now - std::chrono::days(30), now);
  if (!since) return ErrorResponse(since.error());
  auto until = TimeParam(req, "until", now, now);
  if (!until) return ErrorResponse(until.error());
  auto hours = ctx.oncall.Hours(*since, *until);
  if (!hours) return ErrorResponse(hours.error());
  return JsonResponse(200, engine::HoursReportToJson(*hours, *since, *until));
}

// POST bodies: one schedule or one policy in the API's JSON; source "im", upserted by id.
HttpResponse SaveSchedule(ApiContext& ctx, const HttpRequest& req) {
  auto actor = Authorize(req, ctx.tokens);
  if (!actor) return ErrorResponse(actor.error());
  auto body = ReadBody(req);
  if (!body) return body.error();
  auto s = schedule::ScheduleFromJson(*body, "schedule");
  if (!s) return ErrorResponse(s.error());
  const std::string id = s->id;
  auto created = ctx.oncall.SaveSchedule(std::move(*s));
  if (!created) return ErrorResponse(created.error());
  auto stored = ctx.schedules.GetSchedule(id);
  if (!stored) return ErrorResponse(stored.error());
  HttpResponse res = JsonResponse(*created ? 201 : 200, engine::StoredScheduleToJson(*stored));
  res.SetHeader("Location", "/api/v1/schedules/" + id);
  return res;
}

HttpResponse SavePolicy(ApiContext& ctx, const HttpRequest& req) {
  auto actor = Authorize(req, ctx.tokens);
  if (!actor) return ErrorResponse(actor.error());
  auto body = ReadBody(req);
  if (!body) return body.error();
  auto p = schedule::PolicyFromJson(*body, "escalation_policy");
  if (!p) return ErrorResponse(p.error());
  const std::string id = p->id;
  auto created = ctx.oncall.SavePolicy(std::move(*p));
  if (!created) return ErrorResponse(created.error());
  auto stored = ctx.schedules.GetPolicy(id);
  if (!stored) return ErrorResponse(stored.error());
  return JsonResponse(*created ? 201 : 200, engine::StoredPolicyToJson(*stored));
}

}  // namespace

void AddOncallRoutes(Router& router, ApiContext& ctx) {
  const RouteOptions write{.blocking = true};
  // Who is on call and the hours, over every schedule, run on the worker pool: inline, they
  // would hold a network thread, and the dashboard's scripts, fetched alongside them
  // (docs/dashboard.md), would wait behind them.
  const RouteOptions list_read{.blocking = true};
  router.Add(
      "GET", "/api/v1/oncall", [&](const HttpRequest& r) { return OnCallNow(ctx, r); }, list_read);
  router.Add(
      "GET", "/api/v1/oncall/hours", [&](const HttpRequest& r) { return Hours(ctx, r); },
      list_read);
  router.Add(
      "GET", "/api/v1/schedules",
      [&](const HttpRequest&) {
        auto all = ctx.schedules.ListSchedules();
        if (!all) return ErrorResponse(all.error());
        json::array items;
        for (const auto& s : *all) items.push_back(engine::StoredScheduleToJson(s));
        return JsonResponse(200, json::object{{"schedules", std::move(items)}});
      },
      list_read);
  router.Add("GET", "/api/v1/schedules/{id}", [&](const HttpRequest& r) {
    auto s = ctx.schedules.GetSchedule(r.Param("id"));
    if (!s) return ErrorResponse(s.error());
    return JsonResponse(200, engine::StoredScheduleToJson(*s));
  });
  router.Add("GET", "/api/v1/schedules/{id}/shifts",
             [&](const HttpRequest& r) { return Shifts(ctx, r); });
  router.Add("GET", "/api/v1/escalation-policies", [&](const HttpRequest&) {
    auto all = ctx.schedules.ListPolicies();
    if (!all) return ErrorResponse(all.error());
    json::array items;
    for (const auto& p : *all) items.push_back(engine::StoredPolicyToJson(p));
    return JsonResponse(200, json::object{{"escalation_policies", std::move(items)}});
  });
  router.Add(
      "POST", "/api/v1/schedules", [&](const HttpRequest& r) { return SaveSchedule(ctx, r); },
      write);
  router.Add(
      "POST", "/api/v1/escalation-policies",
      [&](const HttpRequest& r) { return SavePolicy(ctx, r); }, write);
}

}  // namespace im::http::api

// Thin handlers: parsing here, rules in monitor/.
#include "http/api/monitors_api.h"

#include <algorithm>
#include <map>

#include "http/api/api.h"
#include "http/status.h"

namespace im::http::api {
namespace {

using net::HttpRequest;
using net::HttpResponse;

// A definition that is JSON but wrong is 422 naming the field (docs/api.md, "Errors").
HttpResponse MonApiInvalid(const Error& e) { return ErrorResponse(e); }

Result<int64_t> MonApiWhole(const HttpRequest& req, const char* name, int64_t dflt, int64_t max) {
  auto text = req.Query(name);
  if (!text) return dflt;
  int64_t v = 0;
  if (text->empty() || text->size() > 9 ||
      !std::all_of(text->begin(), text->end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      (v = std::stoll(std::string(*text))) > max) {
    return Fail(ErrorCode::kInvalidArgument, std::string("query parameter '") + name +
                                                 "' must be a whole number from 0 to " +
                                                 std::to_string(max));
  }
  return v;
}

// All monitors, or (status, q, limit, offset) one page of those that match, problems first:
// a dashboard with 10,000 monitors draws a page without fetching them all. `counts` is over
// every monitor; `total` is how many match.
HttpResponse ListMonitors(MonitorApiContext& ctx, const HttpRequest& req) {
  auto status = req.Query("status");
  if (status && *status != "up" && *status != "down" && *status != "paused" &&
      *status != "pending") {
    return ErrorResponse(Error{ErrorCode::kInvalidArgument,
                               "query parameter 'status' is one of up, down, paused, pending"});
  }
  auto limit = MonApiWhole(req, "limit", 0, 10000);
  if (!limit) return ErrorResponse(limit.error());
  auto offset = MonApiWhole(req, "offset", 0, 100000000);
  if (!offset) return ErrorResponse(offset.error());
  std::string needle(req.Query("q").value_or(""));
  for (auto& c : needle) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const bool paged = status || !needle.empty() || req.Query("limit") || req.Query("offset");
  if (!paged) {
    auto list = ctx.monitors.List();
    if (!list) return ErrorResponse(list.error());
    json::array a;
    for (const auto& v : *list) a.push_back(monitor::MonitorViewJson(v));
    return JsonResponse(200, json::object{{"monitors", std::move(a)}});
  }
  auto page = ctx.monitors.Page(status.value_or(""), needle, static_cast<size_t>(*offset),
                                static_cast<size_t>(*limit));
  if (!page) return ErrorResponse(page.error());
  json::array a;
  for (const auto& v : page->monitors) a.push_back(monitor::MonitorViewJson(v));
  json::object c;
  for (const auto& [k, n] : page->counts) c[k] = n;
  json::object out{{"monitors", std::move(a)}, {"counts", std::move(c)}, {"total", page->total}};
  return JsonResponse(200, out);
}

HttpResponse CreateMonitor(MonitorApiContext& ctx, const HttpRequest& req) {
  if (auto actor = Authorize(req, ctx.tokens); !actor) return ErrorResponse(actor.error());
  auto body = ReadBody(req);
  if (!body) return body.error();
  auto v = ctx.monitors.Add(*body);
  if (!v) return MonApiInvalid(v.error());
  return JsonResponse(201, monitor::MonitorViewJson(*v));
}

HttpResponse ShowMonitor(MonitorApiContext& ctx, const HttpRequest& req) {
  auto d = ctx.monitors.Show(req.Param("id"));
  if (!d) return ErrorResponse(d.error());
  return JsonResponse(200, monitor::MonitorDetailJson(*d));
}

HttpResponse EditMonitor(MonitorApiContext& ctx, const HttpRequest& req) {
  if (auto actor = Authorize(req, ctx.tokens); !actor) return ErrorResponse(actor.error());
  auto body = ReadBody(req);
  if (!body) return body.error();
  auto v = ctx.monitors.Edit(req.Param("id"), *body);
  if (!v) return MonApiInvalid(v.error());
  return JsonResponse(200, monitor::MonitorViewJson(*v));
}

HttpResponse DeleteMonitor(MonitorApiContext& ctx, const HttpRequest& req) {
  if (auto actor = Authorize(req, ctx.tokens); !actor) return ErrorResponse(actor.error());
  if (auto ok = ctx.monitors.Remove(req.Param("id")); !ok) return ErrorResponse(ok.error());
  return JsonResponse(200, json::object{{"removed", req.Param("id")}});
}

HttpResponse PauseMonitor(MonitorApiContext& ctx, const HttpRequest& req, bool paused) {
  if (auto actor = Authorize(req, ctx.tokens); !actor) return ErrorResponse(actor.error());
  auto v = ctx.monitors.SetPaused(req.Param("id"), paused);
  if (!v) return ErrorResponse(v.error());
  return JsonResponse(200, monitor::MonitorViewJson(*v));
}

HttpResponse CheckMonitor(MonitorApiContext& ctx, const HttpRequest& req) {
  if (auto actor = Authorize(req, ctx.tokens); !actor) return ErrorResponse(actor.error());
  auto r = ctx.monitors.CheckNow(req.Param("id"));
  if (!r) return ErrorResponse(r.error());
  const char* transition = r->transition == monitor::Transition::kOpen      ? "opened"
                           : r->transition == monitor::Transition::kResolve ? "resolved"
                                                                            : nullptr;
  return JsonResponse(
      200,
      json::object{{"ok", r->outcome.ok},
                   {"error", r->outcome.error},
                   {"response_ms",
                    std::chrono::duration<double, std::milli>(r->outcome.response_time).count()},
                   {"in_maintenance", r->in_maintenance},
                   {"incident", r->incident ? json::value(core::IncidentId(r->incident))
                                            : json::value(nullptr)},
                   {"transition", transition ? json::value(transition) : json::value(nullptr)}});
}

HttpResponse Heartbeat(MonitorApiContext& ctx, const HttpRequest& req) {
  auto id = ctx.monitors.Heartbeat(req.Param("token"));
  if (!id) return ErrorResponse(id.error());
  return JsonResponse(200, json::object{{"ok", true}, {"monitor", *id}});
}

HttpResponse ListChannels(MonitorApiContext& ctx) {
  auto list = ctx.channels.List();
  if (!list) return ErrorResponse(list.error());
  json::array a;
  for (const auto& v : *list) a.push_back(monitor::ChannelViewJson(v));
  return JsonResponse(200, json::object{{"channels", std::move(a)}});
}

HttpResponse CreateChannel(MonitorApiContext& ctx, const HttpRequest& req) {
  if (auto actor = Authorize(req, ctx.tokens); !actor) return ErrorResponse(actor.error());
  auto body = ReadBody(req);
  if (!body) return body.error();
  if (auto ok = json::RejectUnknownFields(*body, {"name", "type", "config"}); !ok) {
    return MonApiInvalid(ok.error());
  }
  auto config = json::GetOptionalObject(*body, "config");
  if (!config)
    return MonApiInvalid(Error{ErrorCode::kInvalidArgument, "config: must be an object"});
  auto v = ctx.channels.Add(json::StringOr(*body, "type"), json::StringOr(*body, "name"),
                            *config ? **config : json::object{});
  if (!v) return MonApiInvalid(v.error());
  return JsonResponse(201, monitor::ChannelViewJson(*v));
}

HttpResponse DeleteChannel(MonitorApiContext& ctx, const HttpRequest& req) {
  if (auto actor = Authorize(req, ctx.tokens); !actor) return ErrorResponse(actor.error());
  if (auto ok = ctx.channels.Remove(req.Param("name")); !ok) return ErrorResponse(ok.error());
  return JsonResponse(200, json::object{{"removed", req.Param("name")}});
}

HttpResponse TestChannel(MonitorApiContext& ctx, const HttpRequest& req) {
  if (auto actor = Authorize(req, ctx.tokens); !actor) return ErrorResponse(actor.error());
  auto r = ctx.channels.Test(req.Param("name"));
  if (!r) return ErrorResponse(r.error());
  return JsonResponse(r->ok ? 200 : 502, json::object{{"ok", r->ok},
                                                      {"dedup_key", r->dedup_key},
                                                      {"trigger", r->trigger},
                                                      {"resolve", r->resolve}});
}

}  // namespace

HttpResponse EventsV2Response(const Result<monitor::EventsIngest::Outcome>& outcome) {
  if (!outcome) {
    // Not taken (the store failed): PagerDuty senders retry a 5xx.
    return JsonResponse(
        HttpStatusFor(outcome.error().code) >= 500 ? HttpStatusFor(outcome.error().code) : 500,
        json::object{{"status", "error"}, {"message", outcome.error().message}});
  }
  if (outcome->refused) {
    json::array errors;
    for (const auto& e : outcome->refused->errors) errors.push_back(json::value(e));
    return JsonResponse(400, json::object{{"status", "invalid event"},
                                          {"message", "Event object is invalid"},
                                          {"errors", std::move(errors)}});
  }
  return JsonResponse(202, json::object{{"status", "success"},
                                        {"message", "Event processed"},
                                        {"dedup_key", outcome->accepted->dedup_key}});
}

void AddMonitorRoutes(Router& router, MonitorApiContext& ctx) {
  const RouteOptions blocking{.blocking = true};
  // Reads over many rows (a page of 100,000 incidents, 10,000 monitors, every schedule) run on
  // the worker pool: inline, they would hold a network thread, and the dashboard's scripts,
  // fetched alongside them (docs/dashboard.md), would wait behind them.
  const RouteOptions list_read{.blocking = true};
  router.Add(
      "GET", "/api/v1/monitors", [&](const HttpRequest& r) { return ListMonitors(ctx, r); },
      list_read);
  router.Add(
      "POST", "/api/v1/monitors", [&](const HttpRequest& r) { return CreateMonitor(ctx, r); },
      blocking);
  router.Add("GET", "/api/v1/monitors/{id}",
             [&](const HttpRequest& r) { return ShowMonitor(ctx, r); });
  router.Add(
      "PATCH", "/api/v1/monitors/{id}", [&](const HttpRequest& r) { return EditMonitor(ctx, r); },
      blocking);
  router.Add(
      "DELETE", "/api/v1/monitors/{id}",
      [&](const HttpRequest& r) { return DeleteMonitor(ctx, r); }, blocking);
  router.Add(
      "POST", "/api/v1/monitors/{id}/pause",
      [&](const HttpRequest& r) { return PauseMonitor(ctx, r, true); }, blocking);
  router.Add(
      "POST", "/api/v1/monitors/{id}/resume",
      [&](const HttpRequest& r) { return PauseMonitor(ctx, r, false); }, blocking);
  router.Add(
      "POST", "/api/v1/monitors/{id}/check",
      [&](const HttpRequest& r) {
        auto resp = CheckMonitor(ctx, r);
        if (ctx.kick) ctx.kick();
        return resp;
      },
      blocking);
  for (const char* method : {"POST", "GET"}) {
    router.Add(
        method, "/api/v1/monitors/heartbeat/{token}",
        [&](const HttpRequest& r) { return Heartbeat(ctx, r); }, blocking);
  }
  router.Add("GET", "/api/v1/channels", [&](const HttpRequest&) { return ListChannels(ctx); });
  router.Add(
      "POST", "/api/v1/channels", [&](const HttpRequest& r) { return CreateChannel(ctx, r); },
      blocking);
  router.Add(
      "DELETE", "/api/v1/channels/{name}",
      [&](const HttpRequest& r) { return DeleteChannel(ctx, r); }, blocking);
  router.Add(
      "POST", "/api/v1/channels/{name}/test",
      [&](const HttpRequest& r) { return TestChannel(ctx, r); }, blocking);
  // No thread waits for the disk: the event joins the store's next group commit and the 202
  // goes out from its callback, so many connections' events share one fsync.
  router.AddAsync("POST", "/v2/enqueue", [&](const HttpRequest& r, Responder respond) {
    ctx.events.EnqueueAsync(r.body, [respond](Result<monitor::EventsIngest::Outcome> outcome) {
      respond(EventsV2Response(outcome));
    });
  });
  router.Add(
      "POST", "/generic/2010-04-15/create_event.json",
      [&](const HttpRequest& r) {
        auto outcome = ctx.events.EnqueueV1(r.body);
        if (outcome && outcome->accepted) {
          return JsonResponse(200, json::object{{"status", "success"},
                                                {"message", "Event processed"},
                                                {"incident_key", outcome->accepted->dedup_key}});
        }
        return EventsV2Response(outcome);
      },
      blocking);
}

}  // namespace im::http::api

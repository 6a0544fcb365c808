// /api/v1/incidents: list, declare, show, transitions and notes.
#include <algorithm>

#include "common/strings.h"
#include "common/time.h"
#include "core/incident_json.h"
#include "http/api/api.h"
#include "http/status.h"

namespace im::http::api {
namespace {

using net::HttpRequest;
using net::HttpResponse;

Result<store::IncidentFilter> FilterFromQuery(const HttpRequest& req, Time now) {
  store::IncidentFilter f;
  for (const auto& s : SplitCommaLists(req.QueryAll("status"))) {
    auto st = core::ParseStatus(s);
    if (!st) return std::unexpected(st.error());
    f.statuses.push_back(*st);
  }
  for (const auto& s : SplitCommaLists(req.QueryAll("severity"))) {
    auto sev = core::ParseSeverity(s);
    if (!sev) return std::unexpected(sev.error());
    f.severities.push_back(*sev);
  }
  f.services = SplitCommaLists(req.QueryAll("service"));
  if (auto ok = CheckServiceParam(f.services, "service"); !ok) return std::unexpected(ok.error());
  for (const auto& s : SplitCommaLists(req.QueryAll("source"))) {
    if (s.empty() || s.size() > 64 ||
        !std::all_of(s.begin(), s.end(), [](char c) { return std::islower(c) || c == '_'; })) {
      return Fail(ErrorCode::kInvalidArgument,
                  "query parameter 'source' must be a source name such as im, pagerduty, "
                  "opsgenie, incidentio or monitor (got '" +
                      s + "')");
    }
    f.sources.push_back(s);
  }
  if (auto since = req.Query("since")) {
    auto t = ParseTimeRelative(*since, now);
    if (!t) return std::unexpected(t.error().Wrap("query parameter 'since'"));
    f.since = *t;
  }
  if (auto until = req.Query("until")) {
    auto t = ParseTimeRelative(*until, now);
    if (!t) return std::unexpected(t.error().Wrap("query parameter 'until'"));
    f.until = *t;
  }
  if (f.since && f.until && *f.since >= *f.until) {
    return Fail(ErrorCode::kInvalidArgument,
                "query parameter 'since' must be before 'until': swap them, or leave one out");
  }
  auto integer = [&](const char* name, int64_t& out, int64_t min, int64_t max) -> Result<void> {
    auto v = req.Query(name);
    if (!v) return Ok();
    try {
      size_t used = 0;
      out = std::stoll(*v, &used);
      if (used != v->size() || out < min || out > max) throw std::out_of_range(name);
    } catch (const std::exception&) {
      return Fail(ErrorCode::kInvalidArgument,
                  std::string("query parameter '") + name + "' must be a whole number from " +
                      std::to_string(min) + " to " + std::to_string(max));
    }
    return Ok();
  };
  f.limit = 100;
  if (auto ok = integer("limit", f.limit, 1, 10000); !ok) return std::unexpected(ok.error());
  if (auto ok = integer("before", f.before_number, 0, INT64_MAX); !ok) {
    return std::unexpected(ok.error());
  }
  return f;
}

Result<int64_t> IncidentNumber(const HttpRequest& req) {
  auto n = core::ParseIncidentId(req.Param("id"));
  if (!n) return std::unexpected(Error{ErrorCode::kNotFound, n.error().message});
  return n;
}

HttpResponse ShowIncident(ApiContext& ctx, int64_t number, int status) {
  auto view = ctx.incidents.Show(number);
  if (!view) return ErrorResponse(view.error());
  std::string body;
  body.reserve(2048);
  core::AppendIncidentJson(body, view->incident, view->sla, view->timeline);
  return JsonResponse(status, std::move(body));
}

// `team`: the incidents of the services that team owns (GET /api/v1/services shows owners).
// False when the team owns no service, so nothing can match.
Result<bool> AddTeamServices(ApiContext& ctx, const HttpRequest& req, store::IncidentFilter& f) {
  auto team = req.Query("team");
  if (!team) return true;
  auto services = ctx.store.ListServices();
  if (!services) return std::unexpected(services.error());
  std::vector<std::string> owned;
  for (const auto& s : *services) {
    if (s.team == *team) owned.push_back(s.name);
  }
  if (!f.services.empty()) {  // both: the team's services among those asked for
    std::erase_if(owned, [&](const std::string& n) {
      return std::find(f.services.begin(), f.services.end(), n) == f.services.end();
    });
  }
  f.services = owned;
  return !owned.empty();
}

HttpResponse List(ApiContext& ctx, const HttpRequest& req) {
  auto filter = FilterFromQuery(req, ctx.clock.Now());
  if (!filter) return ErrorResponse(filter.error());
  auto any = AddTeamServices(ctx, req, *filter);
  if (!any) return ErrorResponse(any.error());
  // Where the event stream stood before the list was read: every change after it is either in
  // the list or sent by GET /api/v1/events?after=<events_after> (or both), so a page that
  // listens from there misses none made while it loaded.
  auto events_after = ctx.store.LatestTimelineEntry();
  if (!events_after) return ErrorResponse(events_after.error());
  const std::string tail = ",\"events_after\":" + std::to_string(*events_after) + "}";
  if (!*any) return JsonResponse(200, "{\"incidents\":[],\"next_before\":null" + tail);
  auto incidents = ctx.store.ListIncidents(*filter);
  if (!incidents) return ErrorResponse(incidents.error());
  std::string body = "{\"incidents\":[";
  for (const auto& i : *incidents) {
    if (&i != &incidents->front()) body.push_back(',');
    core::AppendIncidentJson(body, i, ctx.incidents.Sla(i));
  }
  body += "],\"next_before\":";
  if (filter->limit > 0 && static_cast<int64_t>(incidents->size()) == filter->limit) {
    body += std::to_string(incidents->back().number);
  } else {
    body += "null";
  }
  body += tail;
  return JsonResponse(200, std::move(body));
}

HttpResponse Declare(ApiContext& ctx, const HttpRequest& req) {
  auto actor = Authorize(req, ctx.tokens);
  if (!actor) return ErrorResponse(actor.error());
  auto body = ReadBody(req);
  if (!body) return body.error();
  auto request = core::DeclareRequestFromJson(*body);
  if (!request) return ErrorResponse(request.error());
  auto result = ctx.incidents.Declare(*request, *actor);
  if (!result) return ErrorResponse(result.error());
  auto view = ctx.incidents.Show(result->incident.number);
  if (!view) return ErrorResponse(view.error());
  json::object shown = core::IncidentToJson(view->incident, view->sla, view->timeline);
  json::array created;
  for (const auto& s : result->created_services) created.emplace_back(s);
  shown["created_services"] = std::move(created);
  HttpResponse res = JsonResponse(201, shown);
  res.SetHeader("Location", "/api/v1/incidents/" + core::IncidentId(result->incident.number));
  return res;
}

HttpResponse Transition(ApiContext& ctx, const HttpRequest& req, engine::Action action) {
  auto actor = Authorize(req, ctx.tokens);
  if (!actor) return ErrorResponse(actor.error());
  auto number = IncidentNumber(req);
  if (!number) return ErrorResponse(number.error());
  auto body = ReadBody(req);
  if (!body) return body.error();
  if (auto ok = json::RejectUnknownFields(*body, {"note"}); !ok) return ErrorResponse(ok.error());
  auto note = json::GetOptionalString(*body, "note");
  if (!note) return ErrorResponse(note.error());
  auto r = ctx.incidents.Apply(*number, action, *actor, note->value_or(""));
  if (!r) return ErrorResponse(r.error());
  return ShowIncident(ctx, *number, 200);
}

HttpResponse AddNote(ApiContext& ctx, const HttpRequest& req) {
  auto actor = Authorize(req, ctx.tokens);
  if (!actor) return ErrorResponse(actor.error());
  auto number = IncidentNumber(req);
  if (!number) return ErrorResponse(number.error());
  auto body = ReadBody(req);
  if (!body) return body.error();
  if (auto ok = json::RejectUnknownFields(*body, {"text"}); !ok) return ErrorResponse(ok.error());
  auto text = json::GetString(*body, "text");
  if (!text) return ErrorResponse(text.error());
  auto r = ctx.incidents.AddNote(*number, *actor, *text);
  if (!r) return ErrorResponse(r.error());
  return ShowIncident(ctx, *number, 201);
}

HttpResponse ListNotes(ApiContext& ctx, const HttpRequest& req) {
  auto number = IncidentNumber(req);
  if (!number) return ErrorResponse(number.error());
  auto view = ctx.incidents.Show(*number);
  if (!view) return ErrorResponse(view.error());
  json::array notes;
  for (const auto& e : view->timeline) {
    if (e.kind == core::EntryKind::kNote) notes.push_back(core::TimelineEntryToJson(e));
  }
  return JsonResponse(200, json::object{{"notes", std::move(notes)}});
}

}  // namespace

void AddIncidentRoutes(Router& router, ApiContext& ctx) {
  const RouteOptions write{.blocking = true};
  // Reads over many rows (a page of 100,000 incidents, 10,000 monitors, every schedule) run on
  // the worker pool: inline, they would hold a network thread, and the dashboard's scripts,
  // fetched alongside them (docs/dashboard.md), would wait behind them.
  const RouteOptions list_read{.blocking = true};
  router.Add(
      "GET", "/api/v1/incidents", [&](const HttpRequest& r) { return List(ctx, r); }, list_read);
  router.Add(
      "POST", "/api/v1/incidents", [&](const HttpRequest& r) { return Declare(ctx, r); }, write);
  router.Add("GET", "/api/v1/incidents/{id}", [&](const HttpRequest& r) {
    auto n = IncidentNumber(r);
    return n ? ShowIncident(ctx, *n, 200) : ErrorResponse(n.error());
  });
  for (auto [name, action] :
       {std::pair{"ack", engine::Action::kAcknowledge},
        std::pair{"resolve", engine::Action::kResolve}, std::pair{"close", engine::Action::kClose},
        std::pair{"reopen", engine::Action::kReopen}}) {
    router.Add(
        "POST", std::string("/api/v1/incidents/{id}/") + name,
        [&ctx, action](const HttpRequest& r) { return Transition(ctx, r, action); }, write);
  }
  router.Add(
      "POST", "/api/v1/incidents/{id}/notes", [&](const HttpRequest& r) { return AddNote(ctx, r); },
      write);
  router.Add("GET", "/api/v1/incidents/{id}/notes",
             [&](const HttpRequest& r) { return ListNotes(ctx, r); });
}

}  // namespace im::http::api

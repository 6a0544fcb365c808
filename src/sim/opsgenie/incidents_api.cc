// Opsgenie incidents: POST /v1/incidents/create (202), GET /v1/incidents/requests/{requestId},
// GET /v1/incidents[/] (`query` mandatory, offset/limit, sort, order), GET|DELETE
// /v1/incidents/{identifier} (identifierType id|tiny), POST .../close|resolve|notes (202),
// GET .../notes, GET .../logs (the timeline as log lines, paged like alert logs), and the
// incident timeline /v2/incident-timelines/{incidentId}/entries. resolve, notes, logs and the
// timeline are not in the 2021 OAS; their paths come from the official Go SDK and the Incident
// Timeline API page (providers.md §4.4), and GET .../responder-alert-ids (the ids of the
// alerts made for the incident's responders) from the Go SDK's GetResponderAlerts. A
// team-scoped key sees only its team's incidents.
#include <algorithm>

#include "common/time.h"
#include "sim/common/json_response.h"
#include "sim/opsgenie/alert_payload.h"
#include "sim/opsgenie/json.h"
#include "sim/opsgenie/query.h"
#include "sim/opsgenie/routes.h"

namespace im::sim::opsgenie {
namespace {

using Response = net::HttpResponse;

const std::vector<std::string> kIncidentIdTypes = {"id", "tiny"};

Response IncidentNotFound(const Call& call) {
  return NotFoundReply(call, "Incident does not exist");
}

Response Create(Api& api, const net::HttpRequest& req, const Call& call) {
  auto body = BodyObject(req, call, false);
  if (auto* err = std::get_if<Response>(&body)) return std::move(*err);
  State& st = api.st;
  auto lock = st.Lock();
  auto draft = ReadIncidentDraft(st.world, std::get<json::object>(body), call);
  if (auto* err = std::get_if<Response>(&draft)) return std::move(*err);
  Request r{call.request_id, "incident", "Create"};
  st.SubmitLocked(r, [&st, d = std::get<IncidentDraft>(std::move(draft))](Request& r, Time at) {
    Incident& inc = CreateIncident(st.world, st.rng, d, "", at);
    r.success = true;
    r.status = "Created incident";
    r.incident_id = inc.id;
  });
  return AcceptedReply(call);
}

Response Action(Api& api, const net::HttpRequest& req, const Call& call,
                const std::string& action) {
  auto in = ReadActionRequest(req, call, kIncidentIdTypes, action);
  if (auto* err = std::get_if<Response>(&in)) return std::move(*err);
  State& st = api.st;
  auto lock = st.Lock();
  if (const Incident* inc =
          st.world.FindIncident(req.Param("identifier"), std::get<ActionRequest>(in).id_type);
      inc && !InScope(call, inc->owner_team_id)) {
    return NoPermission(call);
  }
  Request r{call.request_id, "incident", action};
  auto apply = [&st, action, id = req.Param("identifier"),
                type = std::get<ActionRequest>(in).id_type,
                f = std::get<ActionRequest>(in).fields](Request& r, Time at) {
    Incident* inc = st.world.FindIncident(id, type);
    if (!inc) {
      r.status = "Incident does not exist";
      return;
    }
    r.incident_id = inc->id;
    if (action == "Close") {
      r.success = CloseIncident(st.world, st.rng, *inc, f.user, f.note, at);
      r.status = r.success ? "Closed incident" : "Incident is already closed";
    } else if (action == "Resolve") {
      r.success = ResolveIncident(st.world, st.rng, *inc, f.user, f.note, at);
      r.status = r.success ? "Resolved incident" : "Incident is not open";
    } else if (action == "AddNote") {
      AddIncidentNote(st.rng, *inc, f.user, f.note, at);
      r.success = true;
      r.status = "Added note";
    } else {  // Delete
      inc->deleted = true;
      r.success = true;
      r.status = "Deleted incident";
    }
  };
  st.SubmitLocked(r, std::move(apply));
  return AcceptedReply(call);
}

// The incident the path names, or the 404 (or 403 outside a team-scoped key's team).
std::variant<Incident*, Response> FindScopedIncident(Api& api, const net::HttpRequest& req,
                                                     const Call& call, const std::string& type,
                                                     const std::string& param = "identifier") {
  Incident* inc = api.st.world.FindIncident(req.Param(param), type);
  if (!inc) return IncidentNotFound(call);
  if (!InScope(call, inc->owner_team_id)) return NoPermission(call);
  return inc;
}

// FindScopedIncident with the request's `identifierType` (id|tiny).
std::variant<Incident*, Response> IdentifiedIncident(Api& api, const net::HttpRequest& req,
                                                     const Call& call) {
  auto type = IdentifierType(req, call, kIncidentIdTypes);
  if (auto* err = std::get_if<Response>(&type)) return std::move(*err);
  return FindScopedIncident(api, req, call, std::get<std::string>(type));
}

Response Get(Api& api, const net::HttpRequest& req, const Call& call) {
  auto lock = api.st.Lock();
  auto inc = IdentifiedIncident(api, req, call);
  if (auto* err = std::get_if<Response>(&inc)) return std::move(*err);
  return DataReply(call, IncidentJson(api.st.world, *std::get<Incident*>(inc)));
}

bool Less(const std::string& sort, const Incident& a, const Incident& b) {
  if (sort == "tinyId") return std::stoll(a.tiny_id) < std::stoll(b.tiny_id);
  if (sort == "message") return a.message < b.message;
  if (sort == "status") return a.status < b.status;
  if (sort == "isSeen") return a.is_seen < b.is_seen;
  if (sort == "owner") return a.owner < b.owner;
  return a.created_at < b.created_at;
}

Response List(Api& api, const net::HttpRequest& req, const Call& call) {
  // `query` is a required parameter of GET /v1/incidents/ in the OAS.
  auto text = req.Query("query");
  if (!text || text->empty()) {
    return ErrorReply(call, 422, "Query can not be empty.", {{"query", "can not be empty"}});
  }
  auto q = ParseSearchQuery(*text, IncidentFields());
  if (!q) return ErrorReply(call, 422, "Invalid query: " + q.error().message);
  auto page = ParsePage(req, call, 20, 100);
  if (auto* err = std::get_if<Response>(&page)) return std::move(*err);
  std::string sort = req.Query("sort").value_or("createdAt");
  std::string order = req.Query("order").value_or("desc");
  static const std::vector<std::string> kSorts = {"createdAt", "tinyId", "message",
                                                  "status",    "isSeen", "owner"};
  if (std::find(kSorts.begin(), kSorts.end(), sort) == kSorts.end()) {
    return ErrorReply(call, 422, "Sort field is not valid", {{"sort", "is not valid"}});
  }
  if (order != "asc" && order != "desc") {
    return ErrorReply(call, 422, "Order should be asc or desc", {{"order", "is not valid"}});
  }
  auto lock = api.st.Lock();
  std::vector<const Incident*> found;
  for (const auto& i : api.st.world.incidents) {
    if (!i.deleted && InScope(call, i.owner_team_id) && Matches(*q, i)) found.push_back(&i);
  }
  std::stable_sort(found.begin(), found.end(),
                   [&](const Incident* a, const Incident* b) { return Less(sort, *a, *b); });
  if (order == "desc") std::reverse(found.begin(), found.end());
  const Page& p = std::get<Page>(page);
  json::array data;
  for (size_t i = static_cast<size_t>(p.offset);
       i < found.size() && i < static_cast<size_t>(p.offset + p.limit); ++i) {
    data.push_back(IncidentJson(api.st.world, *found[i]));
  }
  json::object paging = PagingLinks(api, req, p, found.size());
  Response res = Reply(call, {{"data", std::move(data)}, {"paging", paging}});
  AddPagingHeaders(res, paging);
  return res;
}

Response Notes(Api& api, const net::HttpRequest& req, const Call& call) {
  auto lock = api.st.Lock();
  auto inc = IdentifiedIncident(api, req, call);
  if (auto* err = std::get_if<Response>(&inc)) return std::move(*err);
  return LinePage(api, req, call, std::get<Incident*>(inc)->notes, NoteJson);
}

// GET /v1/incidents/{identifier}/logs (official Go SDK): the visible timeline entries as log
// lines, with the string offset cursor, direction, limit ≤ 100 and order of alert logs.
Response IncidentLogs(Api& api, const net::HttpRequest& req, const Call& call) {
  auto lock = api.st.Lock();
  auto inc = IdentifiedIncident(api, req, call);
  if (auto* err = std::get_if<Response>(&inc)) return std::move(*err);
  return LinePage(api, req, call, IncidentLogLines(*std::get<Incident*>(inc)), LogJson);
}

// GET .../responder-alert-ids: identifierType id|tiny, offset, limit (1..100, default 20),
// order (by the alerts' creation; desc by default); data is the list of alert ids.
Response ResponderAlertIds(Api& api, const net::HttpRequest& req, const Call& call) {
  auto page = ParsePage(req, call, 20, 100);
  if (auto* err = std::get_if<Response>(&page)) return std::move(*err);
  std::string order = req.Query("order").value_or("desc");
  if (order != "asc" && order != "desc") {
    return ErrorReply(call, 422, "Order should be asc or desc", {{"order", "is not valid"}});
  }
  auto lock = api.st.Lock();
  auto inc = IdentifiedIncident(api, req, call);
  if (auto* err = std::get_if<Response>(&inc)) return std::move(*err);
  std::vector<std::string> ids = std::get<Incident*>(inc)->responder_alert_ids;  // oldest first
  if (order == "desc") std::reverse(ids.begin(), ids.end());
  const Page& p = std::get<Page>(page);
  json::array data;
  for (size_t i = static_cast<size_t>(p.offset);
       i < ids.size() && i < static_cast<size_t>(p.offset + p.limit); ++i) {
    data.emplace_back(ids[i]);
  }
  return DataReply(call, std::move(data));
}

// GET entries: oldest first, `limit` (1..100, default 20), `offset` = the id of the last entry
// seen; data {entries, nextOffset (when more)}.
Response Timeline(Api& api, const net::HttpRequest& req, const Call& call) {
  auto limit = QueryInt(req, "limit", 20);
  if (!limit || *limit < 1 || *limit > 100) {
    return ErrorReply(call, 422, "Limit should be between 1 and 100",
                      {{"limit", "must be between 1 and 100"}});
  }
  auto lock = api.st.Lock();
  auto found = FindScopedIncident(api, req, call, "id", "incidentId");
  if (auto* err = std::get_if<Response>(&found)) return std::move(*err);
  Incident* inc = std::get<Incident*>(found);
  size_t begin = 0;
  if (auto offset = req.Query("offset"); offset && !offset->empty()) {
    auto it = std::find_if(inc->timeline.begin(), inc->timeline.end(),
                           [&](const TimelineEntry& e) { return e.id == *offset; });
    if (it == inc->timeline.end()) return ErrorReply(call, 422, "Offset is not valid");
    begin = static_cast<size_t>(it - inc->timeline.begin()) + 1;
  }
  size_t end = std::min(inc->timeline.size(), begin + static_cast<size_t>(*limit));
  json::array entries;
  for (size_t i = begin; i < end; ++i) entries.push_back(TimelineEntryJson(inc->timeline[i]));
  json::object data{{"entries", std::move(entries)}};
  if (end < inc->timeline.size() && end > begin) data["nextOffset"] = inc->timeline[end - 1].id;
  return DataReply(call, std::move(data));
}

// POST entries {"description":{"type":"plain_text","content"},"title"?,"eventTime"?}: a
// CustomUserEntry in the "custom" group, at eventTime (default now) → 201 with the entry.
Response AddEntry(Api& api, const net::HttpRequest& req, const Call& call) {
  auto body = BodyObject(req, call, false);
  if (auto* err = std::get_if<Response>(&body)) return std::move(*err);
  const auto& b = std::get<json::object>(body);
  auto text = [&](const char* field) -> std::string {
    auto o = json::GetOptionalObject(b, field);
    if (!o || !*o) return "";
    auto c = json::GetOptionalString(**o, "content");
    return c && *c ? **c : "";
  };
  std::string content = text("description"), title = text("title");
  if (content.empty()) {
    return ErrorReply(call, 422, "Description can not be empty.",
                      {{"description", "can not be empty"}});
  }
  auto lock = api.st.Lock();
  Time at = api.st.clock.Now();
  if (auto t = json::GetOptionalString(b, "eventTime"); t && *t) {
    auto parsed = ParseTime(**t);
    if (!parsed) return ErrorReply(call, 422, "eventTime is not a valid date");
    at = *parsed;
  }
  auto found = FindScopedIncident(api, req, call, "id", "incidentId");
  if (auto* err = std::get_if<Response>(&found)) return std::move(*err);
  Incident* inc = std::get<Incident*>(found);
  TimelineEntry& e =
      AddTimelineEntry(api.st.rng, *inc,
                       {"", "custom", "CustomUserEntry", title, content, "API", "user", at, false});
  return DataReply(call, TimelineEntryJson(e), 201);
}

}  // namespace

void AddIncidentRoutes(Api& api) {
  Api* a = &api;
  api.Add("POST", "/v1/incidents/create", Domain::kIncident, true,
          [a](const auto& req, const Call& c) { return Create(*a, req, c); });
  api.Add(
      "GET", "/v1/incidents/requests/{requestId}", Domain::kIncident, false,
      [a](const auto& req, const Call& c) { return RequestStatusReply(*a, req, c, "incident"); });
  api.Add("GET", "/v1/incidents", Domain::kSearch, false,
          [a](const auto& req, const Call& c) { return List(*a, req, c); });
  api.Add("GET", "/v1/incidents/{identifier}", Domain::kIncident, false,
          [a](const auto& req, const Call& c) { return Get(*a, req, c); });
  api.Add("DELETE", "/v1/incidents/{identifier}", Domain::kIncident, true,
          [a](const auto& req, const Call& c) { return Action(*a, req, c, "Delete"); });
  for (auto [path, action] :
       {std::pair{"close", "Close"}, {"resolve", "Resolve"}, {"notes", "AddNote"}}) {
    std::string name = action;
    api.Add("POST", std::string("/v1/incidents/{identifier}/") + path, Domain::kIncident, true,
            [a, name](const auto& req, const Call& c) { return Action(*a, req, c, name); });
  }
  api.Add("GET", "/v1/incidents/{identifier}/notes", Domain::kIncident, false,
          [a](const auto& req, const Call& c) { return Notes(*a, req, c); });
  api.Add("GET", "/v1/incidents/{identifier}/logs", Domain::kIncident, false,
          [a](const auto& req, const Call& c) { return IncidentLogs(*a, req, c); });
  api.Add("GET", "/v1/incidents/{identifier}/responder-alert-ids", Domain::kIncident, false,
          [a](const auto& req, const Call& c) { return ResponderAlertIds(*a, req, c); });
  api.Add("GET", "/v2/incident-timelines/{incidentId}/entries", Domain::kIncident, false,
          [a](const auto& req, const Call& c) { return Timeline(*a, req, c); });
  api.Add("POST", "/v2/incident-timelines/{incidentId}/entries", Domain::kIncident, true,
          [a](const auto& req, const Call& c) { return AddEntry(*a, req, c); });
}

}  // namespace im::sim::opsgenie

// Opsgenie alerts: POST /v2/alerts (202, processed asynchronously, alias deduplication),
// GET /v2/alerts/requests/{requestId}, GET /v2/alerts (query, offset/limit 1..100, sort,
// order, paging links and X-Paging-* headers), GET /v2/alerts/count, GET|DELETE
// /v2/alerts/{identifier} and POST .../acknowledge|unacknowledge|close|notes (202), with
// identifierType id|tiny|alias. An alert created without `source` gets the caller's IP
// address; one created with a team-scoped key gets that team as responder. A team-scoped key
// lists only its team's alerts and gets 403 for the others.
#include <algorithm>

#include "sim/opsgenie/alert_payload.h"
#include "sim/opsgenie/json.h"
#include "sim/opsgenie/query.h"
#include "sim/opsgenie/routes.h"

namespace im::sim::opsgenie {
namespace {

using Response = net::HttpResponse;

const std::vector<std::string> kAlertIdTypes = {"id", "tiny", "alias"};

Response AlertNotFound(const Call& call) { return NotFoundReply(call, "Alert does not exist"); }

Response Create(Api& api, const net::HttpRequest& req, const Call& call) {
  auto body = BodyObject(req, call, false);
  if (auto* err = std::get_if<Response>(&body)) return std::move(*err);
  State& st = api.st;
  auto lock = st.Lock();
  auto draft = ReadAlertDraft(st.world, std::get<json::object>(body), call);
  if (auto* err = std::get_if<Response>(&draft)) return std::move(*err);
  AlertDraft& d = std::get<AlertDraft>(draft);
  if (d.source.empty()) d.source = CallerAddress(req);
  if (!call.team.empty() && std::none_of(d.responders.begin(), d.responders.end(),
                                         [](const Participant& p) { return p.type == "team"; })) {
    d.responders.push_back({"team", call.team});
  }
  Request r{call.request_id, "alert", "Create"};
  st.SubmitLocked(r, [&st, d = std::move(d)](Request& r, Time at) {
    std::string user = d.user;
    CreateOutcome out = CreateAlert(st.world, st.rng, d, at);
    r.success = true;
    r.status = out.created ? "Created alert" : "Alert deduplicated";
    r.alert_id = out.alert->id;
    r.alias = out.alert->alias;
    if (out.created) st.EmitAlertLocked("Create", *out.alert, user);
  });
  return AcceptedReply(call);
}

// POST /v2/alerts/{identifier}/<action>: accepted at once; whether the alert exists and
// allows the action is known when the request is processed (its request status).
Response Action(Api& api, const net::HttpRequest& req, const Call& call,
                const std::string& action) {
  auto in = ReadActionRequest(req, call, kAlertIdTypes, action);
  if (auto* err = std::get_if<Response>(&in)) return std::move(*err);
  State& st = api.st;
  auto lock = st.Lock();
  if (const Alert* a =
          st.world.FindAlert(req.Param("identifier"), std::get<ActionRequest>(in).id_type);
      a && !InScope(call, a->owner_team_id)) {
    return NoPermission(call);
  }
  Request r{call.request_id, "alert", action};
  auto apply = [&st, action, id = req.Param("identifier"),
                type = std::get<ActionRequest>(in).id_type,
                f = std::get<ActionRequest>(in).fields](Request& r, Time at) {
    Alert* a = st.world.FindAlert(id, type);
    if (!a) {
      r.status = "Alert does not exist";
      return;
    }
    r.alert_id = a->id;
    r.alias = a->alias;
    if (action == "Acknowledge") {
      r.success = AcknowledgeAlert(*a, f.user, f.note, at);
      r.status = r.success ? "Acknowledged alert" : "Alert is already closed";
    } else if (action == "UnAcknowledge") {
      r.success = UnacknowledgeAlert(*a, f.user, f.note, at);
      r.status = r.success ? "Unacknowledged alert" : "Alert is not acknowledged";
    } else if (action == "Close") {
      r.success = CloseAlert(st.world, *a, f.user, f.note, at);
      r.status = "Closed alert";
    } else if (action == "AddNote") {
      AddAlertNote(*a, f.user, f.note, at);
      r.success = true;
      r.status = "Added note";
    } else {  // Delete
      st.EmitAlertLocked(action, *a, f.user);
      DeleteAlert(st.world, *a);
      r.success = true;
      r.status = "Deleted alert";
      return;
    }
    if (r.success) st.EmitAlertLocked(action, *a, f.user, action == "AddNote" ? f.note : "");
  };
  st.SubmitLocked(r, std::move(apply));
  return AcceptedReply(call);
}

Response Get(Api& api, const net::HttpRequest& req, const Call& call) {
  auto type = IdentifierType(req, call, kAlertIdTypes);
  if (auto* err = std::get_if<Response>(&type)) return std::move(*err);
  auto lock = api.st.Lock();
  Alert* a = api.st.world.FindAlert(req.Param("identifier"), std::get<std::string>(type));
  if (!a) return AlertNotFound(call);
  if (!InScope(call, a->owner_team_id)) return NoPermission(call);
  return DataReply(call, AlertJson(api.st.world, *a, true));
}

// The alerts matching `query`, or the 422 for a query Opsgenie would not understand.
std::variant<std::vector<const Alert*>, Response> Matching(Api& api, const net::HttpRequest& req,
                                                           const Call& call) {
  if (req.Query("searchIdentifier")) {
    return NotFoundReply(call, "Saved search does not exist");  // none are simulated
  }
  auto q = ParseSearchQuery(req.Query("query").value_or(""), AlertFields());
  if (!q) return ErrorReply(call, 422, "Invalid query: " + q.error().message);
  std::vector<const Alert*> out;
  for (const auto& a : api.st.world.alerts) {
    if (!a.deleted && InScope(call, a.owner_team_id) && Matches(*q, a)) out.push_back(&a);
  }
  return out;
}

// Sort key comparison of two alerts for GET /v2/alerts `sort`; false for an unknown field.
bool Less(const std::string& sort, const Alert& a, const Alert& b) {
  auto ms = [](const std::optional<Time>& t, Time created) {
    return t ? (*t - created).count() : INT64_MAX;
  };
  if (sort == "createdAt") return a.created_at < b.created_at;
  if (sort == "updatedAt") return a.updated_at < b.updated_at;
  if (sort == "lastOccurredAt") return a.last_occurred_at < b.last_occurred_at;
  if (sort == "tinyId") return std::stoll(a.tiny_id) < std::stoll(b.tiny_id);
  if (sort == "alias") return a.alias < b.alias;
  if (sort == "message") return a.message < b.message;
  if (sort == "status") return a.status < b.status;
  if (sort == "acknowledged") return a.acknowledged < b.acknowledged;
  if (sort == "isSeen") return a.is_seen < b.is_seen;
  if (sort == "snoozed" || sort == "snoozedUntil") return a.snoozed < b.snoozed;
  if (sort == "count") return a.count < b.count;
  if (sort == "source") return a.source < b.source;
  if (sort == "owner") return a.owner < b.owner;
  if (sort == "report.ackTime") return ms(a.acked_at, a.created_at) < ms(b.acked_at, b.created_at);
  if (sort == "report.closeTime") {
    return ms(a.closed_at, a.created_at) < ms(b.closed_at, b.created_at);
  }
  if (sort == "report.acknowledgedBy") return a.acked_by < b.acked_by;
  if (sort == "report.closedBy") return a.closed_by < b.closed_by;
  return false;  // integration.name / integration.type: one integration, all equal
}

Response List(Api& api, const net::HttpRequest& req, const Call& call) {
  static const std::vector<std::string> kSorts = {"createdAt",
                                                  "updatedAt",
                                                  "tinyId",
                                                  "alias",
                                                  "message",
                                                  "status",
                                                  "acknowledged",
                                                  "isSeen",
                                                  "snoozed",
                                                  "snoozedUntil",
                                                  "count",
                                                  "lastOccurredAt",
                                                  "source",
                                                  "owner",
                                                  "integration.name",
                                                  "integration.type",
                                                  "report.ackTime",
                                                  "report.closeTime",
                                                  "report.acknowledgedBy",
                                                  "report.closedBy"};
  auto page = ParsePage(req, call, 20, 100);
  if (auto* err = std::get_if<Response>(&page)) return std::move(*err);
  std::string sort = req.Query("sort").value_or("createdAt");
  std::string order = req.Query("order").value_or("desc");
  if (std::find(kSorts.begin(), kSorts.end(), sort) == kSorts.end()) {
    return ErrorReply(call, 422, "Sort field is not valid", {{"sort", "is not valid"}});
  }
  if (order != "asc" && order != "desc") {
    return ErrorReply(call, 422, "Order should be asc or desc", {{"order", "is not valid"}});
  }
  auto lock = api.st.Lock();
  auto found = Matching(api, req, call);
  if (auto* err = std::get_if<Response>(&found)) return std::move(*err);
  auto& alerts = std::get<std::vector<const Alert*>>(found);
  std::stable_sort(alerts.begin(), alerts.end(),
                   [&](const Alert* a, const Alert* b) { return Less(sort, *a, *b); });
  if (order == "desc") std::reverse(alerts.begin(), alerts.end());
  const Page& p = std::get<Page>(page);
  json::array data;
  for (size_t i = static_cast<size_t>(p.offset);
       i < alerts.size() && i < static_cast<size_t>(p.offset + p.limit); ++i) {
    data.push_back(AlertJson(api.st.world, *alerts[i], false));
  }
  json::object paging = PagingLinks(api, req, p, alerts.size());
  Response res = Reply(call, {{"data", std::move(data)}, {"paging", paging}});
  AddPagingHeaders(res, paging);
  return res;
}

Response Count(Api& api, const net::HttpRequest& req, const Call& call) {
  auto lock = api.st.Lock();
  auto found = Matching(api, req, call);
  if (auto* err = std::get_if<Response>(&found)) return std::move(*err);
  return DataReply(call,
                   json::object{{"count", std::get<std::vector<const Alert*>>(found).size()}});
}

}  // namespace

void AddAlertRoutes(Api& api) {
  Api* a = &api;
  api.Add("POST", "/v2/alerts", Domain::kAlert, true,
          [a](const auto& req, const Call& c) { return Create(*a, req, c); });
  api.Add("GET", "/v2/alerts", Domain::kSearch, false,
          [a](const auto& req, const Call& c) { return List(*a, req, c); });
  api.Add("GET", "/v2/alerts/count", Domain::kSearch, false,
          [a](const auto& req, const Call& c) { return Count(*a, req, c); });
  api.Add("GET", "/v2/alerts/requests/{requestId}", Domain::kAlert, false,
          [a](const auto& req, const Call& c) { return RequestStatusReply(*a, req, c, "alert"); });
  api.Add("GET", "/v2/alerts/{identifier}", Domain::kAlert, false,
          [a](const auto& req, const Call& c) { return Get(*a, req, c); });
  api.Add("DELETE", "/v2/alerts/{identifier}", Domain::kAlert, true,
          [a](const auto& req, const Call& c) { return Action(*a, req, c, "Delete"); });
  for (auto [path, action] : {std::pair{"acknowledge", "Acknowledge"},
                              {"unacknowledge", "UnAcknowledge"},
                              {"close", "Close"},
                              {"notes", "AddNote"}}) {
    std::string name = action;
    api.Add("POST", std::string("/v2/alerts/{identifier}/") + path, Domain::kAlert, true,
            [a, name](const auto& req, const Call& c) { return Action(*a, req, c, name); });
  }
}

}  // namespace im::sim::opsgenie

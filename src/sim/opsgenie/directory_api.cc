// Opsgenie configuration reads: GET /v2/users (offset, limit 1..500 default 100, sortField
// username|fullName|insertedAt, order asc by default, `query` of field:value terms over
// username, fullName, blocked, verified, role, locale, timeZone, userAddress, createdAt, and
// bare words matching username or full name; totalCount and paging), GET
// /v2/users/{identifier} (id or username), GET /v2/teams[/{identifier}] (members listed when
// expand=member, and always on one team), GET /v2/escalations[/{identifier}] (identifierType
// id|name; a team-scoped key sees only its team's), GET /v1/services[/{id}] (Service API, in
// the official Go SDK, not in the OAS: offset, limit 1..100 default 20, paging; a team-scoped
// key sees only its team's services).
#include <algorithm>

#include "sim/common/json_response.h"
#include "sim/opsgenie/directory_json.h"
#include "sim/opsgenie/query.h"
#include "sim/opsgenie/routes.h"

namespace im::sim::opsgenie {
namespace {

using Response = net::HttpResponse;

Response Users(Api& api, const net::HttpRequest& req, const Call& call) {
  auto page = ParsePage(req, call, 100, 500);
  if (auto* err = std::get_if<Response>(&page)) return std::move(*err);
  std::string sort = req.Query("sortField").value_or("username");
  std::string order = req.Query("order").value_or("asc");
  // insertedAt is the documented name; createdAt (the field's name) is accepted too.
  if (sort != "username" && sort != "fullName" && sort != "insertedAt" && sort != "createdAt") {
    return ErrorReply(call, 422, "sortField should be one of username, fullName, insertedAt",
                      {{"sortField", "is not valid"}});
  }
  if (order != "asc" && order != "desc")
    return ErrorReply(call, 422, "Order should be asc or desc");
  auto q = ParseSearchQuery(req.Query("query").value_or(""), UserFields());
  if (!q) return ErrorReply(call, 422, "Invalid query: " + q.error().message);
  auto lock = api.st.Lock();
  std::vector<const User*> users;
  for (const auto& u : api.st.world.users) {
    if (Matches(*q, u)) users.push_back(&u);
  }
  std::stable_sort(users.begin(), users.end(), [&](const User* a, const User* b) {
    if (sort == "fullName") return a->full_name < b->full_name;
    if (sort == "insertedAt" || sort == "createdAt") return a->created_at < b->created_at;
    return a->username < b->username;
  });
  if (order == "desc") std::reverse(users.begin(), users.end());
  const Page& p = std::get<Page>(page);
  json::array data;
  for (size_t i = static_cast<size_t>(p.offset);
       i < users.size() && i < static_cast<size_t>(p.offset + p.limit); ++i) {
    data.push_back(UserJson(*users[i]));
  }
  json::object paging = PagingLinks(api, req, p, users.size());
  Response res =
      Reply(call, {{"data", std::move(data)}, {"totalCount", users.size()}, {"paging", paging}});
  AddPagingHeaders(res, paging);
  return res;
}

Response User1(Api& api, const net::HttpRequest& req, const Call& call) {
  auto lock = api.st.Lock();
  const User* u = api.st.world.FindUser(req.Param("identifier"));
  if (!u)
    return NotFoundReply(call, "No user exists with identifier [" + req.Param("identifier") + "]");
  return Reply(call, {{"data", UserJson(*u)}, {"expandable", json::array{"contact"}}});
}

Response Teams(Api& api, const net::HttpRequest& req, const Call& call) {
  bool members = false;
  for (const auto& e : QueryList(req, "expand")) members = members || e == "member";
  auto lock = api.st.Lock();
  json::array data;
  for (const auto& t : api.st.world.teams) {
    json::object o = TeamJson(api.st.world, t);
    if (!members) o.erase("members");
    data.push_back(std::move(o));
  }
  return Reply(call, {{"data", std::move(data)}, {"expandable", json::array{"member"}}});
}

Response Team1(Api& api, const net::HttpRequest& req, const Call& call) {
  auto type = IdentifierType(req, call, {"id", "name"});
  if (auto* err = std::get_if<Response>(&type)) return std::move(*err);
  auto lock = api.st.Lock();
  const Team* t =
      api.st.world.FindTeam(req.Param("identifier"), std::get<std::string>(type) == "name");
  if (!t)
    return NotFoundReply(call, "No team exists with " + std::get<std::string>(type) + " [" +
                                   req.Param("identifier") + "]");
  return DataReply(call, TeamJson(api.st.world, *t));
}

Response Escalations(Api& api, const net::HttpRequest&, const Call& call) {
  auto lock = api.st.Lock();
  json::array data;
  for (const auto& e : api.st.world.escalations) {
    if (InScope(call, e.owner_team_id)) data.push_back(EscalationJson(api.st.world, e));
  }
  return DataReply(call, std::move(data));
}

Response Escalation1(Api& api, const net::HttpRequest& req, const Call& call) {
  auto type = IdentifierType(req, call, {"id", "name"});
  if (auto* err = std::get_if<Response>(&type)) return std::move(*err);
  auto lock = api.st.Lock();
  const Escalation* e =
      api.st.world.FindEscalation(req.Param("identifier"), std::get<std::string>(type) == "name");
  if (!e)
    return NotFoundReply(call, "No escalation exists with " + std::get<std::string>(type) + " [" +
                                   req.Param("identifier") + "]");
  if (!InScope(call, e->owner_team_id)) return NoPermission(call);
  return DataReply(call, EscalationJson(api.st.world, *e));
}

json::object ServiceJson(const Service& s) {
  return {{"id", s.id},
          {"name", s.name},
          {"description", s.name + " service"},
          {"teamId", s.team_id},
          {"visibility", "TEAM_MEMBERS"},
          {"tags", json::array{}}};
}

Response Services(Api& api, const net::HttpRequest& req, const Call& call) {
  auto page = ParsePage(req, call, 20, 100);
  if (auto* err = std::get_if<Response>(&page)) return std::move(*err);
  auto lock = api.st.Lock();
  std::vector<const Service*> found;
  for (const auto& s : api.st.world.services) {
    if (InScope(call, s.team_id)) found.push_back(&s);
  }
  const Page& p = std::get<Page>(page);
  json::array data;
  for (size_t i = static_cast<size_t>(p.offset);
       i < found.size() && i < static_cast<size_t>(p.offset + p.limit); ++i) {
    data.push_back(ServiceJson(*found[i]));
  }
  json::object paging = PagingLinks(api, req, p, found.size());
  Response res = Reply(call, {{"data", std::move(data)}, {"paging", paging}});
  AddPagingHeaders(res, paging);
  return res;
}

Response Service1(Api& api, const net::HttpRequest& req, const Call& call) {
  auto lock = api.st.Lock();
  const Service* s = api.st.world.FindService(req.Param("id"));
  if (!s) return NotFoundReply(call, "Service with id [" + req.Param("id") + "] does not exist");
  if (!InScope(call, s->team_id)) return NoPermission(call);
  return DataReply(call, ServiceJson(*s));
}

}  // namespace

void AddDirectoryRoutes(Api& api) {
  Api* a = &api;
  auto add = [&](const char* path, Domain d, auto fn) {
    api.Add("GET", path, d, false,
            [a, fn](const net::HttpRequest& req, const Call& c) { return fn(*a, req, c); });
  };
  add("/v2/users", Domain::kSearch, Users);
  add("/v2/users/{identifier}", Domain::kConfiguration, User1);
  add("/v2/teams", Domain::kConfiguration, Teams);
  add("/v2/teams/{identifier}", Domain::kConfiguration, Team1);
  add("/v2/escalations", Domain::kConfiguration, Escalations);
  add("/v2/escalations/{identifier}", Domain::kConfiguration, Escalation1);
  add("/v1/services", Domain::kConfiguration, Services);
  add("/v1/services/{id}", Domain::kConfiguration, Service1);
}

}  // namespace im::sim::opsgenie

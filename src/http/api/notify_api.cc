#include "http/api/notify_api.h"

#include "http/api/api.h"
#include "http/status.h"
#include "notify/rule.h"

namespace im::http::api {
namespace {

using net::HttpRequest;
using net::HttpResponse;

json::object NotifyContactJson(const store::Contact& c) {
  return json::object{{"email", c.email}, {"phone", c.phone}, {"slack_user", c.slack_user}};
}

HttpResponse ListNotifyRules(notify::RuleBook& book) {
  auto list = book.List();
  if (!list) return ErrorResponse(list.error());
  json::array a;
  for (const auto& r : *list) {
    json::object o = notify::RuleToJson(r.rule);
    o["origin"] = r.origin;
    a.push_back(std::move(o));
  }
  return JsonResponse(200, json::object{{"rules", std::move(a)}});
}

HttpResponse CreateNotifyRule(notify::RuleBook& book, engine::Tokens& tokens,
                              const HttpRequest& req) {
  if (auto actor = Authorize(req, tokens); !actor) return ErrorResponse(actor.error());
  auto body = ReadBody(req);
  if (!body) return body.error();
  auto name = json::GetOptionalString(*body, "name");
  if (!name || !*name || (**name).empty()) {
    return ErrorResponse(InvalidAt("name", "give the rule a name").error());
  }
  json::object definition = *body;
  definition.erase("name");
  auto rule = book.Add(**name, definition);
  if (!rule) return ErrorResponse(rule.error());
  json::object o = notify::RuleToJson(*rule);
  o["origin"] = "stored";
  return JsonResponse(201, o);
}

HttpResponse DeleteNotifyRule(notify::RuleBook& book, engine::Tokens& tokens,
                              const HttpRequest& req) {
  if (auto actor = Authorize(req, tokens); !actor) return ErrorResponse(actor.error());
  if (auto ok = book.Remove(req.Param("name")); !ok) return ErrorResponse(ok.error());
  return JsonResponse(200, json::object{{"removed", req.Param("name")}});
}

HttpResponse ListNotifyContacts(notify::RuleBook& book) {
  auto list = book.ListContacts();
  if (!list) return ErrorResponse(list.error());
  json::array a;
  for (const auto& c : *list) a.push_back(NotifyContactJson(c));
  return JsonResponse(200, json::object{{"contacts", std::move(a)}});
}

HttpResponse PutNotifyContact(notify::RuleBook& book, engine::Tokens& tokens,
                              const HttpRequest& req) {
  if (auto actor = Authorize(req, tokens); !actor) return ErrorResponse(actor.error());
  auto body = ReadBody(req);
  if (!body) return body.error();
  if (auto ok = json::RejectUnknownFields(*body, {"phone", "slack_user"}); !ok) {
    return ErrorResponse(ok.error());
  }
  store::Contact c{.email = req.Param("email")};
  for (auto [field, value] :
       {std::pair{"phone", &c.phone}, std::pair{"slack_user", &c.slack_user}}) {
    auto v = json::GetOptionalString(*body, field);
    if (!v) return ErrorResponse(InvalidAt(field, "must be a string").error());
    if (*v) *value = **v;
  }
  auto saved = book.SetContact(c);
  if (!saved) return ErrorResponse(saved.error());
  return JsonResponse(200, NotifyContactJson(*saved));
}

HttpResponse DeleteNotifyContact(notify::RuleBook& book, engine::Tokens& tokens,
                                 const HttpRequest& req) {
  if (auto actor = Authorize(req, tokens); !actor) return ErrorResponse(actor.error());
  if (auto ok = book.RemoveContact(req.Param("email")); !ok) return ErrorResponse(ok.error());
  return JsonResponse(200, json::object{{"removed", req.Param("email")}});
}

}  // namespace

void AddNotifyRoutes(Router& router, notify::RuleBook& book, engine::Tokens& tokens) {
  const RouteOptions blocking{.blocking = true};
  router.Add(
      "GET", "/api/v1/notify/rules", [&](const HttpRequest&) { return ListNotifyRules(book); },
      blocking);
  router.Add(
      "POST", "/api/v1/notify/rules",
      [&](const HttpRequest& r) { return CreateNotifyRule(book, tokens, r); }, blocking);
  router.Add(
      "DELETE", "/api/v1/notify/rules/{name}",
      [&](const HttpRequest& r) { return DeleteNotifyRule(book, tokens, r); }, blocking);
  router.Add(
      "GET", "/api/v1/notify/contacts",
      [&](const HttpRequest&) { return ListNotifyContacts(book); }, blocking);
  router.Add(
      "PUT", "/api/v1/notify/contacts/{email}",
      [&](const HttpRequest& r) { return PutNotifyContact(book, tokens, r); }, blocking);
  router.Add(
      "DELETE", "/api/v1/notify/contacts/{email}",
      [&](const HttpRequest& r) { return DeleteNotifyContact(book, tokens, r); }, blocking);
}

}  // namespace im::http::api

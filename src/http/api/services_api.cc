// /api/v1/services: the service catalog.
#include "core/email.h"
#include "core/incident_json.h"
#include "http/api/api.h"
#include "http/status.h"

namespace im::http::api {
namespace {

using net::HttpRequest;
using net::HttpResponse;

HttpResponse Upsert(ApiContext& ctx, const HttpRequest& req) {
  auto actor = Authorize(req, ctx.tokens);
  if (!actor) return ErrorResponse(actor.error());
  auto body = ReadBody(req);
  if (!body) return body.error();
  if (auto ok = json::RejectUnknownFields(*body, {"name", "description", "team", "owner"}); !ok) {
    return ErrorResponse(ok.error());
  }
  core::Service s{.created_at = ctx.clock.Now()};
  auto name = json::GetString(*body, "name");
  if (!name) return ErrorResponse(name.error());
  s.name = *name;
  if (auto ok = core::ValidateServiceName(s.name); !ok) return ErrorResponse(ok.error());
  for (auto [field, target] : {std::pair{"description", &s.description}, std::pair{"team", &s.team},
                               std::pair{"owner", &s.owner}}) {
    auto v = json::GetOptionalString(*body, field);
    if (!v) return ErrorResponse(v.error());
    *target = v->value_or("");
  }
  if (!s.owner.empty()) {
    if (auto ok = core::ValidateEmail(s.owner, "owner"); !ok) return ErrorResponse(ok.error());
  }
  if (auto ok = ctx.store.Transact([&](store::Tx& tx) { return tx.UpsertService(s); }); !ok) {
    return ErrorResponse(ok.error());
  }
  auto stored = ctx.store.GetService(s.name);
  if (!stored) return ErrorResponse(stored.error());
  return JsonResponse(200, core::ServiceToJson(*stored));
}

}  // namespace

void AddServiceRoutes(Router& router, ApiContext& ctx) {
  router.Add("GET", "/api/v1/services", [&](const HttpRequest&) {
    auto services = ctx.store.ListServices();
    if (!services) return ErrorResponse(services.error());
    json::array items;
    for (const auto& s : *services) items.push_back(core::ServiceToJson(s));
    return JsonResponse(200, json::object{{"services", std::move(items)}});
  });
  router.Add("GET", "/api/v1/services/{name}", [&](const HttpRequest& r) {
    auto s = ctx.store.GetService(r.Param("name"));
    if (!s) return ErrorResponse(s.error());
    return JsonResponse(200, core::ServiceToJson(*s));
  });
  router.Add(
      "POST", "/api/v1/services", [&](const HttpRequest& r) { return Upsert(ctx, r); },
      RouteOptions{.blocking = true});
}

}  // namespace im::http::api

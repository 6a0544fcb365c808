#include "http/api/instances_api.h"

#include "common/json.h"
#include "common/time.h"
#include "http/status.h"

namespace im::http::api {

void AddInstanceRoutes(Router& router, const InstancesApiContext& ctx) {
  router.Add("GET", "/api/v1/instances", [&ctx](const net::HttpRequest&) {
    Time now = ctx.clock.Now();
    auto live = ctx.jobs.ListLive(now, ctx.instance_ttl);
    if (!live) return ErrorResponse(live.error());
    auto claims = ctx.jobs.ListClaims();
    if (!claims) return ErrorResponse(claims.error());
    auto modules = ctx.jobs.ModuleVersions();
    if (!modules) return ErrorResponse(modules.error());
    json::array instances;
    for (const auto& i : *live) {
      json::object m;
      for (const auto& [name, v] : i.modules) m[name] = v;
      instances.push_back(json::object{{"id", i.id},
                                       {"self", i.id == ctx.self},
                                       {"started_at", FormatTime(i.started_at)},
                                       {"last_seen", FormatTime(i.last_seen)},
                                       {"version", i.version},
                                       {"modules", std::move(m)}});
    }
    json::array jobs;
    for (const auto& c : *claims) {
      bool held = !c.owner.empty() && c.expires_at > now;
      json::object o{{"job", c.job},
                     {"owner", held ? json::value(c.owner) : json::value(nullptr)},
                     {"expires_at", held ? json::value(FormatTime(c.expires_at)) : nullptr}};
      o["finished_at"] = c.finished_at ? json::value(FormatTime(*c.finished_at)) : nullptr;
      jobs.push_back(std::move(o));
    }
    json::object stored;
    for (const auto& [name, v] : *modules) stored[name] = v;
    return JsonResponse(200, json::object{{"self", ctx.self},
                                          {"instances", std::move(instances)},
                                          {"jobs", std::move(jobs)},
                                          {"modules", std::move(stored)}});
  });
}

}  // namespace im::http::api

// Operational endpoints: liveness, readiness, Prometheus metrics and the OpenAPI document.
#include "http/api/api.h"
#include "http/metrics.h"
#include "http/status.h"

namespace im::http::api {

void AddSystemRoutes(Router& router, ApiContext& ctx, const Metrics* metrics) {
  router.Add("GET", "/healthz", [](const net::HttpRequest&) {
    return JsonResponse(200, json::object{{"status", "ok"}});
  });
  router.Add("GET", "/readyz", [&](const net::HttpRequest&) {
    auto version = ctx.store.SchemaVersion();
    if (!version) {
      return JsonResponse(
          503, json::object{{"status", "unavailable"}, {"reason", version.error().message}});
    }
    return JsonResponse(200, json::object{{"status", "ready"}, {"schema_version", *version}});
  });
  router.Add("GET", "/metrics", [&ctx, metrics](const net::HttpRequest&) {
    net::HttpResponse res;
    res.content_type = "text/plain; version=0.0.4; charset=utf-8";
    if (metrics) metrics->Render(res.body);
    if (ctx.render_metrics) ctx.render_metrics(res.body);
    return res;
  });
  router.Add("GET", "/api/openapi.json", [&](const net::HttpRequest&) {
    net::HttpResponse res;
    res.body = ctx.openapi_json;
    return res;
  });
}

}  // namespace im::http::api

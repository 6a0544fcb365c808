#include "http/api/connectors_api.h"

#include "engine/connector_status.h"
#include "http/api/api.h"
#include "http/status.h"

namespace im::http::api {

void AddConnectorRoutes(Router& router, connectors::Manager& manager, store::ConnectorStore& store,
                        const Clock& clock, std::shared_ptr<spdlog::logger> webhook_log,
                        engine::Tokens& tokens) {
  // Asynchronous: checked and parsed on the network thread, then answered when the store's
  // group commit holds the event, so deliveries in flight share commits and hold no thread.
  router.AddAsync(
      "POST", "/connectors/{name}/webhook",
      [&manager, webhook_log](const net::HttpRequest& req, Responder respond) {
        const std::string name(req.Param("name"));
        auto connector = manager.Shared(name);
        if (!connector) {
          webhook_log->warn("delivery to unknown connector {}: {}", name,
                            connector.error().message);
          return respond(ErrorResponse(connector.error()));
        }
        auto taken = manager.ReceiveWebhook(
            name, req,
            [type = (*connector)->config().type, name, respond,
             webhook_log](connectors::WebhookReply reply) {
              // One line per delivery; a refused one is a warning (flushed at once).
              webhook_log->log(reply.status < 300 ? spdlog::level::info : spdlog::level::warn,
                               "{} {}: delivery answered {} ({} applied, {} duplicates): {}", type,
                               name, reply.status, reply.applied, reply.duplicates, reply.message);
              respond(JsonResponse(reply.status,
                                   json::object{{"status", reply.status < 300 ? "ok" : "error"},
                                                {"message", reply.message},
                                                {"applied", reply.applied},
                                                {"duplicates", reply.duplicates}}));
            });
        if (!taken) respond(ErrorResponse(taken.error()));
      });
  router.Add("GET", "/api/v1/connectors", [&](const net::HttpRequest&) {
    const Time now = clock.Now();
    auto statuses = engine::ReadConnectorStatuses(manager, store, now);
    if (!statuses) return ErrorResponse(statuses.error());
    json::array items;
    for (const auto& s : *statuses) items.push_back(engine::ConnectorStatusJson(s, now));
    return JsonResponse(200, json::object{{"connectors", std::move(items)}});
  });
  // The checks of `im connector test`: they call the provider, so they run on the worker pool.
  router.Add(
      "POST", "/api/v1/connectors/{name}/test",
      [&manager, &tokens](const net::HttpRequest& req) {
        if (auto actor = Authorize(req, tokens); !actor) return ErrorResponse(actor.error());
        auto c = manager.Shared(req.Param("name"));
        if (!c) return ErrorResponse(c.error());
        bool all = true;
        json::array items;
        for (const auto& check : (*c)->Test()) {
          all = all && check.ok;
          items.push_back(
              json::object{{"name", check.name}, {"ok", check.ok}, {"detail", check.detail}});
        }
        return JsonResponse(200, json::object{{"ok", all}, {"checks", std::move(items)}});
      },
      RouteOptions{.blocking = true});
  // `im connector sync --retry-parked`'s first step: parked changes are queued again.
  router.Add(
      "POST", "/api/v1/connectors/{name}/retry-parked",
      [&store, &manager, &clock, &tokens](const net::HttpRequest& req) {
        if (auto actor = Authorize(req, tokens); !actor) return ErrorResponse(actor.error());
        auto c = manager.Shared(req.Param("name"));
        if (!c) return ErrorResponse(c.error());
        auto n = store.RetryParked(req.Param("name"), clock.Now());
        if (!n) return ErrorResponse(n.error());
        return JsonResponse(200, json::object{{"requeued", *n}});
      },
      RouteOptions{.blocking = true});
}

}  // namespace im::http::api

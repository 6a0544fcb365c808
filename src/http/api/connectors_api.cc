#include "http/api/connectors_api.h"

#include "engine/connector_status.h"
#include "http/status.h"

namespace im::http::api {

void AddConnectorRoutes(Router& router, connectors::Manager& manager, store::ConnectorStore& store,
                        const Clock& clock, std::shared_ptr<spdlog::logger> webhook_log) {
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
}

}  // namespace im::http::api

#include "http/api/connectors_api.h"

#include "common/time.h"
#include "http/status.h"

namespace im::http::api {

json::object OutboxJson(const store::OutboxCounts& c) {
  return json::object{
      {"pending", c.pending},
      {"parked", c.parked},
      {"sent_24h", c.sent_since},
      {"oldest_pending_at",
       c.oldest_pending ? json::value(FormatTime(*c.oldest_pending)) : json::value(nullptr)}};
}

json::object ConnectorStatusJson(const store::StoredConnector& s,
                                 const connectors::ConnectorConfig* config,
                                 const store::ActivityCounters& day, int64_t linked, Time now) {
  auto opt = [](const std::optional<Time>& t) {
    return t ? json::value(FormatTime(*t)) : json::value(nullptr);
  };
  std::string status = !s.last_sync_at         ? "never synced"
                       : !s.last_error.empty() ? "error"
                       : s.import_done         ? "active"
                                               : "importing";
  json::object o{
      {"name", s.name},
      {"type", s.type},
      {"status", status},
      {"created_at", FormatTime(s.created_at)},
      {"last_sync_at", opt(s.last_sync_at)},
      {"last_error", s.last_error.empty() ? json::value(nullptr) : json::value(s.last_error)},
      {"history_imported_until", opt(s.import_checkpoint)},
      {"history_import_done", s.import_done},
      {"last_webhook_at", opt(s.last_webhook_at)},
      {"incidents_linked", linked},
      {"last_24h", json::object{{"api_calls", day.api_calls},
                                {"api_errors", day.api_errors},
                                {"rate_limited", day.rate_limited},
                                {"webhook_events", day.webhook_events},
                                {"webhook_unreadable", day.webhook_unreadable},
                                {"incidents_synced", day.incidents_synced},
                                {"syncs", day.syncs},
                                {"sync_failures", day.sync_failures}}}};
  if (s.last_sync_at) {
    o["sync_lag_seconds"] =
        std::chrono::duration_cast<std::chrono::seconds>(now - *s.last_sync_at).count();
  }
  if (config) {
    o["sync_direction"] = connectors::DirectionName(config->direction);
    o["config"] = connectors::ConnectorConfigToJson(*config, /*with_secrets=*/false);
    o["webhook"] = config->webhook_secrets.empty() ? "not configured" : "configured";
  }
  return o;
}

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
    auto list = store.List();
    if (!list) return ErrorResponse(list.error());
    json::array items;
    Time now = clock.Now();
    for (const auto& s : *list) {
      auto config = manager.Config(s.name);
      auto day = store.Activity(s.name, now - std::chrono::hours(24));
      auto linked = store.CountLinks(s.name);
      auto item =
          ConnectorStatusJson(s, config ? &*config : nullptr,
                              day.value_or(store::ActivityCounters{}), linked.value_or(0), now);
      if (auto outbox = store.Outbox(s.name, now - std::chrono::hours(24))) {
        item["outbox"] = OutboxJson(*outbox);
      }
      items.push_back(std::move(item));
    }
    return JsonResponse(200, json::object{{"connectors", std::move(items)}});
  });
}

}  // namespace im::http::api

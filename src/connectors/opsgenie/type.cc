// Opsgenie's entry in the connector registry: read-only (inbound only), a shared secret
// header for webhooks, custom.region choosing the API host.
#include "common/time.h"
#include "connectors/opsgenie/opsgenie_connector.h"
#include "connectors/opsgenie/settings.h"
#include "connectors/registry.h"

namespace im::connectors::opsgenie {

ConnectorType Type() {
  return ConnectorType{
      .name = "opsgenie",
      .display_name = "Opsgenie",
      .default_base_url = kUsBaseUrl,
      .base_url_example =
          "https://api.opsgenie.com, or https://api.eu.opsgenie.com for EU "
          "accounts (or set custom.region to \"eu\")",
      .api_key_help =
          "an Opsgenie API key (an API integration's key, or an account API key with "
          "read access)",
      // Opsgenie publishes no numbers (they depend on the plan and the request domain): its
      // own 429s and THROTTLED answers pace the client instead of a local budget.
      .default_rate_limit_per_minute = 0,
      .capabilities = {.directions = {Direction::kInbound},
                       .webhook_signature = "shared-header",
                       .manages_webhooks = false,
                       .imports_history = true,
                       .imports_schedules = true,
                       .imports_escalation_policies = true,
                       .maps_services = false},
      .parse_custom = [](const json::object& custom, ConnectorConfig& config) -> Result<void> {
        auto settings = ParseSettings(custom);
        if (!settings) return std::unexpected(settings.error());
        if (config.base_url.empty()) config.base_url = RegionBaseUrl(settings->region);
        // The header's value is a secret: kept with the webhook secrets (sealed at rest,
        // redacted when shown), never in "custom".
        if (!settings->webhook_header_value.empty()) {
          config.webhook_secrets = {settings->webhook_header_value};
          settings->webhook_header_value.clear();
        }
        config.custom = SettingsToJson(*settings);
        return Ok();
      },
      .questions =
          {
              {"API Key (an Opsgenie API key; not echoed)", "", false, "api_key", true},
              {"Region (us or eu)", "us", true, "region", false},
          },
      // A Create action as Opsgenie's webhook integration posts it, with the secret header.
      .sample_webhook = [](const ConnectorConfig& config, const std::string& id,
                           Time now) -> Result<SampleDelivery> {
        if (config.webhook_secrets.empty()) {
          return Fail(ErrorCode::kFailedPrecondition,
                      "no webhook secret header configured: set custom.webhook_header "
                      "{\"name\", \"value\"} with `im connector update " +
                          config.name + "` first");
        }
        auto settings = ParseSettings(config.custom);
        std::string header = settings ? settings->webhook_header : kDefaultWebhookHeader;
        int64_t ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
        std::string body =
            json::Serialize(json::object{{"action", "Create"},
                                         {"alert", json::object{{"alertId", id},
                                                                {"message", "Test alert from im"},
                                                                {"tags", json::array{}},
                                                                {"tinyId", "0"},
                                                                {"entity", ""},
                                                                {"alias", id},
                                                                {"createdAt", ms},
                                                                {"updatedAt", ms},
                                                                {"username", "System"},
                                                                {"userId", ""},
                                                                {"priority", "P5"},
                                                                {"source", "im"}}},
                                         {"source", json::object{{"name", "im"}, {"type", "API"}}},
                                         {"integrationName", "im"},
                                         {"integrationId", ""},
                                         {"integrationType", "Webhook"}});
        return SampleDelivery{.headers = {{header, config.webhook_secrets.back()}},
                              .body = std::move(body)};
      },
      .factory = [](ConnectorConfig config, ConnectorContext& ctx) -> std::unique_ptr<Connector> {
        return std::make_unique<OpsgenieConnector>(std::move(config), ctx);
      },
  };
}

}  // namespace im::connectors::opsgenie

// incident.io's entry in the connector registry: read-only (inbound only), Standard Webhooks
// signatures (Svix), 1,200 requests a minute per key.
#include "common/crypto.h"
#include "common/time.h"
#include "common/webhook_signature.h"
#include "connectors/incidentio/incidentio_connector.h"
#include "connectors/incidentio/settings.h"
#include "connectors/registry.h"

namespace im::connectors::incidentio {

ConnectorType Type() {
  return ConnectorType{
      .name = "incidentio",
      .display_name = "incident.io",
      .default_base_url = kBaseUrl,
      .base_url_example = "https://api.incident.io",
      .api_key_help =
          "an incident.io API key (Settings → API keys) with \"View data\", \"View catalog\" "
          "and \"View on-call\" scopes; private incident access to import private incidents",
      // incident.io's documented default: 1,200 a minute per key (a bucket refilled 20/s).
      .default_rate_limit_per_minute = 1200,
      .capabilities = {.directions = {Direction::kInbound},
                       .webhook_signature = "standard-webhooks",
                       .manages_webhooks = false,
                       .imports_history = true,
                       .imports_schedules = true,
                       .imports_escalation_policies = true,
                       .maps_services = false},
      .parse_custom = [](const json::object& custom, ConnectorConfig& config) -> Result<void> {
        auto settings = ParseSettings(custom);
        if (!settings) return std::unexpected(settings.error());
        for (const auto& secret : config.webhook_secrets) {
          std::string_view s = secret;
          if (s.starts_with("whsec_")) s.remove_prefix(6);
          auto key = Base64Decode(s);
          if (s.empty() || !key || key->empty()) {
            return Fail(ErrorCode::kInvalidArgument,
                        "webhook_secret: not an incident.io signing secret; copy it from the "
                        "webhook endpoint in incident.io (Settings → Webhooks), it looks like "
                        "whsec_<base64>");
          }
        }
        config.custom = SettingsToJson(*settings);
        return Ok();
      },
      .questions =
          {
              {"API Key (an incident.io API key; not echoed)", "", false, "api_key", true},
              {"Webhook signing secret (whsec_…, from incident.io Settings → Webhooks; empty: "
               "polling only until you set it)",
               "", false, "webhook_secret", true},
          },
      // An incident update as incident.io's Svix deliveries make it, signed with the newest
      // secret (Standard Webhooks).
      .sample_webhook = [](const ConnectorConfig& config, const std::string& id,
                           Time now) -> Result<SampleDelivery> {
        if (config.webhook_secrets.empty()) {
          return Fail(ErrorCode::kFailedPrecondition,
                      "no webhook signing secret configured: copy it from incident.io "
                      "(Settings → Webhooks) and run `im connector update " +
                          config.name + " --webhook-secret whsec_…` first");
        }
        const std::string event = "public_incident.incident_updated_v2";
        std::string at = FormatTime(now);
        std::string body =
            json::Serialize(json::object{{"event_type", event},
                                         {event, json::object{{"id", "im-test-" + id},
                                                              {"reference", "INC-0"},
                                                              {"name", "Test delivery from im"},
                                                              {"mode", "test"},
                                                              {"visibility", "public"},
                                                              {"created_at", at},
                                                              {"updated_at", at}}}});
        int64_t ts =
            std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
        auto sig = StandardWebhookSignature(config.webhook_secrets.back(), id, ts, body);
        if (!sig) return std::unexpected(sig.error());
        return SampleDelivery{.headers = {{"webhook-id", id},
                                          {"webhook-timestamp", std::to_string(ts)},
                                          {"webhook-signature", *sig}},
                              .body = std::move(body)};
      },
      .factory = [](ConnectorConfig config, ConnectorContext& ctx) -> std::unique_ptr<Connector> {
        return std::make_unique<IncidentIoConnector>(std::move(config), ctx);
      },
  };
}

}  // namespace im::connectors::incidentio

// PagerDuty's entry in the connector registry.
#include "common/time.h"
#include "common/webhook_signature.h"
#include "connectors/pagerduty/pagerduty_connector.h"
#include "connectors/pagerduty/settings.h"
#include "connectors/registry.h"

namespace im::connectors::pagerduty {

ConnectorType Type() {
  return ConnectorType{
      .name = "pagerduty",
      .display_name = "PagerDuty",
      .default_base_url = "https://api.pagerduty.com",
      .base_url_example =
          "https://api.pagerduty.com, or https://api.eu.pagerduty.com for EU "
          "accounts",
      .api_key_help = "a PagerDuty REST API key",
      .default_rate_limit_per_minute = kPagerDutyRatePerMinute,
      .capabilities = {.directions = {Direction::kBidirectional, Direction::kOutbound,
                                      Direction::kInbound},
                       .webhook_signature = "pagerduty-v3",
                       .manages_webhooks = true,
                       .imports_history = true,
                       .imports_schedules = true,
                       .imports_escalation_policies = true,
                       .maps_services = true},
      .parse_custom = [](const json::object& custom, ConnectorConfig& config) -> Result<void> {
        auto settings = ParseSettings(custom);
        if (!settings) return std::unexpected(settings.error());
        config.custom = SettingsToJson(*settings);
        return Ok();
      },
      // The product documentation's prompts, in its order.
      .questions =
          {
              {"API Key (a PagerDuty REST API key)", "", false, "api_key", true},
              {"API Base URL (EU accounts: https://api.eu.pagerduty.com)",
               "https://api.pagerduty.com", false, "base_url", false},
              {"Default Service ID (e.g. PXXXXXX; empty for none)", "", true, "service_id", false},
              {"From Email (a PagerDuty user's; empty for none)", "", true, "from_email", false},
              {"Escalation Policy ID (optional)", "", true, "escalation_policy_id", false},
              {"Sync Direction (bidirectional, outbound or inbound)", "bidirectional", false,
               "sync_direction", false},
          },
      // A v3 ping, signed as PagerDuty signs its deliveries.
      .sample_webhook = [](const ConnectorConfig& config, const std::string& id,
                           Time now) -> Result<SampleDelivery> {
        if (config.webhook_secrets.empty()) {
          return Fail(ErrorCode::kFailedPrecondition,
                      "no webhook secret configured: run `im connector webhook " + config.name +
                          " --enable` first");
        }
        std::string body = json::Serialize(json::object{
            {"event", json::object{{"id", id},
                                   {"event_type", "pagey.ping"},
                                   {"resource_type", "pagey"},
                                   {"occurred_at", FormatTime(now)},
                                   {"data", json::object{{"message", "Hello from im"}}}}}});
        return SampleDelivery{
            .headers = {{"X-Webhook-Id", id},
                        {"X-PagerDuty-Signature",
                         PagerDutySignature(config.webhook_secrets.back(), body)}},
            .body = std::move(body)};
      },
      .factory = [](ConnectorConfig config, ConnectorContext& ctx) -> std::unique_ptr<Connector> {
        return std::make_unique<PagerDutyConnector>(std::move(config), ctx);
      },
  };
}

}  // namespace im::connectors::pagerduty

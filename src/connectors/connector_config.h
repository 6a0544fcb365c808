// A connector's configuration in the JSON shape users know from PagerDuty connectors:
//   {"base_url","api_key","sync_direction":"inbound|outbound|bidirectional","sync_interval":"5m",
//    "enable_webhook":true,"webhook_secret":"..."|["...","..."],"webhook_secret_retire_at":
//    "<RFC 3339>","debug":false,
//    "custom":{"service_id","from_email","escalation_policy_id","urgency_mapping",
//              "service_mappings","escalation_mappings","custom_field_mappings","auto_resolve",
//              "sync_notes","history_days","public_url","sla_mapping"}}
// Parsing checks every field and names the bad one.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/error.h"
#include "common/json.h"
#include "core/sla.h"

namespace im::connectors {

enum class Direction { kInbound, kOutbound, kBidirectional };
std::string_view DirectionName(Direction d);

struct ConnectorConfig {
  std::string name;
  std::string type;  // "pagerduty"
  std::string base_url;
  std::string api_key;                       // secret
  std::vector<std::string> webhook_secrets;  // secrets; several during rotation
  // While set, a rotation is under way: the secrets before the last are accepted until a
  // delivery signed with the last one has arrived (Manager::RetireWebhookSecrets drops them)
  // or until this time, whichever comes first (`im connector webhook --rotate-secret`).
  std::optional<Time> webhook_secret_retire_at;
  Direction direction = Direction::kBidirectional;
  Duration sync_interval = std::chrono::minutes(5);
  bool enable_webhook = true;
  bool debug = false;
  // Requests a minute this key may make (PagerDuty: 960). 0 turns the local budget off, for
  // simulators with their limits off and benchmarks; 429s are still honoured.
  int rate_limit_per_minute = 960;
  // PagerDuty "custom" block.
  std::string service_id;            // default PagerDuty service for outbound incidents
  std::string from_email;            // From header when the actor is not a PagerDuty user
  std::string escalation_policy_id;  // default escalation policy
  std::map<std::string, std::string> urgency_mapping;      // "SEV-1" → "high"
  std::map<std::string, std::string> service_mappings;     // our service (or "default") → PD id
  std::map<std::string, std::string> escalation_mappings;  // our service → PD policy id
  // Our custom field → the label it gets in the PagerDuty incident's details ("customer" →
  // "Customer"); unmapped fields are not sent.
  std::map<std::string, std::string> custom_field_mappings;
  bool auto_resolve = true;
  bool sync_notes = true;
  int history_days = 90;
  // SLA targets for the incidents this connector syncs, replacing the server's policy for the
  // severities named: {"SEV-1":{"acknowledge":"5m","resolve":"30m"}} (docs/pagerduty.md).
  core::SlaOverlay sla_mapping;
  std::string public_url;  // where PagerDuty reaches /connectors/<name>/webhook
};

// Names must be usable in URLs and file names: 1-64 of [a-z0-9-_].
Result<void> ValidateConnectorName(std::string_view name);

// Parses `json` (an object) for a connector of `type` named `name`.
Result<ConnectorConfig> ParseConnectorConfig(const std::string& type, const std::string& name,
                                             const json::object& json);

// The config as JSON. Secrets are replaced by Redact(...) unless `with_secrets`.
json::object ConnectorConfigToJson(const ConnectorConfig& config, bool with_secrets);

}  // namespace im::connectors

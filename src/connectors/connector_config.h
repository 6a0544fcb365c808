// A connector's configuration, the same JSON shape for every type:
//   {"base_url","api_key","sync_direction":"inbound|outbound|bidirectional","sync_interval":"5m",
//    "enable_webhook":true,"webhook_secret":"..."|["...","..."],"webhook_secret_retire_at":
//    "<RFC 3339>","debug":false,"rate_limit_per_minute":960,
//    "custom":{"history_days","public_url","sla_mapping", ...the type's own fields}}
// Parsing checks every field and names the bad one; the type's registry entry reads its own
// fields of "custom" and says which sync directions it allows.
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

struct ConnectorType;

struct ConnectorConfig {
  std::string name;
  std::string type;  // a registered connector type (registry.h)
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
  // Requests a minute this key may make (the type's default, PagerDuty's 960). 0 turns the
  // local budget off, for simulators with their limits off and benchmarks; 429s still count.
  int rate_limit_per_minute = 0;
  // The core's fields of the "custom" block, which every type has.
  int history_days = 90;
  // SLA targets for the incidents this connector syncs, replacing the server's policy for the
  // severities named: {"SEV-1":{"acknowledge":"5m","resolve":"30m"}} (docs/connectors.md).
  core::SlaOverlay sla_mapping;
  std::string public_url;  // where the provider reaches /connectors/<name>/webhook
  // The type's own fields of the "custom" block, as its parser normalized them (defaults
  // filled in); the provider's code reads them into its own settings.
  json::object custom;
};

// The sync direction a config sends changes out with: outbox rows are queued for it.
inline bool SendsChanges(const ConnectorConfig& c) { return c.direction != Direction::kInbound; }

// Names must be usable in URLs and file names: 1-64 of [a-z0-9-_].
Result<void> ValidateConnectorName(std::string_view name);

// Parses `json` (an object) for a connector of `type` named `name`.
Result<ConnectorConfig> ParseConnectorConfig(const ConnectorType& type, const std::string& name,
                                             const json::object& json);
// The same for a built-in type named `type` (BuiltinConnectorTypes()).
Result<ConnectorConfig> ParseConnectorConfig(const std::string& type, const std::string& name,
                                             const json::object& json);

// For a type's parse_custom: an object of strings at custom.<key> (empty when absent), and the
// error for a bad field of "custom", naming it.
Result<std::map<std::string, std::string>> CustomStringMap(const json::object& custom,
                                                           std::string_view key);
std::unexpected<Error> BadCustomField(std::string_view field, std::string_view what);

// The config as JSON. Secrets are replaced by Redact(...) unless `with_secrets`.
json::object ConnectorConfigToJson(const ConnectorConfig& config, bool with_secrets);

}  // namespace im::connectors

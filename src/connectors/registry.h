// The connector types im knows, each described once by its registry entry: its name, how its
// configuration's "custom" block is read, what it can do, the questions `im connector add` asks,
// a sample webhook delivery for `im connector webhook --test`, and the factory that opens it.
// Code outside a provider's folder asks the entry instead of naming the provider
// (docs/connectors.md). The built-in types are registered in builtin.cc, one line each.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "connectors/connector.h"

namespace im::connectors {

// What a connector type can do; the core refuses configurations and commands it cannot serve.
struct ConnectorCapabilities {
  // The sync_direction values it accepts, the default first. A type that never writes to the
  // provider accepts only kInbound, so no outbox row is ever queued for it.
  std::vector<Direction> directions;
  // How its webhook deliveries are authenticated: "pagerduty-v3" (X-PagerDuty-Signature),
  // "standard-webhooks" (Svix), "shared-header" (a secret header set by the user), "" (none).
  std::string webhook_signature;
  bool manages_webhooks = false;  // `im connector webhook --enable` creates the subscription
  bool imports_history = false;   // the first sync imports custom.history_days of incidents
  bool imports_schedules = false;
  bool imports_escalation_policies = false;
  // Reads custom.service_id, escalation_policy_id, service_mappings and escalation_mappings:
  // `im connector config --service-id`, `map-service` and `map-escalation` edit them.
  bool maps_services = false;
};

// One question of `im connector add TYPE NAME` on a terminal.
struct ConnectorQuestion {
  std::string text;
  std::string fallback;  // what an empty answer means ("" = leave it out)
  bool custom = false;   // the answer goes into "custom"
  std::string field;
  bool secret = false;  // not echoed
};

// A webhook delivery made the way the provider makes them.
struct SampleDelivery {
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

using ConnectorFactory =
    std::function<std::unique_ptr<Connector>(ConnectorConfig, ConnectorContext&)>;

struct ConnectorType {
  std::string name;          // what `im connector add TYPE` takes: "pagerduty"
  std::string display_name;  // how messages name the provider: "PagerDuty"
  std::string default_base_url;
  std::string base_url_example;  // shown when base_url is bad
  std::string api_key_help;      // shown when api_key is missing: "a PagerDuty REST API key"
  int default_rate_limit_per_minute = 0;  // 0: no local budget (the provider's 429s still count)
  ConnectorCapabilities capabilities;
  // Reads the provider's own fields of the "custom" block (the core's own, history_days,
  // public_url and sla_mapping, are taken out first) into `config.custom`, normalized with
  // defaults filled in, naming a bad field as "custom.<field>". It may set `config.base_url`
  // when that was not given (empty). Unknown fields are refused.
  std::function<Result<void>(const json::object& custom, ConnectorConfig& config)> parse_custom;
  std::vector<ConnectorQuestion> questions;
  // A test delivery with id `id` at `now`, authenticated with the config's newest webhook
  // secret; empty when the type takes no webhooks.
  std::function<Result<SampleDelivery>(const ConnectorConfig& config, const std::string& id,
                                       Time now)>
      sample_webhook;
  ConnectorFactory factory;
};

class Registry {
 public:
  // Registering a type twice is an error, not a silent replacement.
  Result<void> Register(ConnectorType type);
  // The entry for `type`; an error naming the known types when there is none.
  Result<const ConnectorType*> Find(const std::string& type) const;
  // Reads a configuration for a connector of `type` named `name` (ParseConnectorConfig).
  Result<ConnectorConfig> ParseConfig(const std::string& type, const std::string& name,
                                      const json::object& config) const;
  Result<std::unique_ptr<Connector>> Create(ConnectorConfig config, ConnectorContext& ctx) const;
  std::vector<std::string> Types() const;

 private:
  std::map<std::string, ConnectorType> types_;
};

// Every connector type built into im (builtin.cc).
const Registry& BuiltinConnectorTypes();

}  // namespace im::connectors

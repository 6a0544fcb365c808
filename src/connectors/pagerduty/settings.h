// The PagerDuty connector's own fields of the config's "custom" block:
//   {"service_id","from_email","escalation_policy_id","urgency_mapping","service_mappings",
//    "escalation_mappings","custom_field_mappings","auto_resolve","sync_notes"}
#pragma once

#include <map>
#include <string>

#include "common/error.h"
#include "common/json.h"

namespace im::connectors::pagerduty {

struct Settings {
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
};

// Reads the fields (the core's own taken out); errors name the field as "custom.<field>".
Result<Settings> ParseSettings(const json::object& custom);
json::object SettingsToJson(const Settings& s);

}  // namespace im::connectors::pagerduty

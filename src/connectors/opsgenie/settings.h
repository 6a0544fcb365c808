// The Opsgenie connector's own fields of the config's "custom" block:
//   {"region":"us|eu","teams":[...],"priority_mapping":{"P1":"SEV-1",...},
//    "import":"incidents|alerts|both","webhook_header":{"name":"...","value":"..."}}
// The webhook header's value is a secret: the type's parser moves it into the config's webhook
// secrets (sealed at rest like every secret) and only its name stays here.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/json.h"
#include "core/severity.h"

namespace im::connectors::opsgenie {

inline constexpr char kUsBaseUrl[] = "https://api.opsgenie.com";
inline constexpr char kEuBaseUrl[] = "https://api.eu.opsgenie.com";
inline constexpr char kDefaultWebhookHeader[] = "X-Webhook-Secret";

struct Settings {
  std::string region = "us";       // "us" | "eu"
  std::vector<std::string> teams;  // team names (or ids) to import; empty: every team
  std::map<std::string, core::Severity> priority_mapping;  // "P1" .. "P5", all five filled in
  bool import_incidents = true;
  bool import_alerts = true;
  std::string webhook_header = kDefaultWebhookHeader;  // the secret header's name
  std::string webhook_header_value;  // only while parsing: moved to the webhook secrets

  core::Severity SeverityOf(const std::string& priority) const;  // unknown: SEV-3
  bool WantsTeam(const std::string& id, const std::string& name) const;
};

// Reads the fields; errors name the field as "custom.<field>". Unknown fields are refused.
Result<Settings> ParseSettings(const json::object& custom);
// The normalized block (without the header's value).
json::object SettingsToJson(const Settings& s);
// The API host of a region.
std::string RegionBaseUrl(const std::string& region);

}  // namespace im::connectors::opsgenie

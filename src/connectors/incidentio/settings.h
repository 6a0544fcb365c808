// The incident.io connector's own fields of the config's "custom" block:
//   {"severity_mapping":{"Critical":"SEV-1","Sev 0":"SEV-1",...},
//    "mitigated_statuses":["Monitoring",...]}
// severity_mapping names incident.io severities (by name, as the organisation spelled them)
// and the im severity each becomes; names not listed map by rank (severities.h).
// mitigated_statuses names live statuses that mean "fixed, being watched": an incident in one
// of them is mitigated in im instead of open.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/json.h"
#include "core/severity.h"

namespace im::connectors::incidentio {

inline constexpr char kBaseUrl[] = "https://api.incident.io";

struct Settings {
  std::map<std::string, core::Severity> severity_mapping;  // incident.io name → im severity
  std::vector<std::string> mitigated_statuses;             // status names (case-insensitive)

  bool Mitigated(const std::string& status_name) const;
};

// Reads the fields; errors name the field as "custom.<field>". Unknown fields are refused.
Result<Settings> ParseSettings(const json::object& custom);
json::object SettingsToJson(const Settings& s);

}  // namespace im::connectors::incidentio

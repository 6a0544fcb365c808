#include "connectors/incidentio/settings.h"

#include <algorithm>

#include "connectors/connector_config.h"

namespace im::connectors::incidentio {
namespace {

std::string IioLower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

bool Settings::Mitigated(const std::string& status_name) const {
  const std::string wanted = IioLower(status_name);
  return std::any_of(mitigated_statuses.begin(), mitigated_statuses.end(),
                     [&](const std::string& s) { return IioLower(s) == wanted; });
}

Result<Settings> ParseSettings(const json::object& custom) {
  for (const auto& kv : custom) {
    std::string_view k = kv.key();
    if (k != "severity_mapping" && k != "mitigated_statuses") {
      return BadCustomField(k,
                            "is not a field of an incident.io connector (it takes "
                            "severity_mapping and mitigated_statuses)");
    }
  }
  Settings s;
  auto mapping = CustomStringMap(custom, "severity_mapping");
  if (!mapping) return std::unexpected(mapping.error());
  for (const auto& [name, sev] : *mapping) {
    if (name.empty()) {
      return BadCustomField("severity_mapping", "names an empty severity: use incident.io's name");
    }
    auto parsed = core::ParseSeverity(sev);
    if (!parsed) {
      return BadCustomField("severity_mapping." + name,
                            "'" + sev + "' is not a severity: use SEV-1 to SEV-4");
    }
    s.severity_mapping[name] = *parsed;
  }
  if (auto it = custom.find("mitigated_statuses"); it != custom.end() && !it->value().is_null()) {
    const char* what =
        "must be a list of incident.io status names, like [\"Monitoring\"]: incidents in them "
        "are mitigated in im";
    if (!it->value().is_array()) return BadCustomField("mitigated_statuses", what);
    for (const auto& v : it->value().as_array()) {
      if (!v.is_string() || v.as_string().empty()) {
        return BadCustomField("mitigated_statuses", what);
      }
      s.mitigated_statuses.emplace_back(v.as_string());
    }
  }
  return s;
}

json::object SettingsToJson(const Settings& s) {
  json::object mapping;
  for (const auto& [name, sev] : s.severity_mapping) mapping[name] = core::SeverityName(sev);
  json::array statuses;
  for (const auto& st : s.mitigated_statuses) statuses.emplace_back(st);
  return json::object{{"severity_mapping", std::move(mapping)},
                      {"mitigated_statuses", std::move(statuses)}};
}

}  // namespace im::connectors::incidentio

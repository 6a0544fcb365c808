#include "connectors/opsgenie/settings.h"

#include <algorithm>

#include "connectors/connector_config.h"

namespace im::connectors::opsgenie {
namespace {

const std::map<std::string, core::Severity>& OgDefaultPriorities() {
  static const std::map<std::string, core::Severity> kDefault = {{"P1", core::Severity::kSev1},
                                                                 {"P2", core::Severity::kSev2},
                                                                 {"P3", core::Severity::kSev3},
                                                                 {"P4", core::Severity::kSev4},
                                                                 {"P5", core::Severity::kSev4}};
  return kDefault;
}

std::string OgImportName(const Settings& s) {
  if (s.import_incidents && s.import_alerts) return "both";
  return s.import_incidents ? "incidents" : "alerts";
}

}  // namespace

core::Severity Settings::SeverityOf(const std::string& priority) const {
  auto it = priority_mapping.find(priority);
  return it == priority_mapping.end() ? core::Severity::kSev3 : it->second;
}

bool Settings::WantsTeam(const std::string& id, const std::string& name) const {
  if (teams.empty()) return true;
  return std::any_of(teams.begin(), teams.end(),
                     [&](const std::string& t) { return t == id || t == name; });
}

std::string RegionBaseUrl(const std::string& region) {
  return region == "eu" ? kEuBaseUrl : kUsBaseUrl;
}

Result<Settings> ParseSettings(const json::object& custom) {
  if (auto ok = json::RejectUnknownFields(
          custom, {"region", "teams", "priority_mapping", "import", "webhook_header"});
      !ok) {
    std::string field = "(unknown)";
    for (const auto& kv : custom) {
      std::string_view k = kv.key();
      if (k != "region" && k != "teams" && k != "priority_mapping" && k != "import" &&
          k != "webhook_header") {
        field = std::string(k);
        break;
      }
    }
    return BadCustomField(field,
                          "is not a field of an Opsgenie connector (it takes region, "
                          "teams, priority_mapping, import and webhook_header)");
  }
  Settings s;
  s.priority_mapping = OgDefaultPriorities();
  auto region = json::GetOptionalString(custom, "region");
  if (!region) return BadCustomField("region", "must be \"us\" or \"eu\"");
  if (*region) {
    std::string r = **region;
    std::transform(r.begin(), r.end(), r.begin(), [](unsigned char c) { return std::tolower(c); });
    if (r != "us" && r != "eu") {
      return BadCustomField("region",
                            "must be \"us\" (api.opsgenie.com) or \"eu\" "
                            "(api.eu.opsgenie.com), was \"" +
                                **region + "\"");
    }
    s.region = r;
  }
  if (auto it = custom.find("teams"); it != custom.end() && !it->value().is_null()) {
    if (!it->value().is_array()) {
      return BadCustomField("teams", "must be a list of team names, like [\"payments\"]");
    }
    for (const auto& t : it->value().as_array()) {
      if (!t.is_string() || t.as_string().empty()) {
        return BadCustomField("teams", "must be a list of team names, like [\"payments\"]");
      }
      s.teams.emplace_back(t.as_string());
    }
  }
  auto mapping = CustomStringMap(custom, "priority_mapping");
  if (!mapping) return std::unexpected(mapping.error());
  for (const auto& [priority, sev] : *mapping) {
    if (!OgDefaultPriorities().contains(priority)) {
      return BadCustomField("priority_mapping",
                            "'" + priority + "' is not an Opsgenie priority: use P1 to P5");
    }
    auto parsed = core::ParseSeverity(sev);
    if (!parsed) {
      return BadCustomField("priority_mapping." + priority,
                            "'" + sev + "' is not a severity: use SEV-1 to SEV-4");
    }
    s.priority_mapping[priority] = *parsed;
  }
  if (auto it = custom.find("import"); it != custom.end() && !it->value().is_null()) {
    std::vector<std::string> kinds;
    if (it->value().is_string()) {
      kinds.emplace_back(it->value().as_string());
    } else if (it->value().is_array()) {
      for (const auto& k : it->value().as_array()) {
        if (k.is_string()) kinds.emplace_back(k.as_string());
      }
    }
    s.import_incidents = s.import_alerts = false;
    for (const auto& k : kinds) {
      if (k == "incidents") {
        s.import_incidents = true;
      } else if (k == "alerts") {
        s.import_alerts = true;
      } else if (k == "both") {
        s.import_incidents = s.import_alerts = true;
      } else {
        s.import_incidents = s.import_alerts = false;
        break;
      }
    }
    if (!s.import_incidents && !s.import_alerts) {
      return BadCustomField("import", "must be \"incidents\", \"alerts\" or \"both\"");
    }
  }
  if (auto it = custom.find("webhook_header"); it != custom.end() && !it->value().is_null()) {
    const char* what =
        "must be {\"name\": \"X-Webhook-Secret\", \"value\": \"<a long random secret>\"}: the "
        "custom header the Opsgenie webhook integration sends";
    if (!it->value().is_object()) return BadCustomField("webhook_header", what);
    const json::object& h = it->value().as_object();
    if (!json::RejectUnknownFields(h, {"name", "value"})) {
      return BadCustomField("webhook_header", what);
    }
    auto name = json::GetOptionalString(h, "name");
    auto value = json::GetOptionalString(h, "value");
    if (!name || !value) return BadCustomField("webhook_header", what);
    if (*name) {
      const std::string& n = **name;
      bool token = !n.empty() && std::all_of(n.begin(), n.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '-' || c == '_';
      });
      if (!token) {
        return BadCustomField("webhook_header.name",
                              "must be an HTTP header name (letters, digits, '-')");
      }
      s.webhook_header = n;
    }
    if (*value) {
      if ((*value)->size() < 16) {
        return BadCustomField("webhook_header.value",
                              "must be at least 16 characters: use a long random secret");
      }
      s.webhook_header_value = **value;
    }
  }
  return s;
}

json::object SettingsToJson(const Settings& s) {
  json::array teams;
  for (const auto& t : s.teams) teams.emplace_back(t);
  json::object mapping;
  for (const auto& [p, sev] : s.priority_mapping) mapping[p] = core::SeverityName(sev);
  return json::object{{"region", s.region},
                      {"teams", std::move(teams)},
                      {"priority_mapping", std::move(mapping)},
                      {"import", OgImportName(s)},
                      {"webhook_header", json::object{{"name", s.webhook_header}}}};
}

}  // namespace im::connectors::opsgenie

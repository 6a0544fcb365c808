#include "connectors/pagerduty/settings.h"

#include "connectors/connector_config.h"
#include "core/email.h"
#include "core/severity.h"

namespace im::connectors::pagerduty {

Result<Settings> ParseSettings(const json::object& cu) {
  if (auto ok = json::RejectUnknownFields(
          cu, {"service_id", "from_email", "escalation_policy_id", "urgency_mapping",
               "service_mappings", "escalation_mappings", "custom_field_mappings", "auto_resolve",
               "sync_notes"});
      !ok) {
    return Fail(ErrorCode::kInvalidArgument, "connector config: 'custom' " + ok.error().message);
  }
  Settings s;
  for (auto [field, target] :
       {std::pair{"service_id", &s.service_id}, std::pair{"from_email", &s.from_email},
        std::pair{"escalation_policy_id", &s.escalation_policy_id}}) {
    auto v = json::GetOptionalString(cu, field);
    if (!v) return BadCustomField(field, "must be a string");
    *target = v->value_or("");
  }
  if (!s.from_email.empty()) {
    if (auto ok = core::ValidateEmail(s.from_email, "custom.from_email"); !ok) {
      return std::unexpected(ok.error());
    }
  }
  auto urgency = CustomStringMap(cu, "urgency_mapping");
  if (!urgency) return std::unexpected(urgency.error());
  for (const auto& [sev, u] : *urgency) {
    if (!core::ParseSeverity(sev) || (u != "high" && u != "low")) {
      return BadCustomField("urgency_mapping." + sev,
                            "must map SEV-1..SEV-4 to \"high\" or \"low\"");
    }
  }
  s.urgency_mapping = *urgency;
  for (auto [field, target] : {std::pair{"service_mappings", &s.service_mappings},
                               std::pair{"escalation_mappings", &s.escalation_mappings},
                               std::pair{"custom_field_mappings", &s.custom_field_mappings}}) {
    auto m = CustomStringMap(cu, field);
    if (!m) return std::unexpected(m.error());
    *target = std::move(*m);
  }
  for (auto [field, target] :
       {std::pair{"auto_resolve", &s.auto_resolve}, std::pair{"sync_notes", &s.sync_notes}}) {
    auto v = json::GetOptionalBool(cu, field);
    if (!v) return BadCustomField(field, "must be true or false");
    if (*v) *target = **v;
  }
  return s;
}

json::object SettingsToJson(const Settings& s) {
  auto map = [](const std::map<std::string, std::string>& m) {
    json::object o;
    for (const auto& [k, v] : m) o[k] = v;
    return o;
  };
  return json::object{{"service_id", s.service_id},
                      {"from_email", s.from_email},
                      {"escalation_policy_id", s.escalation_policy_id},
                      {"urgency_mapping", map(s.urgency_mapping)},
                      {"service_mappings", map(s.service_mappings)},
                      {"escalation_mappings", map(s.escalation_mappings)},
                      {"custom_field_mappings", map(s.custom_field_mappings)},
                      {"auto_resolve", s.auto_resolve},
                      {"sync_notes", s.sync_notes}};
}

}  // namespace im::connectors::pagerduty

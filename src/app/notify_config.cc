#include "app/notify_config.h"

namespace im::app {

Result<notify::NotifierOptions> ReadNotifyConfig(const json::object& section) {
  notify::NotifierOptions o;
  const std::string where = "notifications";
  if (auto ok = json::RejectUnknownFields(section, {"rules", "escalation", "escalation_channels"});
      !ok) {
    return std::unexpected(ok.error().Wrap(where));
  }
  auto mode = json::GetOptionalString(section, "escalation");
  if (!mode || (*mode && **mode != "auto" && **mode != "always" && **mode != "off")) {
    return InvalidAt(where + ".escalation",
                     "give auto (im's own incidents no provider pages), always or off");
  }
  if (*mode) o.escalation = **mode;
  auto channels = json::GetOptionalArray(section, "escalation_channels");
  if (!channels) return InvalidAt(where + ".escalation_channels", "give a list of channel names");
  if (*channels) {
    for (const auto& c : **channels) {
      if (!c.is_string()) {
        return InvalidAt(where + ".escalation_channels", "give a list of channel names");
      }
      o.escalation_channels.emplace_back(c.as_string());
    }
  }
  auto rules = json::GetOptionalArray(section, "rules");
  if (!rules) return InvalidAt(where + ".rules", "give a list of rules");
  if (*rules) {
    for (size_t i = 0; i < (*rules)->size(); ++i) {
      std::string at = where + ".rules[" + std::to_string(i) + "]";
      const auto& v = (**rules)[i];
      if (!v.is_object()) return InvalidAt(at, "give a mapping with name, channels, ...");
      std::string name = json::StringOr(v.as_object(), "name");
      auto rule = notify::ParseRule(name, v.as_object());
      if (!rule) return std::unexpected(rule.error().Wrap(at));
      o.config_rules.push_back(std::move(*rule));
    }
  }
  return o;
}

}  // namespace im::app

#include "app/monitors_yaml.h"

#include <charconv>

#include "monitor/monitor_json.h"

namespace im::app {

json::value YamlToJson(const YAML::Node& node) {
  if (node.IsSequence()) {
    json::array a;
    for (const auto& item : node) a.push_back(YamlToJson(item));
    return a;
  }
  if (node.IsMap()) {
    json::object o;
    for (const auto& kv : node) o[kv.first.as<std::string>()] = YamlToJson(kv.second);
    return o;
  }
  if (node.IsNull()) return nullptr;
  std::string text = node.as<std::string>();
  if (node.Tag() != "!") {  // a quoted scalar stays a string
    int64_t n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec == std::errc() && end == text.data() + text.size() && !text.empty()) return n;
    if (text == "true") return true;
    if (text == "false") return false;
  }
  return json::value(text);
}

Result<std::vector<json::object>> ReadMonitorsYaml(const YAML::Node& list,
                                                   const std::string& where) {
  if (!list.IsSequence()) {
    return InvalidAt(where, "'monitors' must be a list of monitors (docs/monitors.md)");
  }
  std::vector<json::object> out;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string at = "monitors[" + std::to_string(i) + "]";
    json::value v = YamlToJson(list[i]);
    if (!v.is_object()) return InvalidAt(where, at + " must be a map of fields");
    if (auto m = monitor::MonitorFromJson(v.as_object()); !m) {
      return InvalidAt(where, at + "." + m.error().message);
    }
    out.push_back(std::move(v.as_object()));
  }
  return out;
}

}  // namespace im::app

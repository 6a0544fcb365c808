// Parsing of the `dora:` config section.
#include "app/dora_config.h"

#include "app/yaml_fields.h"
#include "common/time.h"

namespace im::app {

Result<void> ApplyDoraConfig(const YAML::Node& node, DoraConfig& c, const std::string& where) {
  if (!node.IsMap()) return InvalidAt(where, "'dora' must be a mapping");
  for (const auto& kv : node) {
    const auto key = kv.first.as<std::string>();
    const YAML::Node& v = kv.second;
    if (key == "window_before" || key == "window_after") {
      auto text = YamlScalar(v, "dora." + key, where);
      if (!text) return std::unexpected(text.error());
      auto d = ParseDuration(*text);
      if (!d || d->count() < 0 || *d > std::chrono::days(7)) {
        return InvalidAt(where, "'dora." + key + "' must be a duration up to 7d, like 4h");
      }
      (key == "window_before" ? c.window_before : c.window_after) = *d;
    } else if (key == "environment" || key == "zone") {
      auto text = YamlScalar(v, "dora." + key, where);
      if (!text) return std::unexpected(text.error());
      if (text->empty()) return InvalidAt(where, "'dora." + key + "' is empty");
      (key == "environment" ? c.environment : c.zone) = *text;
    } else if (key == "include_low_urgency") {
      auto text = YamlScalar(v, "dora." + key, where);
      if (!text) return std::unexpected(text.error());
      if (*text != "true" && *text != "false") {
        return InvalidAt(where, "'dora.include_low_urgency' must be true or false");
      }
      c.include_low_urgency = *text == "true";
    } else if (key == "webhook_secrets") {
      if (!v.IsMap())
        return InvalidAt(where, "'dora.webhook_secrets' must map source names to secrets");
      for (const auto& s : v) {
        const auto name = s.first.as<std::string>();
        auto secret = YamlScalar(s.second, "dora.webhook_secrets." + name, where);
        if (!secret) return std::unexpected(secret.error());
        if (secret->size() < 16) {
          return InvalidAt(where,
                           "'dora.webhook_secrets." + name + "' is shorter than 16 characters");
        }
        c.webhook_secrets[name] = *secret;
      }
    } else {
      return InvalidAt(where, "unknown key 'dora." + key +
                                  "'; known keys here are: environment, include_low_urgency, "
                                  "webhook_secrets, window_after, window_before, zone");
    }
  }
  return Ok();
}

}  // namespace im::app

#include "connectors/connector_config.h"

#include "common/time.h"
#include "connectors/registry.h"
#include "connectors/secret_box.h"

namespace im::connectors {
namespace {

std::unexpected<Error> Bad(std::string_view field, std::string_view what) {
  return Fail(ErrorCode::kInvalidArgument,
              "connector config: '" + std::string(field) + "' " + std::string(what));
}

Result<std::map<std::string, std::string>> StringMap(const json::object& o, std::string_view key,
                                                     std::string_view path) {
  std::map<std::string, std::string> out;
  auto m = json::GetOptionalObject(o, key);
  if (!m) return Bad(path, "must be an object of strings");
  if (!*m) return out;
  for (const auto& kv : **m) {
    if (!kv.value().is_string()) {
      return Bad(std::string(path) + "." + std::string(kv.key()), "must be a string");
    }
    out[std::string(kv.key())] = kv.value().as_string();
  }
  return out;
}

}  // namespace

std::string_view DirectionName(Direction d) {
  switch (d) {
    case Direction::kInbound: return "inbound";
    case Direction::kOutbound: return "outbound";
    case Direction::kBidirectional: return "bidirectional";
  }
  return "bidirectional";
}

Result<void> ValidateConnectorName(std::string_view name) {
  bool ok = !name.empty() && name.size() <= 64;
  for (char c : name) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_');
  }
  if (!ok) {
    return Fail(ErrorCode::kInvalidArgument,
                "connector name '" + std::string(name) +
                    "' must be 1-64 lower-case letters, digits, '-' or '_', like pd-prod");
  }
  return Ok();
}

Result<ConnectorConfig> ParseConnectorConfig(const std::string& type, const std::string& name,
                                             const json::object& j) {
  return BuiltinConnectorTypes().ParseConfig(type, name, j);
}

Result<ConnectorConfig> ParseConnectorConfig(const ConnectorType& type, const std::string& name,
                                             const json::object& j) {
  if (auto ok = ValidateConnectorName(name); !ok) return std::unexpected(ok.error());
  if (auto ok = json::RejectUnknownFields(
          j, {"base_url", "api_key", "sync_direction", "sync_interval", "enable_webhook",
              "webhook_secret", "webhook_secret_retire_at", "debug", "custom",
              "rate_limit_per_minute"});
      !ok) {
    return Bad("(top level)", ok.error().message);
  }
  ConnectorConfig c{.name = name, .type = type.name};
  c.rate_limit_per_minute = type.default_rate_limit_per_minute;
  auto base = json::GetOptionalString(j, "base_url");
  if (!base) return Bad("base_url", "must be a string");
  c.base_url = base->value_or("");
  while (c.base_url.ends_with("/")) c.base_url.pop_back();
  auto key = json::GetOptionalString(j, "api_key");
  if (!key) return Bad("api_key", "must be a string");
  if (!*key || (*key)->empty()) return Bad("api_key", "is required: " + type.api_key_help);
  c.api_key = **key;
  const auto& allowed = type.capabilities.directions;
  auto dir = json::GetOptionalString(j, "sync_direction");
  if (!dir) return Bad("sync_direction", "must be a string");
  c.direction = allowed.empty() ? Direction::kInbound : allowed.front();
  if (*dir) {
    std::string names;
    bool found = false;
    for (size_t i = 0; i < allowed.size(); ++i) {
      names += (i == 0 ? "" : i + 1 == allowed.size() ? " or " : ", ");
      names += DirectionName(allowed[i]);
      if (DirectionName(allowed[i]) == **dir) {
        c.direction = allowed[i];
        found = true;
      }
    }
    if (!found) {
      return Bad("sync_direction", "must be " + names + " for " + type.display_name +
                                       " connectors (was \"" + **dir + "\")");
    }
  }
  auto interval = json::GetOptionalString(j, "sync_interval");
  if (!interval) return Bad("sync_interval", "must be a duration string like \"5m\"");
  if (*interval) {
    auto dur = ParseDuration(**interval);
    if (!dur || *dur < std::chrono::seconds(10)) {
      return Bad("sync_interval", "must be a duration of at least 10s, like \"5m\"");
    }
    c.sync_interval = *dur;
  }
  for (auto [field, target] :
       {std::pair{"enable_webhook", &c.enable_webhook}, std::pair{"debug", &c.debug}}) {
    auto v = json::GetOptionalBool(j, field);
    if (!v) return Bad(field, "must be true or false");
    if (*v) *target = **v;
  }
  auto rpm = json::GetOptionalInt(j, "rate_limit_per_minute");
  if (!rpm || (*rpm && (**rpm < 0 || **rpm > 100000))) {
    return Bad("rate_limit_per_minute", "must be a whole number from 0 (no limit) to 100000");
  }
  if (*rpm) c.rate_limit_per_minute = static_cast<int>(**rpm);
  if (auto it = j.find("webhook_secret"); it != j.end() && !it->value().is_null()) {
    if (it->value().is_string()) {
      c.webhook_secrets.emplace_back(it->value().as_string());
    } else if (it->value().is_array()) {
      for (const auto& s : it->value().as_array()) {
        if (!s.is_string()) return Bad("webhook_secret", "must be a string or strings");
        c.webhook_secrets.emplace_back(s.as_string());
      }
    } else {
      return Bad("webhook_secret", "must be a string or an array of strings");
    }
  }
  if (auto it = j.find("webhook_secret_retire_at"); it != j.end() && !it->value().is_null()) {
    if (it->value().is_string()) {
      if (auto at = ParseTime(it->value().as_string())) c.webhook_secret_retire_at = *at;
    }
    if (!c.webhook_secret_retire_at) {
      return Bad("webhook_secret_retire_at", "must be an RFC 3339 time");
    }
  }
  auto custom = json::GetOptionalObject(j, "custom");
  if (!custom) return Bad("custom", "must be an object");
  json::object own;  // the type's fields
  if (*custom) {
    const json::object& cu = **custom;
    auto url = json::GetOptionalString(cu, "public_url");
    if (!url) return Bad("custom.public_url", "must be a string");
    c.public_url = url->value_or("");
    auto days = json::GetOptionalInt(cu, "history_days");
    if (!days) return Bad("custom.history_days", "must be a whole number of days");
    if (*days) {
      if (**days < 1 || **days > 3650) return Bad("custom.history_days", "must be 1 to 3650");
      c.history_days = static_cast<int>(**days);
    }
    if (auto it = cu.find("sla_mapping"); it != cu.end() && !it->value().is_null()) {
      auto sla = core::ParseSlaOverlay(it->value(), "custom.sla_mapping");
      if (!sla) return std::unexpected(sla.error());
      c.sla_mapping = *sla;
    }
    for (const auto& kv : cu) {
      if (kv.key() != "public_url" && kv.key() != "history_days" && kv.key() != "sla_mapping") {
        own[kv.key()] = kv.value();
      }
    }
  }
  if (type.parse_custom) {
    if (auto ok = type.parse_custom(own, c); !ok) return std::unexpected(ok.error());
  } else if (!own.empty()) {
    return Bad("custom." + std::string(own.begin()->key()),
               "is not a field of a " + type.display_name + " connector");
  }
  if (c.base_url.empty()) c.base_url = type.default_base_url;
  if (!c.base_url.starts_with("https://") && !c.base_url.starts_with("http://")) {
    return Bad("base_url", "must start with https:// (e.g. " + type.base_url_example + ")");
  }
  return c;
}

Result<std::map<std::string, std::string>> CustomStringMap(const json::object& custom,
                                                           std::string_view key) {
  return StringMap(custom, key, "custom." + std::string(key));
}

std::unexpected<Error> BadCustomField(std::string_view field, std::string_view what) {
  return Bad("custom." + std::string(field), what);
}

json::object ConnectorConfigToJson(const ConnectorConfig& c, bool with_secrets) {
  auto secret = [&](const std::string& s) { return with_secrets ? s : Redact(s); };
  json::array secrets;
  for (const auto& s : c.webhook_secrets) secrets.emplace_back(secret(s));
  json::object custom = c.custom;
  custom["history_days"] = c.history_days;
  custom["public_url"] = c.public_url;
  custom["sla_mapping"] = core::SlaOverlayToJson(c.sla_mapping);
  return json::object{
      {"base_url", c.base_url},
      {"api_key", secret(c.api_key)},
      {"sync_direction", DirectionName(c.direction)},
      {"sync_interval", FormatDuration(c.sync_interval)},
      {"enable_webhook", c.enable_webhook},
      {"webhook_secret", std::move(secrets)},
      {"webhook_secret_retire_at", c.webhook_secret_retire_at
                                       ? json::value(FormatTime(*c.webhook_secret_retire_at))
                                       : json::value(nullptr)},
      {"debug", c.debug},
      {"rate_limit_per_minute", c.rate_limit_per_minute},
      {"custom", std::move(custom)},
  };
}

}  // namespace im::connectors

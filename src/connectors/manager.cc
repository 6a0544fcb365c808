#include "connectors/manager.h"

namespace im::connectors {

std::string Manager::Seal(const ConnectorConfig& c) const {
  json::object o = ConnectorConfigToJson(c, /*with_secrets=*/true);
  o["api_key"] = box_.Seal(c.api_key);
  json::array secrets;
  for (const auto& s : c.webhook_secrets) secrets.emplace_back(box_.Seal(s));
  o["webhook_secret"] = std::move(secrets);
  return json::Serialize(o);
}

Result<ConnectorConfig> Manager::Unseal(const store::StoredConnector& stored) const {
  auto v = json::Parse(stored.config);
  if (!v || !v->is_object()) {
    return Fail(ErrorCode::kInternal, "stored config of connector " + stored.name + " is damaged");
  }
  json::object o = v->as_object();
  auto key = box_.Unseal(std::string(o["api_key"].as_string()));
  if (!key) return std::unexpected(key.error());
  o["api_key"] = *key;
  json::array secrets;
  for (const auto& s : o["webhook_secret"].as_array()) {
    auto plain = box_.Unseal(std::string(s.as_string()));
    if (!plain) return std::unexpected(plain.error());
    secrets.emplace_back(*plain);
  }
  o["webhook_secret"] = std::move(secrets);
  return ParseConnectorConfig(stored.type, stored.name, o);
}

Result<ConnectorConfig> Manager::Add(const std::string& type, const std::string& name,
                                     const json::object& config) {
  auto c = ParseConnectorConfig(type, name, config);
  if (!c) return std::unexpected(c.error());
  auto ok = ctx_.connectors.Add(
      {.name = name, .type = type, .config = Seal(*c), .created_at = ctx_.clock.Now()});
  if (!ok) return std::unexpected(ok.error());
  return c;
}

Result<ConnectorConfig> Manager::Config(const std::string& name) {
  auto stored = ctx_.connectors.Get(name);
  if (!stored) return std::unexpected(stored.error());
  return Unseal(*stored);
}

Result<ConnectorConfig> Manager::Update(
    const std::string& name, const std::function<Result<void>(ConnectorConfig&)>& change) {
  auto c = Config(name);
  if (!c) return c;
  if (auto ok = change(*c); !ok) return std::unexpected(ok.error());
  // Round-trip through the parser so an update is validated like an add.
  auto checked = ParseConnectorConfig(c->type, name, ConnectorConfigToJson(*c, true));
  if (!checked) return checked;
  if (auto ok = ctx_.connectors.UpdateConfig(name, Seal(*checked)); !ok) {
    return std::unexpected(ok.error());
  }
  return checked;
}

Result<void> Manager::Remove(const std::string& name) {
  {
    std::lock_guard lock(mu_);
    cache_.erase(name);
  }
  return ctx_.connectors.Remove(name);
}

Result<std::unique_ptr<Connector>> Manager::Open(const std::string& name) {
  auto c = Config(name);
  if (!c) return std::unexpected(c.error());
  return registry_.Create(*c, ctx_);
}

Result<std::shared_ptr<Connector>> Manager::Shared(const std::string& name) {
  Time now = ctx_.clock.Now();
  {
    std::lock_guard lock(mu_);
    auto it = cache_.find(name);
    // Recheck the stored config at most every few seconds (CLI updates land within that).
    if (it != cache_.end() && now - it->second.checked < std::chrono::seconds(5)) {
      return it->second.connector;
    }
  }
  auto stored = ctx_.connectors.Get(name);
  if (!stored) return std::unexpected(stored.error());
  std::lock_guard lock(mu_);
  auto& cached = cache_[name];
  if (!cached.connector || cached.sealed != stored->config) {
    auto config = Unseal(*stored);
    if (!config) return std::unexpected(config.error());
    auto opened = registry_.Create(*config, ctx_);
    if (!opened) return std::unexpected(opened.error());
    cached.connector = std::move(*opened);
    cached.sealed = stored->config;
  }
  cached.checked = now;
  return cached.connector;
}

}  // namespace im::connectors

#include "connectors/manager.h"

namespace im::connectors {
namespace {

// custom.sla_mapping as the store keeps it beside the config: JSON text, "" when none.
std::string SlaMappingText(const ConnectorConfig& c) {
  return c.sla_mapping.empty() ? "" : json::Serialize(core::SlaOverlayToJson(c.sla_mapping));
}

}  // namespace

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
  return registry_.ParseConfig(stored.type, stored.name, o);
}

Result<ConnectorConfig> Manager::Add(const std::string& type, const std::string& name,
                                     const json::object& config) {
  auto c = registry_.ParseConfig(type, name, config);
  if (!c) return std::unexpected(c.error());
  auto ok = ctx_.connectors.Add({.name = name,
                                 .type = type,
                                 .config = Seal(*c),
                                 .created_at = ctx_.clock.Now(),
                                 .sends_changes = SendsChanges(*c),
                                 .sla_mapping = SlaMappingText(*c)});
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
  auto checked = registry_.ParseConfig(c->type, name, ConnectorConfigToJson(*c, true));
  if (!checked) return checked;
  if (auto ok = ctx_.connectors.UpdateConfig({.name = name,
                                              .config = Seal(*checked),
                                              .sends_changes = SendsChanges(*checked),
                                              .sla_mapping = SlaMappingText(*checked)});
      !ok) {
    return std::unexpected(ok.error());
  }
  {
    // This process sees its own change at once: the shared connector is checked on next use.
    std::lock_guard lock(mu_);
    if (auto it = cache_.find(name); it != cache_.end()) it->second.checked = Time{};
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

std::shared_ptr<Connector> Manager::Reopened(const std::string& name,
                                             const std::shared_ptr<Connector>& current) {
  Time now = ctx_.clock.Now();
  {
    // Only reads that found nothing new are limited (bad signatures cost one read a second);
    // a read that found a change came from a real one, and the next delivery may need the next.
    std::lock_guard lock(mu_);
    auto& cached = cache_[name];
    if (now - cached.forced < std::chrono::seconds(1)) return nullptr;
  }
  auto stored = ctx_.connectors.Get(name);
  if (!stored) return nullptr;
  std::lock_guard lock(mu_);
  auto& cached = cache_[name];
  if (cached.connector != current && cached.connector) return cached.connector;  // re-opened
  if (cached.sealed == stored->config) {
    cached.forced = now;
    return nullptr;
  }
  auto config = Unseal(*stored);
  if (!config) return nullptr;
  auto opened = registry_.Create(*config, ctx_);
  if (!opened) return nullptr;
  cached.connector = std::move(*opened);
  cached.sealed = stored->config;
  cached.checked = now;
  return cached.connector;
}

Result<void> Manager::ReceiveWebhook(const std::string& name, const net::HttpRequest& request,
                                     std::function<void(WebhookReply)> done) {
  auto connector = Shared(name);
  if (!connector) return std::unexpected(connector.error());
  // Notes the newest secret in use, then answers; the connector is kept until then.
  auto answer = [this, name, done = std::move(done)](std::shared_ptr<Connector> keep) {
    return [this, name, done, keep = std::move(keep)](WebhookReply reply) {
      if (reply.newest_secret_in_use) {
        std::lock_guard lock(mu_);
        cache_[name].newest_secret_in_use = true;
      }
      done(std::move(reply));
    };
  };
  std::shared_ptr<Connector> first = *connector;
  first->ReceiveWebhook(request, [this, name, &request, first, answer](WebhookReply reply) {
    // A refusal comes at once, on this thread: try the stored config, if it changed.
    std::shared_ptr<Connector> fresh = reply.unverified ? Reopened(name, first) : nullptr;
    if (!fresh) return answer(first)(std::move(reply));
    fresh->ReceiveWebhook(request, answer(fresh));
  });
  return Ok();
}

Result<bool> Manager::RetireWebhookSecrets(const std::string& name) {
  bool seen = false;
  Time now = ctx_.clock.Now();
  {
    // The stored config is read when a delivery showed the newest secret in use, else once a
    // minute for the rotation's deadline.
    std::lock_guard lock(mu_);
    auto& cached = cache_[name];
    seen = cached.newest_secret_in_use;
    if (!seen && now - cached.deadline_checked < std::chrono::minutes(1)) return false;
    cached.deadline_checked = now;
  }
  auto config = Config(name);
  if (!config) return std::unexpected(config.error());
  if (!config->webhook_secret_retire_at) return false;
  if (!seen && now < *config->webhook_secret_retire_at) return false;
  auto updated = Update(name, [](ConnectorConfig& c) -> Result<void> {
    if (c.webhook_secrets.size() > 1) {
      c.webhook_secrets.erase(c.webhook_secrets.begin(), c.webhook_secrets.end() - 1);
    }
    c.webhook_secret_retire_at.reset();
    return Ok();
  });
  if (!updated) return std::unexpected(updated.error());
  std::lock_guard lock(mu_);
  cache_[name].newest_secret_in_use = false;
  return true;
}

}  // namespace im::connectors

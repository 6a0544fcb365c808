// Connectors as stored things: adding one (validated, secrets sealed), reading and changing its
// configuration, opening it through the registry, and keeping opened connectors for the
// server's webhook endpoint and poller.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "connectors/connector.h"
#include "connectors/secret_box.h"

namespace im::connectors {

class Manager {
 public:
  Manager(const Registry& registry, ConnectorContext& ctx, const SecretBox& box)
      : registry_(registry), ctx_(ctx), box_(box) {}

  Result<ConnectorConfig> Add(const std::string& type, const std::string& name,
                              const json::object& config);
  Result<ConnectorConfig> Config(const std::string& name);
  // Reads, changes and stores the configuration; `change` may refuse with an error.
  Result<ConnectorConfig> Update(const std::string& name,
                                 const std::function<Result<void>(ConnectorConfig&)>& change);
  Result<void> Remove(const std::string& name);
  Result<std::unique_ptr<Connector>> Open(const std::string& name);

  // An opened connector shared by the server, re-opened when its stored config changed.
  Result<std::shared_ptr<Connector>> Shared(const std::string& name);

 private:
  std::string Seal(const ConnectorConfig& c) const;
  Result<ConnectorConfig> Unseal(const store::StoredConnector& stored) const;

  const Registry& registry_;
  ConnectorContext& ctx_;
  const SecretBox& box_;
  struct Cached {
    std::string sealed;
    std::shared_ptr<Connector> connector;
    Time checked;
  };
  std::mutex mu_;
  std::map<std::string, Cached> cache_;  // GUARDED_BY(mu_)
};

}  // namespace im::connectors

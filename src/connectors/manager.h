// Connectors as stored things: adding one (validated, secrets sealed), reading and changing its
// configuration, opening it through the registry, and keeping opened connectors for the
// server's webhook endpoint and poller.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "connectors/connector.h"
#include "connectors/registry.h"
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

  // Hands a webhook delivery to the shared connector `name`; `done` gets the answer (as
  // Connector::ReceiveWebhook). When no secret this process knows verifies it, the stored
  // config is read again first (not within a second of a read that found it unchanged), so a
  // secret stored a moment ago by `im connector webhook --enable` in another process verifies
  // the very next delivery. An error, and no call to `done`, when the connector cannot be
  // opened.
  Result<void> ReceiveWebhook(const std::string& name, const net::HttpRequest& request,
                              std::function<void(WebhookReply)> done);
  // Ends a secret rotation once a delivery signed with the newest secret reached this process,
  // or once the rotation's deadline passed: the older secrets are dropped from the stored
  // config. True when it changed the config. The server calls it every second; the stored
  // config is read only after such a delivery, or once a minute.
  Result<bool> RetireWebhookSecrets(const std::string& name);

 private:
  std::string Seal(const ConnectorConfig& c) const;
  Result<ConnectorConfig> Unseal(const store::StoredConnector& stored) const;

  const Registry& registry_;
  ConnectorContext& ctx_;
  const SecretBox& box_;
  // The connector re-opened from its stored config when that changed, or null: the config is
  // the same as `current`'s, or a read less than a second ago found it so (not read again).
  std::shared_ptr<Connector> Reopened(const std::string& name,
                                      const std::shared_ptr<Connector>& current);

  struct Cached {
    std::string sealed;
    std::shared_ptr<Connector> connector;
    Time checked;
    Time forced{};                      // last forced read that found nothing new
    bool newest_secret_in_use = false;  // a delivery verified with the newest secret
    Time deadline_checked{};            // RetireWebhookSecrets read the config for its deadline
  };
  std::mutex mu_;
  std::map<std::string, Cached> cache_;  // GUARDED_BY(mu_)
};

}  // namespace im::connectors

// `im connector webhook NAME --enable [--rotate-secret]`: one provider subscription delivering
// to im's endpoint for the connector, whose signing secret im holds. Running it again changes
// nothing; a subscription the provider switched off is switched on again; duplicates (from ims
// that created one per run) are deleted. A rotation creates a new subscription, stores its
// secret beside the old ones, then deletes the old subscription; the old secrets keep being
// accepted until a delivery signed with the new one arrives, or 48 hours (PagerDuty's retry
// window) have passed (ConnectorConfig::webhook_secret_retire_at).
#pragma once

#include <string>
#include <vector>

#include "connectors/manager.h"

namespace im::connectors {

struct WebhookSetup {
  std::string url;           // where the provider delivers: <base>/connectors/<name>/webhook
  std::string subscription;  // the subscription in use
  // "created", "kept", "enabled again" (it had been switched off), "replaced" (rotation)
  std::string action;
  std::vector<std::string> removed;  // subscriptions deleted: replaced ones and duplicates
};

// How long the secrets a rotation replaces are still accepted at most.
inline constexpr auto kSecretRetireAfter = std::chrono::hours(48);

Result<WebhookSetup> SetUpWebhook(Manager& manager, const std::string& name,
                                  const std::string& base_url, bool rotate_secret, Time now);

}  // namespace im::connectors

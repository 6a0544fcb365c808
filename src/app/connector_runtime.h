// The connector machinery of one process, wired from the Runtime: the sealed-secret key, the
// libcurl client, the shared rate budgets, the registry with every built-in connector type,
// and the manager that opens connectors by name.
#pragma once

#include <memory>
#include <optional>

#include "app/runtime.h"
#include "connectors/connector.h"
#include "connectors/manager.h"
#include "connectors/registry.h"
#include "connectors/secret_box.h"
#include "net/curl_http_client.h"
#include "store/connector_store.h"

namespace im::app {

struct ConnectorRuntime {
  store::ConnectorStore* store = nullptr;  // the Runtime's
  std::optional<connectors::SecretBox> box;
  std::unique_ptr<net::HttpClient> http;
  // Cancelled when the server stops, so no retry backoff or rate-limit wait holds it up.
  std::unique_ptr<connectors::SleepingWaiter> waiter;
  std::unique_ptr<connectors::RateBudgets> budgets;
  const connectors::Registry* registry = &connectors::BuiltinConnectorTypes();
  std::unique_ptr<connectors::ConnectorContext> ctx;
  std::unique_ptr<connectors::Manager> manager;
};

Result<std::unique_ptr<ConnectorRuntime>> OpenConnectors(Runtime& rt);

}  // namespace im::app

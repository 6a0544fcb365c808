#include "app/connector_runtime.h"

#include <cstdlib>

#include "app/secrets.h"
#include "connectors/registry.h"

namespace im::app {

Result<std::unique_ptr<ConnectorRuntime>> OpenConnectors(Runtime& rt) {
  auto cr = std::make_unique<ConnectorRuntime>();
  cr->store = rt.connector_store;
  auto box = OpenSecretBox(rt.config);
  if (!box) return std::unexpected(box.error());
  if (auto ok = CheckSecretKey(*box, *rt.stores.jobs); !ok) return std::unexpected(ok.error());
  cr->box.emplace(std::move(*box));
  cr->http = std::make_unique<net::CurlHttpClient>();
  cr->waiter = std::make_unique<connectors::SleepingWaiter>(rt.clock);
  cr->budgets = std::make_unique<connectors::RateBudgets>(rt.clock, *cr->waiter);
  cr->ctx = std::make_unique<connectors::ConnectorContext>(connectors::ConnectorContext{
      .store = *rt.store,
      .connectors = *cr->store,
      .http = *cr->http,
      .budgets = *cr->budgets,
      .waiter = *cr->waiter,
      .clock = rt.clock,
      .log = rt.logs->For("connector"),
      .debug =
          std::string_view(std::getenv("IM_CONNECTOR_DEBUG") ? std::getenv("IM_CONNECTOR_DEBUG")
                                                             : "") == "true",
      // Providers' schedules, policies and people, and their change events as deployments.
      .schedules = rt.schedules,
      .deployments = rt.deployment_store,
  });
  cr->manager = std::make_unique<connectors::Manager>(*cr->registry, *cr->ctx, *cr->box);
  return cr;
}

}  // namespace im::app

// The connector machinery of a benchmark process, wired the way app::OpenConnectors wires it
// for `im serve` but on a SQLite store in a temporary directory: real clock, real waits, a
// fixed secret key, PagerDuty registered, errors-only logging.
#pragma once

#include <memory>
#include <string>

#include "connectors/manager.h"
#include "connectors/pagerduty/pagerduty_connector.h"
#include "fakes/temp_dir.h"
#include "store/sqlite/connector_store.h"
#include "store/sqlite/sqlite_store.h"

namespace im::bench {

struct LocalConnectors {
  LocalConnectors(const Clock& clock, net::HttpClient& http)
      : db(store::sqlite::SqliteStore::Open(dir.File("im.db")).value()),
        links(*db),
        waiter(clock),
        budgets(clock, waiter),
        ctx{.store = *db,
            .connectors = links,
            .http = http,
            .budgets = budgets,
            .waiter = waiter,
            .clock = clock,
            .log = spdlog::default_logger()},
        manager(registry, ctx, box) {
    (void)registry.Register(connectors::pagerduty::Type());
    ctx.log->set_level(spdlog::level::err);
  }

  im::testing::TempDir dir;
  std::unique_ptr<store::sqlite::SqliteStore> db;
  store::sqlite::SqliteConnectorStore links;
  connectors::SleepingWaiter waiter;
  connectors::RateBudgets budgets;
  connectors::Registry registry;
  connectors::ConnectorContext ctx;
  connectors::SecretBox box = connectors::SecretBox::FromKey(std::string(32, 'b'));
  connectors::Manager manager;
};

}  // namespace im::bench

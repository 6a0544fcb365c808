// Opening every store of one database from its address, so that nothing outside src/store
// names a backend: SQLite ("sqlite:PATH", or a bare PATH) or PostgreSQL
// ("postgres://USER:PASSWORD@HOST:PORT/DATABASE?OPTIONS", or postgresql://; libpq's syntax).
#pragma once

#include <memory>
#include <string_view>

#include "common/clock.h"
#include "common/error.h"
#include "store/connector_store.h"
#include "store/deployment_store.h"
#include "store/job_store.h"
#include "store/monitor_store.h"
#include "store/notify_store.h"
#include "store/schedule_store.h"
#include "store/schema_options.h"
#include "store/store.h"

namespace im::store {

// The stores of one database. They share its connections and its writer, so a change in one
// and the outbox rows another queues can commit together; `main` must outlive the others.
struct Stores {
  std::unique_ptr<Store> main;  // incidents, timeline, services, tokens
  std::unique_ptr<ScheduleStore> schedules;
  std::unique_ptr<ConnectorStore> connectors;  // connectors' state and every outbox
  std::unique_ptr<DeploymentStore> deployments;
  std::unique_ptr<MonitorStore> monitors;
  std::unique_ptr<NotifyStore> notify;  // notification rules, contacts, escalations
  std::unique_ptr<JobStore> jobs;       // instances, job claims, module versions

  Stores() = default;
  Stores(Stores&&) = default;
  Stores& operator=(Stores&&) = default;
  ~Stores();  // the others before `main`
};

struct OpenOptions {
  AttributionSettings attribution;  // how deployments are attributed to incidents (DORA)
  SchemaOptions schema;             // migrate (the default) or refuse an older schema
};

// Opens (creating and migrating) the database at `address`. An address naming a backend this
// build does not have is refused with a message that says which ones it has.
Result<Stores> Open(std::string_view address, const OpenOptions& options, const Clock& clock);

}  // namespace im::store

#include "store/open.h"

#include <string>

#include "store/pg/connector_store.h"
#include "store/pg/deployment_store.h"
#include "store/pg/job_store.h"
#include "store/pg/monitor_store.h"
#include "store/pg/notify_store.h"
#include "store/pg/pg_store.h"
#include "store/pg/schedule_store.h"
#include "store/sqlite/connector_store.h"
#include "store/sqlite/deployment_store.h"
#include "store/sqlite/job_store.h"
#include "store/sqlite/monitor_store.h"
#include "store/sqlite/notify_store.h"
#include "store/sqlite/schedule_store.h"
#include "store/sqlite/sqlite_store.h"

namespace im::store {

Stores::~Stores() {
  jobs.reset();
  notify.reset();
  monitors.reset();
  deployments.reset();
  connectors.reset();
  schedules.reset();
  main.reset();
}

namespace {

Result<Stores> OpenPostgres(std::string_view address, const OpenOptions& options,
                            const Clock& clock) {
  std::string url(address);
  auto db = pg::PgStore::Open(url, options.schema);
  if (!db) return std::unexpected(db.error().Wrap("opening the PostgreSQL database"));
  pg::PgStore& s = **db;
  Stores out;
  out.schedules = std::make_unique<pg::PgScheduleStore>(s);
  out.connectors = std::make_unique<pg::PgConnectorStore>(s);
  out.deployments = std::make_unique<pg::PgDeploymentStore>(s, options.attribution, clock);
  out.monitors = std::make_unique<pg::PgMonitorStore>(s);
  out.notify = std::make_unique<pg::PgNotifyStore>(s);
  out.jobs = std::make_unique<pg::PgJobStore>(s);
  out.main = std::move(*db);
  return out;
}

}  // namespace

Result<Stores> Open(std::string_view address, const OpenOptions& options, const Clock& clock) {
  std::string path(address);
  if (address.starts_with("sqlite:")) {
    path = std::string(address.substr(7));
  } else if (address.starts_with("postgres://") || address.starts_with("postgresql://")) {
    return OpenPostgres(address, options, clock);
  } else if (auto scheme = address.find("://"); scheme != std::string_view::npos) {
    return Fail(ErrorCode::kInvalidArgument,
                "database address '" + std::string(address.substr(0, scheme + 3)) +
                    "…' names a backend this build does not have; use sqlite:PATH (or a path) or "
                    "postgres://USER:PASSWORD@HOST:PORT/DATABASE");
  }
  if (path.empty()) return Fail(ErrorCode::kInvalidArgument, "database address has no path");
  auto db = sqlite::SqliteStore::Open(path, options.schema);
  if (!db) return std::unexpected(db.error().Wrap("opening " + path));
  sqlite::SqliteStore& s = **db;
  Stores out;
  out.schedules = std::make_unique<sqlite::SqliteScheduleStore>(s);
  out.connectors = std::make_unique<sqlite::SqliteConnectorStore>(s);
  out.deployments = std::make_unique<sqlite::SqliteDeploymentStore>(s, options.attribution, clock);
  out.monitors = std::make_unique<sqlite::SqliteMonitorStore>(s);
  out.notify = std::make_unique<sqlite::SqliteNotifyStore>(s);
  out.jobs = std::make_unique<sqlite::SqliteJobStore>(s);
  out.main = std::move(*db);
  return out;
}

}  // namespace im::store

// The real implementations of everything, chosen in one place from a Config: the SQLite store
// in the data directory, the system clock, the engine's use cases and the logs.
#pragma once

#include <memory>

#include "app/config.h"
#include "app/logging.h"
#include "common/clock.h"
#include "engine/deployments.h"
#include "engine/incidents.h"
#include "engine/oncall.h"
#include "engine/tokens.h"
#include "monitor/monitors.h"
#include "notify/notifier.h"
#include "store/connector_store.h"
#include "store/deployment_store.h"
#include "store/monitor_store.h"
#include "store/notify_store.h"
#include "store/open.h"
#include "store/schedule_store.h"
#include "store/store.h"

namespace im::app {

struct Runtime {
  Config config;
  SystemClock clock;
  std::unique_ptr<Logs> logs;
  store::Stores stores;  // every store of the one database (store/open.h); the rest use them
  store::Store* store = nullptr;
  std::unique_ptr<engine::Incidents> incidents;
  std::unique_ptr<engine::Tokens> tokens;
  store::ScheduleStore* schedules = nullptr;
  std::unique_ptr<engine::OnCall> oncall;
  store::DeploymentStore* deployment_store = nullptr;
  std::unique_ptr<engine::Deployments> deployments;  // DORA (docs/dora.md)
  store::MonitorStore* monitor_store = nullptr;
  store::ConnectorStore* connector_store = nullptr;  // connectors' and channels' outboxes
  std::unique_ptr<monitor::Monitors> monitors;       // uptime monitors (docs/monitors.md)
  store::NotifyStore* notify_store = nullptr;        // rules, contacts, escalations
  // Watches every incident write (docs/notifications.md); the store holds a pointer to it.
  std::unique_ptr<notify::Notifier> notifier;

  Runtime() = default;
  Runtime(const Runtime&) = delete;
  ~Runtime() {
    if (store) store->SetIncidentObserver(nullptr);
  }

  std::string DatabasePath() const { return config.data_dir + "/im.db"; }
  // config.database_url, else the SQLite file in the data directory.
  std::string DatabaseAddress() const {
    return config.database_url.empty() ? "sqlite:" + DatabasePath() : config.database_url;
  }
  std::string LogPath() const { return config.data_dir + "/logs/im.log"; }
};

// Creates the data directory if needed and opens the store. `log_to_file` appends logs to
// <data_dir>/logs/im.log (the server does; one-shot CLI commands do not).
Result<std::unique_ptr<Runtime>> OpenRuntime(const Config& config, bool log_to_file);

// Adds a few incidents in various states when the store has none, so a first look at
// `im serve` shows something. Returns how many were added.
Result<int> SeedDemoData(Runtime& rt);

}  // namespace im::app

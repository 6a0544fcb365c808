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
#include "store/schedule_store.h"
#include "store/store.h"

namespace im::app {

struct Runtime {
  Config config;
  SystemClock clock;
  std::unique_ptr<Logs> logs;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<engine::Incidents> incidents;
  std::unique_ptr<engine::Tokens> tokens;
  std::unique_ptr<store::ScheduleStore> schedules;  // on the same SQLite file as `store`
  std::unique_ptr<engine::OnCall> oncall;
  std::unique_ptr<store::DeploymentStore> deployment_store;  // on the same SQLite file
  std::unique_ptr<engine::Deployments> deployments;          // DORA (docs/dora.md)
  std::unique_ptr<store::MonitorStore> monitor_store;        // on the same SQLite file
  std::unique_ptr<store::ConnectorStore> channel_outbox;     // channels' outboxes (same file)
  std::unique_ptr<monitor::Monitors> monitors;               // uptime monitors (docs/monitors.md)
  std::unique_ptr<store::NotifyStore> notify_store;          // rules, contacts, escalations
  // Watches every incident write (docs/notifications.md); the store holds a pointer to it.
  std::unique_ptr<notify::Notifier> notifier;

  Runtime() = default;
  Runtime(const Runtime&) = delete;
  ~Runtime() {
    if (store) store->SetIncidentObserver(nullptr);
  }

  std::string DatabasePath() const { return config.data_dir + "/im.db"; }
  std::string LogPath() const { return config.data_dir + "/logs/im.log"; }
};

// Creates the data directory if needed and opens the store. `log_to_file` appends logs to
// <data_dir>/logs/im.log (the server does; one-shot CLI commands do not).
Result<std::unique_ptr<Runtime>> OpenRuntime(const Config& config, bool log_to_file);

// Adds a few incidents in various states when the store has none, so a first look at
// `im serve` shows something. Returns how many were added.
Result<int> SeedDemoData(Runtime& rt);

}  // namespace im::app

// The monitor use cases shared by the CLI, the HTTP API and the scheduler: add, edit, pause,
// remove, list and show monitors, record a check (opening or resolving the outage's incident
// and queueing its notifications in the same transaction), and heartbeats.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/json.h"
#include "monitor/monitor.h"
#include "monitor/notification.h"
#include "monitor/stats.h"
#include "store/monitor_store.h"
#include "store/store.h"

namespace im::monitor {

struct MonitorView {
  Monitor monitor;
  MonitorState state;
  std::optional<Time> last_check_at;
  std::optional<Time> last_heartbeat_at;
  Time created_at{};
  std::string heartbeat_path;  // "/api/v1/monitors/heartbeat/<token>" for heartbeat monitors
};

struct MonitorDetail {
  MonitorView view;
  std::vector<WindowStats> stats;
  std::vector<store::CheckRecord> recent;  // newest last, at most 10
};

// One page of the monitors that match a filter (MonitorsPage), problems first.
struct MonitorPage {
  std::vector<MonitorView> monitors;
  std::map<std::string, int64_t> counts;  // by status ("up", "down", "paused", "pending"), over all
  int64_t total = 0;                      // how many match
};

struct CheckReport {
  CheckOutcome outcome;
  Transition transition = Transition::kNone;
  int64_t incident = 0;  // opened or resolved by this check
  int queued = 0;        // notifications queued
  bool in_maintenance = false;
};

struct MonitorsOptions {
  std::string install_id;  // Store::InstallId: part of every dedup key
  std::string public_url;  // links back to im in pages ("" → none)
  Duration retention = std::chrono::days(30);
};

// The JSON of a view, as the API and `--json` print it.
json::object MonitorViewJson(const MonitorView& v);
json::object MonitorDetailJson(const MonitorDetail& d);
MonitorState StateFromJson(std::string_view text);
std::string StateToJson(const MonitorState& s);

class Monitors {
 public:
  Monitors(store::MonitorStore& monitors, store::Store& store, const Clock& clock,
           MonitorsOptions options);

  // `definition` is the JSON form (monitor_json.h). Refusals name the field; nothing is stored.
  Result<MonitorView> Add(const json::object& definition);
  Result<MonitorView> Edit(const std::string& name_or_id, const json::object& changes);
  // A monitor declared in the config: added, or its definition replaced (state, id and checks
  // kept) when one of that name exists.
  Result<MonitorView> Declare(const json::object& definition);
  Result<MonitorView> SetPaused(const std::string& name_or_id, bool paused);
  Result<void> Remove(const std::string& name_or_id);
  Result<std::vector<MonitorView>> List();
  // The monitors with `status` (any when empty) whose name contains `needle` (lower case; any
  // when empty), ordered down, pending, paused, up and then by name; from `offset`, at most
  // `limit` (all when 0). Only the page's definitions are parsed: the statuses come from the
  // stored state, so a page of 10,000 monitors costs little more than a page of 300.
  Result<MonitorPage> Page(std::string_view status, std::string_view needle, size_t offset,
                           size_t limit);
  Result<MonitorDetail> Show(const std::string& name_or_id);
  Result<store::StoredMonitor> Find(const std::string& name_or_id);

  // Runs a check now (blocking) and records it.
  Result<CheckReport> CheckNow(const std::string& name_or_id);
  // Records the outcome of a check that ran: the result row, the new state, and (when a
  // threshold is crossed) the incident and the notifications, in one transaction.
  Result<CheckReport> Record(int64_t monitor_id, const CheckOutcome& outcome);
  // Runs the check of a stored monitor (the scheduler's path).
  Result<CheckReport> RunAndRecord(const store::StoredMonitor& stored);

  Result<int64_t> Heartbeat(const std::string& token);
  Result<int64_t> Prune();

  // Called after a check queued notifications (the server wakes its channel sender).
  void SetOnQueued(std::function<void()> fn) { on_queued_ = std::move(fn); }

  store::MonitorStore& store() { return monitors_; }

 private:
  Result<MonitorView> View(const store::StoredMonitor& s);
  Result<void> CheckChannels(const Monitor& m);

  store::MonitorStore& monitors_;
  store::Store& store_;
  const Clock& clock_;
  MonitorsOptions options_;
  std::function<void()> on_queued_;
};

// Parses a stored definition (already validated when stored).
Result<Monitor> MonitorFromStored(const store::StoredMonitor& s);

}  // namespace im::monitor

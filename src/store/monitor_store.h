// Storage for uptime monitors (their definitions, state and check results), notification
// channels, and the Events API v2 integrations. Definitions, state and channel configs are JSON
// text the store keeps without reading: their shape belongs to src/monitor.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/error.h"
#include "store/store.h"

namespace im::store {

struct StoredMonitor {
  int64_t id = 0;  // assigned by the store, never reused
  std::string name;
  std::string definition;  // JSON
  bool paused = false;
  std::string state = "{}";     // JSON
  std::string heartbeat_token;  // "" unless a heartbeat monitor
  std::optional<Time> last_heartbeat_at;
  std::optional<Time> last_check_at;
  Time created_at{};
  Time updated_at{};
};

// What a status list needs of a monitor: no definition (MonitorStore::ListMonitorStatuses).
struct MonitorStatusRow {
  int64_t id = 0;
  std::string name;
  bool paused = false;
  std::string state = "{}";  // JSON
  std::optional<Time> last_check_at;
};

struct CheckRecord {
  Time at{};
  bool ok = false;
  Duration response_time{0};
  std::string error;
};

// A notification queued for a channel about an incident (sent by the channel's outbox, kept in
// connector_outbox as "channel:<name>", in order per incident).
struct ChannelMessage {
  std::string channel;
  int64_t incident = 0;
  std::string kind;     // "trigger", "resolve"
  std::string payload;  // JSON
};

struct StoredChannel {
  std::string name;
  std::string type;    // "pagerduty"
  std::string config;  // JSON
  Time created_at{};
};

struct EventIntegration {
  std::string routing_key;  // 32 characters
  std::string name;
  std::string service;
  std::string severity_map;  // JSON object: Events v2 severity → "SEV-n"
  Time created_at{};
};

// The outbox name of a channel.
inline std::string ChannelOutbox(const std::string& channel) { return "channel:" + channel; }

class MonitorStore {
 public:
  virtual ~MonitorStore() = default;

  // kAlreadyExists when the name (or heartbeat token) is taken.
  virtual Result<int64_t> AddMonitor(const StoredMonitor& m) = 0;
  // Replaces name, definition, paused, heartbeat_token and updated_at of monitor `m.id`.
  virtual Result<void> UpdateMonitor(const StoredMonitor& m) = 0;
  // Removes the monitor and its check results, and queues `messages` at `at` (the resolves of
  // an outage it leaves open), in one transaction; incidents it opened stay.
  virtual Result<void> RemoveMonitor(int64_t id, const std::vector<ChannelMessage>& messages = {},
                                     Time at = {}) = 0;
  virtual Result<StoredMonitor> GetMonitor(int64_t id) = 0;
  virtual Result<StoredMonitor> GetMonitorByName(const std::string& name) = 0;
  virtual Result<std::vector<StoredMonitor>> ListMonitors() = 0;
  // Every monitor's name, pause, state and last check, ordered by name: a status page of
  // 10,000 monitors reads these (on SQLite from one index) and loads only its own monitors
  // whole.
  virtual Result<std::vector<MonitorStatusRow>> ListMonitorStatuses() = 0;
  // The monitors with these ids that exist, in no particular order.
  virtual Result<std::vector<StoredMonitor>> GetMonitors(const std::vector<int64_t>& ids) = 0;
  // Records a heartbeat ping; kNotFound when no monitor has `token`. Returns the monitor id.
  virtual Result<int64_t> RecordHeartbeat(const std::string& token, Time at) = 0;

  struct CheckWrite {
    std::string state;  // the monitor's new state (JSON)
    std::vector<ChannelMessage> messages;
  };
  // In one transaction: reads the monitor, calls `apply` (which may open or resolve incidents
  // through `tx`), stores the check result, the state it returns and queues its messages.
  virtual Result<CheckWrite> RecordCheck(
      int64_t monitor, const CheckRecord& check,
      const std::function<Result<CheckWrite>(const StoredMonitor&, Tx&)>& apply) = 0;
  // Check results at or after `since`, oldest first.
  virtual Result<std::vector<CheckRecord>> Checks(int64_t monitor, Time since) = 0;
  // Deletes check results older than `before`; returns how many.
  virtual Result<int64_t> PruneChecks(Time before) = 0;

  virtual Result<void> AddChannel(const StoredChannel& c) = 0;  // kAlreadyExists
  virtual Result<void> RemoveChannel(const std::string& name) = 0;
  virtual Result<StoredChannel> GetChannel(const std::string& name) = 0;
  virtual Result<std::vector<StoredChannel>> ListChannels() = 0;

  virtual Result<void> AddIntegration(const EventIntegration& i) = 0;
  virtual Result<EventIntegration> GetIntegration(const std::string& routing_key) = 0;
  virtual Result<std::vector<EventIntegration>> ListIntegrations() = 0;
  // In one transaction: finds the unresolved incident an Events v2 sender opened with
  // (routing_key, dedup_key), calls `apply` with it (0: none), and links the incident `apply`
  // returns (when it opened one) to the pair.
  virtual Result<int64_t> ApplyEvent(
      const std::string& routing_key, const std::string& dedup_key,
      const std::function<Result<int64_t>(int64_t open_incident, Tx&)>& apply) = 0;
  // The same without waiting: `apply` and `done` may run on a thread of the store's, `done` once
  // the change is durable (or failed); `done` must only hand the result on.
  virtual void ApplyEventAsync(std::string routing_key, std::string dedup_key,
                               std::function<Result<int64_t>(int64_t open_incident, Tx&)> apply,
                               std::function<void(Result<int64_t>)> done) = 0;
};

}  // namespace im::store

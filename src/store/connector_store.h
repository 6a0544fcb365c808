// Storage for connectors: their (sealed) configuration and sync state, the links between a
// provider's incidents and ours, the webhook events already applied, the provider's directory
// (services, users, teams, escalation policies), and per-minute activity counters.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/error.h"
#include "core/incident.h"
#include "core/service.h"

namespace im::store {

struct StoredConnector {
  std::string name;
  std::string type;
  std::string config;  // JSON with secrets already sealed by the caller
  Time created_at;
  std::optional<Time> last_sync_at;
  std::string last_error;                 // "" when the last sync worked
  std::optional<Time> import_checkpoint;  // history imported up to here
  bool import_done = false;
  std::optional<Time> last_webhook_at;
};

// What an update from a provider does to the linked incident.
struct ProviderUpdate {
  bool skip = false;        // nothing to change (stale or identical)
  core::Incident incident;  // the new state (number ignored when creating)
  std::vector<core::TimelineEntry> entries;
  std::optional<Time> event_at;  // the provider time this state is as of
  std::vector<std::string> services_to_ensure;
};

struct LinkedIncident {
  std::optional<core::Incident> incident;  // none: not linked yet
  std::optional<Time> last_event_at;       // provider time of the state we hold
};

struct WebhookEventRecord {
  std::string event_id;
  std::string webhook_id;
  std::string event_type;
  Time occurred_at;
  std::string resource_id;
  Time received_at;  // when im took the delivery; counts in the connector's activity
};

struct DirectoryEntry {
  std::string kind;  // "service", "user", "team", "escalation_policy", "schedule"
  std::string external_id;
  std::string name;  // for users: email
  std::string data;  // the provider's JSON
};

struct ActivityCounters {
  int64_t api_calls = 0;
  int64_t api_errors = 0;
  int64_t rate_limited = 0;
  int64_t api_latency_us = 0;
  int64_t webhook_events = 0;
  int64_t incidents_synced = 0;
  int64_t syncs = 0;
  int64_t sync_failures = 0;
  int64_t sync_time_us = 0;
};

class ConnectorStore {
 public:
  virtual ~ConnectorStore() = default;

  virtual Result<void> Add(const StoredConnector& c) = 0;  // kAlreadyExists if the name is taken
  virtual Result<void> UpdateConfig(const std::string& name, const std::string& config) = 0;
  // Removes the connector, its links, events and directory; incidents stay.
  virtual Result<void> Remove(const std::string& name) = 0;
  virtual Result<StoredConnector> Get(const std::string& name) = 0;
  virtual Result<std::vector<StoredConnector>> List() = 0;

  virtual Result<void> RecordSync(const std::string& name, Time at, const std::string& error) = 0;
  virtual Result<void> SetCheckpoint(const std::string& name, Time checkpoint, bool done) = 0;

  // In one transaction: records `event` (if given; a duplicate event id returns
  // kAlreadyExists and changes nothing), reads the incident linked to `external_id`, calls
  // `decide`, and stores what it returns (creating and linking the incident if new).
  // Returns the incident number (0 when skipped and not linked).
  virtual Result<int64_t> ApplyProviderIncident(
      const std::string& connector, const std::string& external_id,
      const std::optional<WebhookEventRecord>& event,
      const std::function<Result<ProviderUpdate>(const LinkedIncident&)>& decide) = 0;

  // Many provider updates (one page of an import) in one transaction: one sync to disk for
  // all of them. Each item works as in ApplyProviderIncident without an event.
  struct Item {
    std::string external_id;
    std::function<Result<ProviderUpdate>(const LinkedIncident&)> decide;
  };
  virtual Result<void> ApplyProviderIncidents(const std::string& connector,
                                              const std::vector<Item>& items) = 0;

  virtual Result<std::optional<int64_t>> FindLinkedIncident(const std::string& connector,
                                                            const std::string& external_id) = 0;
  virtual Result<int64_t> CountLinks(const std::string& connector) = 0;

  virtual Result<void> SaveDirectory(const std::string& connector,
                                     const std::vector<DirectoryEntry>& entries) = 0;
  virtual Result<std::vector<DirectoryEntry>> Directory(const std::string& connector,
                                                        const std::string& kind) = 0;

  virtual Result<void> AddActivity(const std::string& connector, Time minute,
                                   const ActivityCounters& counters) = 0;
  // Sums of the counters with minute >= since.
  virtual Result<ActivityCounters> Activity(const std::string& connector, Time since) = 0;
};

}  // namespace im::store

// Storage for connectors: their (sealed) configuration and sync state, the links between a
// provider's incidents and ours, the webhook events received (and the incidents they asked to
// fetch again), the provider's directory (services, users, teams, escalation policies), and
// per-minute activity counters. Backends pass tests/store/connector_store_contract.h.
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
  // Facts the connector layer derives from the config when it stores it, so the store never
  // reads the config's JSON: whether changes made in im are queued for this connector (its
  // sync direction sends them), and its custom.sla_mapping as JSON text ("" when none).
  bool sends_changes = false;
  std::string sla_mapping;
};

// What an update from a provider does to the linked incident.
struct ProviderUpdate {
  bool skip = false;  // nothing to change (stale or identical)
  // Fetch the provider's full state of this incident later (a webhook event about an incident
  // im did not know); only with a webhook event, which names the reason. Kept even when `skip`.
  bool refetch = false;
  core::Incident incident;  // the new state (number ignored when creating)
  std::vector<core::TimelineEntry> entries;
  std::optional<Time> event_at;  // the provider time this state is as of
  std::vector<std::string> services_to_ensure;
};

// A change im sent, or is sending, to a provider for one incident (an outbox message that was
// delivered or still waits).
struct SentChange {
  std::string kind;  // acknowledge, resolve, reopen, note, assign
  Time queued_at;    // when the change was made in im
  Time sent_at;      // when the provider accepted it; Time::max() while it still waits
  std::string text;  // the note: a note's text, or the --note of an acknowledge or resolve
};

// What im has queued for a connector about one incident. `created_here`: im's own create was
// queued (sent, waiting or parked), so the provider object is im's own, to be linked by the
// outbox, not imported. `pending`: messages not sent yet.
struct OutboundOf {
  bool created_here = false;
  int64_t pending = 0;
};

struct LinkedIncident {
  std::optional<core::Incident> incident;  // none: not linked yet
  std::optional<Time> last_event_at;       // provider time of the state we hold
  // The outbox's state for an incident of ours (the linked one, or one the provider object
  // names), read in the same transaction, so it cannot change before the update is written.
  std::function<Result<OutboundOf>(int64_t incident)> outbound;
  // The changes im sent this connector for the incident, read on demand: the provider's log
  // records them too, and read back they are our own writes, not news (echo suppression).
  std::function<Result<std::vector<SentChange>>()> sent_changes;
};

struct WebhookEventRecord {
  std::string event_id;
  std::string webhook_id;
  std::string event_type;
  Time occurred_at;
  std::string resource_id;
  Time received_at;         // when im took the delivery; counts in the connector's activity
  std::string body;         // the delivery as received, kept when im did not apply the event
  bool unreadable = false;  // not an event at all (not JSON): counted as webhook_unreadable
  // A provider incident to fetch again from the API, in the same transaction (an event im
  // could not apply: incomplete, of a type it does not apply, about an incident it lacks).
  std::string refetch;
};

// A provider incident a webhook event asked to fetch again (ConnectorStore::DueRefetches).
struct Refetch {
  std::string external_id;
  std::string reason;  // the event type that asked
  Time queued_at;      // the latest request; a newer one keeps it queued (FinishRefetch)
  int attempts = 0;
  std::string last_error;
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
  int64_t webhook_unreadable = 0;  // signed deliveries that were not an event (kept raw)
  int64_t incidents_synced = 0;
  int64_t syncs = 0;
  int64_t sync_failures = 0;
  int64_t sync_time_us = 0;
};

// A change made in im, queued for one connector (Tx::EnqueueOutbound).
struct OutboxMessage {
  int64_t seq = 0;  // queue order
  std::string connector;
  int64_t incident = 0;
  std::string kind;     // create, acknowledge, resolve, reopen, note, assign
  std::string payload;  // JSON
  Time created_at{};
  std::string state;  // pending, sent, parked (kept failing: shown, not retried), skipped
  int attempts = 0;
  Time next_attempt_at{};
  std::string last_error;
};

struct OutboxCounts {
  int64_t pending = 0;
  int64_t parked = 0;
  int64_t sent_since = 0;
  std::optional<Time> oldest_pending;  // when the oldest message still waiting was queued
};

class ConnectorStore {
 public:
  virtual ~ConnectorStore() = default;

  virtual Result<void> Add(const StoredConnector& c) = 0;  // kAlreadyExists if the name is taken
  // Replaces the config and the facts derived from it (name, config, sends_changes,
  // sla_mapping of `c`).
  virtual Result<void> UpdateConfig(const StoredConnector& c) = 0;
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
  // The same without waiting (webhooks): `done` gets the result once it is durable. `decide`
  // and `done` may run on a thread of the store's, so `done` must only hand the result on, and
  // neither may wait for the store.
  virtual void ApplyProviderIncidentAsync(
      std::string connector, std::string external_id, std::optional<WebhookEventRecord> event,
      std::function<Result<ProviderUpdate>(const LinkedIncident&)> decide,
      std::function<void(Result<int64_t>)> done) = 0;

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

  // Records a webhook event that updates no incident, as ApplyProviderIncidentAsync records
  // one (a duplicate id is kAlreadyExists; counted; its refetch queued), and saves `entries` to
  // the directory, in one transaction, without waiting: `done` may run on a thread of the store's.
  virtual void RecordEventAsync(std::string connector, WebhookEventRecord event,
                                std::vector<DirectoryEntry> entries,
                                std::function<void(Result<void>)> done) = 0;
  // Incidents to fetch again whose time has come at `now`, longest waiting first.
  virtual Result<std::vector<Refetch>> DueRefetches(const std::string& connector, Time now,
                                                    int64_t limit) = 0;
  // Fetched (or gone at the provider): removed, in one transaction, except those an event asked
  // for again after they were read.
  virtual Result<void> FinishRefetches(const std::string& connector,
                                       const std::vector<Refetch>& done) = 0;
  // Failed: tried again at `next`.
  virtual Result<void> RetryRefetch(const std::string& connector, const std::string& external_id,
                                    int attempts, Time next, const std::string& error) = 0;
  virtual Result<int64_t> CountRefetches(const std::string& connector) = 0;

  virtual Result<void> SaveDirectory(const std::string& connector,
                                     const std::vector<DirectoryEntry>& entries) = 0;
  virtual Result<std::vector<DirectoryEntry>> Directory(const std::string& connector,
                                                        const std::string& kind) = 0;

  virtual Result<void> AddActivity(const std::string& connector, Time minute,
                                   const ActivityCounters& counters) = 0;
  // Sums of the counters with minute >= since.
  virtual Result<ActivityCounters> Activity(const std::string& connector, Time since) = 0;

  // The outbox. Messages in `state`, oldest first.
  virtual Result<std::vector<OutboxMessage>> ListOutbound(const std::string& connector,
                                                          std::string_view state,
                                                          int64_t limit) = 0;
  // Records the outcome of a delivery attempt (state pending = try again at next_attempt_at).
  virtual Result<void> FinishOutbound(int64_t seq, std::string_view state, int attempts,
                                      Time next_attempt_at, const std::string& error, Time at) = 0;
  // Takes or renews the right to send `connector`'s outbox until `until`: true when `owner`
  // holds it (it was free, expired at `now`, already `owner`'s, or held by `replacing`, a
  // holder known to be dead), false when another holds it.
  virtual Result<bool> LeaseOutbox(const std::string& connector, const std::string& owner, Time now,
                                   Time until, const std::string& replacing = "") = 0;
  // Who holds the lease ("" when nobody does or it has expired at `now`).
  virtual Result<std::string> OutboxLeaseHolder(const std::string& connector, Time now) = 0;
  virtual Result<void> ReleaseOutbox(const std::string& connector, const std::string& owner) = 0;
  // Puts parked messages back in the queue; returns how many.
  virtual Result<int64_t> RetryParked(const std::string& connector, Time now) = 0;
  // Counts, with messages sent at or after `since`.
  virtual Result<OutboxCounts> Outbox(const std::string& connector, Time since) = 0;
  // The provider objects linked to our incident.
  virtual Result<std::vector<std::string>> LinksOf(const std::string& connector,
                                                   int64_t incident) = 0;
  // Links our incident to a provider object and appends `entries`, in one transaction; a link
  // that exists already is left alone and nothing is appended.
  virtual Result<void> LinkIncident(const std::string& connector, const std::string& external_id,
                                    int64_t incident,
                                    const std::vector<core::TimelineEntry>& entries) = 0;
  // What the outbox holds for our incident on this connector (see OutboundOf).
  using OutboundOf = store::OutboundOf;
  virtual Result<OutboundOf> OutboundFor(const std::string& connector, int64_t incident) = 0;
  // Provider objects linked to our incidents that are open or mitigated, as (external id,
  // incident number), for the reconcile job.
  virtual Result<std::vector<std::pair<std::string, int64_t>>> LinkedUnresolved(
      const std::string& connector) = 0;
};

}  // namespace im::store

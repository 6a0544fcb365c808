// The storage interface. Callers see only this; backends (sqlite/, later postgres/) implement it
// and all pass the same contract tests (tests/store/store_contract.h).
//
// Writes go through Transact: the function runs inside one transaction and, when Transact
// returns ok, the change is durable (committed and synced). Reads see committed data.
//
// The concurrency contract, on every backend and across processes sharing one database
// (tests/store/store_contract.cc, StoreConcurrencyTest):
//   - An incident update is a read-modify-write that cannot lose a concurrent update: from
//     Tx::GetIncident, Tx::UnresolvedIncidents or Tx::UpdateIncident to the end of the
//     transaction, no other transaction changes those incidents; a concurrent one waits and
//     then reads the result.
//     (SQLite: one writer at a time. PostgreSQL: the row is locked, SELECT … FOR UPDATE.)
//   - Everything a transaction writes commits together or not at all: a change, its timeline
//     entries, and the outbox rows it queues (EnqueueOutbound, Notify(), the observer's).
//   - Timeline entry ids grow in commit order, so IncidentChangesAfter never skips an entry
//     that commits later with a smaller id.
//   - A backend may run a transaction's function again after a deadlock or serialization
//     failure, before anything of it was committed: the function must write only through the
//     Tx and keep no effects outside it (set captured values, send nothing) until Transact
//     returns. Incident numbers are increasing but may skip a number a failed transaction took
//     (PostgreSQL's sequences); SQLite reuses it.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/error.h"
#include "core/incident.h"
#include "core/service.h"

namespace im::store {

class NotifyTx;  // store/notify_store.h

struct IncidentFilter {
  std::vector<core::Status> statuses;      // any of; empty = all
  std::vector<std::string> services;       // any of
  std::vector<core::Severity> severities;  // any of
  std::vector<std::string> sources;        // any of: "im", "pagerduty", "monitor", ...
  std::optional<Time> since;               // created at or after
  std::optional<Time> until;               // created before
  int64_t limit = 0;                       // 0 = no limit
  int64_t before_number = 0;               // page: only incidents numbered below this (0 = none)
};

struct IncidentWithTimeline {
  core::Incident incident;
  std::vector<core::TimelineEntry> timeline;  // in time order
};

// One change to an incident: the timeline entry that recorded it. Entry ids only grow, in commit
// order, so "the changes after entry N" is a cursor a reader can resume from (the dashboard's
// event stream, /api/v1/events).
struct IncidentChange {
  int64_t entry_id = 0;
  int64_t incident = 0;
};

struct IncidentCounts {
  // status name → severity name → count
  std::map<std::string, std::map<std::string, int64_t>> by_status_severity;
  int64_t sla_breaches = 0;  // timeline entries of kind sla_breach
};

// One open write transaction. Only valid inside the Transact callback that received it.
class Tx {
 public:
  virtual ~Tx() = default;
  virtual Result<core::Incident> GetIncident(int64_t number) = 0;
  // Assigns and returns the new incident's number.
  virtual Result<int64_t> InsertIncident(const core::Incident& incident) = 0;
  // Replaces the stored incident with the same number.
  virtual Result<void> UpdateIncident(const core::Incident& incident) = 0;
  virtual Result<void> AppendTimeline(int64_t number,
                                      const std::vector<core::TimelineEntry>& entries) = 0;
  // Creates the service with just a name if it does not exist; true when it was created.
  virtual Result<bool> EnsureService(const std::string& name, Time now) = 0;
  virtual Result<void> UpsertService(const core::Service& service) = 0;
  virtual Result<int64_t> InsertToken(const core::ApiToken& token) = 0;
  virtual Result<void> RevokeToken(int64_t id, Time at) = 0;
  // Open incidents whose SLA flags are not both set, for the breach sweep. Like GetIncident,
  // no other transaction changes them until this one ends.
  virtual Result<std::vector<core::Incident>> UnresolvedIncidents() = 0;
  // Queues a change made in im for every connector that sends changes out (sync direction
  // outbound or bidirectional), in this transaction, so the change and its delivery stand or
  // fall together (docs/pagerduty.md, "Sending changes to PagerDuty"). `kind` is "create" (a
  // declare), "acknowledge", "resolve", "reopen", "note" or "assign"; anything but "create"
  // is queued only for connectors that hold the incident (linked, or a create queued).
  // `payload` is JSON. Returns how many messages were queued.
  virtual Result<int> EnqueueOutbound(int64_t incident, std::string_view kind,
                                      const std::string& payload, Time at) = 0;
  // Notification state in this transaction (channel messages, escalations).
  virtual NotifyTx& Notify() = 0;
};

// An incident written in a transaction, with what it was before (nullopt: inserted).
struct IncidentWrite {
  struct Before {
    core::Status status = core::Status::kOpen;
    bool ack_sla_breached = false;
    bool resolve_sla_breached = false;
  };
  std::optional<Before> before;
  core::Incident after;
};

// Sees every incident a transaction inserts or updates, whoever writes it (a declare, a
// monitor, a provider sync), before the transaction commits, and may write more in it: what it
// queues stands or falls with the change. An error fails the transaction.
class IncidentObserver {
 public:
  virtual ~IncidentObserver() = default;
  virtual Result<void> OnIncidentWrites(Tx& tx, const std::vector<IncidentWrite>& writes) = 0;
  // After a transaction in which OnIncidentWrites was called has committed (what it queued is
  // now visible to other connections): the time to wake a sender. Must only signal.
  virtual void OnCommitted() {}
};

class Store {
 public:
  virtual ~Store() = default;

  virtual Result<void> Transact(const std::function<Result<void>(Tx&)>& fn) = 0;

  virtual Result<core::Incident> GetIncident(int64_t number) = 0;
  // Newest first.
  virtual Result<std::vector<core::Incident>> ListIncidents(const IncidentFilter& filter) = 0;
  // The same incidents, handed to `visit` one at a time instead of held together (a list of
  // 100,000 stays small in memory). Stops at the first error `visit` returns and returns it.
  virtual Result<void> ForEachIncident(
      const IncidentFilter& filter,
      const std::function<Result<void>(const core::Incident&)>& visit) = 0;
  // In time order.
  virtual Result<std::vector<core::TimelineEntry>> GetTimeline(int64_t number) = 0;
  // The incident and its timeline as of one moment (no write lands between the two reads).
  virtual Result<IncidentWithTimeline> GetIncidentWithTimeline(int64_t number) = 0;
  virtual Result<std::vector<core::Service>> ListServices() = 0;
  virtual Result<core::Service> GetService(const std::string& name) = 0;
  virtual Result<std::vector<core::ApiToken>> ListTokens() = 0;
  virtual Result<std::optional<core::ApiToken>> FindTokenByHash(const std::string& hash) = 0;
  virtual Result<IncidentCounts> CountIncidents() = 0;
  // The id of the newest timeline entry (0 when there is none): where a new reader of
  // IncidentChangesAfter starts.
  virtual Result<int64_t> LatestTimelineEntry() = 0;
  // Up to `limit` changes recorded after entry `after`, oldest first.
  virtual Result<std::vector<IncidentChange>> IncidentChangesAfter(int64_t after,
                                                                   int64_t limit) = 0;
  // Each connector's `custom.sla_mapping` (JSON text), for connectors that have one.
  virtual Result<std::map<std::string, std::string>> ConnectorSlaMappings() = 0;
  virtual Result<int> SchemaVersion() = 0;
  // This installation's id: 8 hex digits made once, when the data directory was created (or
  // upgraded to a store that has one), the same for every process and after every restart.
  // It tells apart what two installations create in one provider account.
  virtual Result<std::string> InstallId() = 0;
  // Set once before writes start from several threads; nullptr to stop observing.
  virtual void SetIncidentObserver(IncidentObserver* observer) = 0;
};

}  // namespace im::store

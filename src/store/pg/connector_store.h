// ConnectorStore on the PostgreSQL database of a PgStore: the same rows and rules as
// store/sqlite's. Where SQLite's single writer serialised them, PostgreSQL locks: applying a
// provider incident (a webhook, an import page, a reconcile) and linking one holds a
// transaction advisory lock on (connector, provider id), so two instances never both create
// an incident for one provider object; a duplicate webhook event is refused by its key.
#pragma once

#include "store/connector_store.h"
#include "store/pg/pg_store.h"

namespace im::store::pg {

class PgConnectorStore final : public ConnectorStore {
 public:
  explicit PgConnectorStore(PgStore& db) : db_(db) {}

  Result<void> Add(const StoredConnector& c) override;
  Result<void> UpdateConfig(const StoredConnector& c) override;
  Result<void> Remove(const std::string& name) override;
  Result<StoredConnector> Get(const std::string& name) override;
  Result<std::vector<StoredConnector>> List() override;
  Result<void> RecordSync(const std::string& name, Time at, const std::string& error) override;
  Result<void> SetCheckpoint(const std::string& name, Time checkpoint, bool done) override;
  Result<int64_t> ApplyProviderIncident(
      const std::string& connector, const std::string& external_id,
      const std::optional<WebhookEventRecord>& event,
      const std::function<Result<ProviderUpdate>(const LinkedIncident&)>& decide) override;
  void ApplyProviderIncidentAsync(
      std::string connector, std::string external_id, std::optional<WebhookEventRecord> event,
      std::function<Result<ProviderUpdate>(const LinkedIncident&)> decide,
      std::function<void(Result<int64_t>)> done) override;
  Result<void> ApplyProviderIncidents(const std::string& connector,
                                      const std::vector<Item>& items) override;
  Result<std::optional<int64_t>> FindLinkedIncident(const std::string& connector,
                                                    const std::string& external_id) override;
  Result<int64_t> CountLinks(const std::string& connector) override;
  Result<void> SaveDirectory(const std::string& connector,
                             const std::vector<DirectoryEntry>& entries) override;
  void RecordEventAsync(std::string connector, WebhookEventRecord event,
                        std::vector<DirectoryEntry> entries,
                        std::function<void(Result<void>)> done) override;
  Result<std::vector<Refetch>> DueRefetches(const std::string& connector, Time now,
                                            int64_t limit) override;
  Result<void> FinishRefetches(const std::string& connector,
                               const std::vector<Refetch>& done) override;
  Result<void> RetryRefetch(const std::string& connector, const std::string& external_id,
                            int attempts, Time next, const std::string& error) override;
  Result<int64_t> CountRefetches(const std::string& connector) override;
  Result<std::vector<DirectoryEntry>> Directory(const std::string& connector,
                                                const std::string& kind) override;
  Result<void> AddActivity(const std::string& connector, Time minute,
                           const ActivityCounters& counters) override;
  Result<ActivityCounters> Activity(const std::string& connector, Time since) override;
  Result<std::vector<OutboxMessage>> ListOutbound(const std::string& connector,
                                                  std::string_view state, int64_t limit) override;
  Result<void> FinishOutbound(int64_t seq, std::string_view state, int attempts,
                              Time next_attempt_at, const std::string& error, Time at) override;
  Result<int64_t> RetryParked(const std::string& connector, Time now) override;
  Result<bool> LeaseOutbox(const std::string& connector, const std::string& owner, Time now,
                           Time until, const std::string& replacing = "") override;
  Result<std::string> OutboxLeaseHolder(const std::string& connector, Time now) override;
  Result<void> ReleaseOutbox(const std::string& connector, const std::string& owner) override;
  Result<OutboxCounts> Outbox(const std::string& connector, Time since) override;
  Result<std::vector<std::string>> LinksOf(const std::string& connector, int64_t incident) override;
  Result<void> LinkIncident(const std::string& connector, const std::string& external_id,
                            int64_t incident,
                            const std::vector<core::TimelineEntry>& entries) override;
  Result<OutboundOf> OutboundFor(const std::string& connector, int64_t incident) override;
  Result<std::vector<std::pair<std::string, int64_t>>> LinkedUnresolved(
      const std::string& connector) override;

 private:
  PgStore& db_;
};

}  // namespace im::store::pg

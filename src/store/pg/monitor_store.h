// MonitorStore on the PostgreSQL database of a PgStore: its own tables, and the incident tables
// through the same transaction when a check opens or resolves an outage. A check locks its
// monitor's row and an Events v2 event its (routing key, dedup key), so two instances never
// both act on one.
#pragma once

#include "store/monitor_store.h"
#include "store/pg/pg_store.h"

namespace im::store::pg {

class PgMonitorStore final : public MonitorStore {
 public:
  // `db` must outlive this. Thread-safe as PgStore is.
  explicit PgMonitorStore(PgStore& db) : db_(db) {}

  Result<int64_t> AddMonitor(const StoredMonitor& m) override;
  Result<void> UpdateMonitor(const StoredMonitor& m) override;
  Result<void> RemoveMonitor(int64_t id, const std::vector<ChannelMessage>& messages,
                             Time at) override;
  Result<StoredMonitor> GetMonitor(int64_t id) override;
  Result<StoredMonitor> GetMonitorByName(const std::string& name) override;
  Result<std::vector<StoredMonitor>> ListMonitors() override;
  Result<std::vector<MonitorStatusRow>> ListMonitorStatuses() override;
  Result<std::vector<StoredMonitor>> GetMonitors(const std::vector<int64_t>& ids) override;
  Result<int64_t> RecordHeartbeat(const std::string& token, Time at) override;
  Result<CheckWrite> RecordCheck(
      int64_t monitor, const CheckRecord& check,
      const std::function<Result<CheckWrite>(const StoredMonitor&, Tx&)>& apply) override;
  Result<std::vector<CheckRecord>> Checks(int64_t monitor, Time since) override;
  Result<int64_t> PruneChecks(Time before) override;
  Result<void> AddChannel(const StoredChannel& c) override;
  Result<void> RemoveChannel(const std::string& name) override;
  Result<StoredChannel> GetChannel(const std::string& name) override;
  Result<std::vector<StoredChannel>> ListChannels() override;
  Result<void> AddIntegration(const EventIntegration& i) override;
  Result<EventIntegration> GetIntegration(const std::string& routing_key) override;
  Result<std::vector<EventIntegration>> ListIntegrations() override;
  Result<int64_t> ApplyEvent(
      const std::string& routing_key, const std::string& dedup_key,
      const std::function<Result<int64_t>(int64_t open_incident, Tx&)>& apply) override;
  void ApplyEventAsync(std::string routing_key, std::string dedup_key,
                       std::function<Result<int64_t>(int64_t open_incident, Tx&)> apply,
                       std::function<void(Result<int64_t>)> done) override;

 private:
  PgStore& db_;
};

}  // namespace im::store::pg

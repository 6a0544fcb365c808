// JobStore on the PostgreSQL database of a PgStore: a claim is one upsert, which locks the
// claim's row, so of instances racing for it exactly one is granted it.
#pragma once

#include "store/job_store.h"
#include "store/pg/pg_store.h"

namespace im::store::pg {

class PgJobStore final : public JobStore {
 public:
  explicit PgJobStore(PgStore& db) : db_(db) {}

  Result<void> Heartbeat(const InstanceRecord& instance) override;
  Result<void> Leave(const std::string& id) override;
  Result<std::vector<InstanceRecord>> ListLive(Time now, Duration ttl) override;
  Result<bool> TryClaim(const std::string& job, const std::string& owner, Time now, Duration ttl,
                        Duration every) override;
  Result<void> Release(const std::string& job, const std::string& owner,
                       std::optional<Time> finished_at) override;
  Result<std::vector<JobClaim>> ListClaims() override;
  Result<std::map<std::string, int>> ModuleVersions() override;
  Result<std::map<std::string, int>> RaiseModuleVersions(
      const std::map<std::string, int>& versions) override;
  Result<std::string> AgreeKeyCheck(const std::string& check) override;

 private:
  PgStore& db_;
};

}  // namespace im::store::pg

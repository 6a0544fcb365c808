// JobStore on the SQLite database of a SqliteStore: its single writer makes every claim atomic.
#pragma once

#include "store/job_store.h"
#include "store/sqlite/sqlite_store.h"

namespace im::store::sqlite {

class SqliteJobStore final : public JobStore {
 public:
  explicit SqliteJobStore(SqliteStore& db) : db_(db) {}

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
  SqliteStore& db_;
};

}  // namespace im::store::sqlite

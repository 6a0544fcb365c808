// DeploymentStore on the PostgreSQL database of a PgStore: the same rows and rules as
// store/sqlite's (deployments, their attribution to incidents, DORA facts). Attribution changes
// take a transaction advisory lock, so instances recording deployments, linking by hand and
// catching up at once apply the rule one after the other, as SQLite's single writer does.
#pragma once

#include "store/deployment_store.h"
#include "store/pg/pg_store.h"

namespace im::store::pg {

class PgDeploymentStore final : public DeploymentStore {
 public:
  // `store` must outlive this. Thread-safe as PgStore is. `clock` stamps received_at.
  PgDeploymentStore(PgStore& store, AttributionSettings settings, const Clock& clock)
      : store_(store), settings_(std::move(settings)), clock_(clock) {}

  Result<RecordResult> Record(const dora::Deployment& deployment) override;
  Result<dora::Deployment> Get(std::string_view id) override;
  Result<std::vector<dora::Deployment>> List(const DeploymentFilter& filter) override;
  Result<Attribution> Link(int64_t incident, std::string_view deployment_id, std::string_view actor,
                           Time at) override;
  Result<Attribution> Unlink(int64_t incident, std::string_view actor, Time at) override;
  Result<std::optional<Attribution>> Reset(int64_t incident) override;
  Result<std::optional<Attribution>> AttributionOf(int64_t incident) override;
  Result<std::vector<Attribution>> AttributionsOf(std::span<const int64_t> incidents) override;
  Result<std::vector<std::pair<int64_t, int64_t>>> IncidentsOf(
      std::span<const int64_t> deployment_seqs) override;
  Result<std::vector<std::pair<int64_t, std::string>>> SourcesOf(
      std::span<const int64_t> incidents) override;
  Result<int64_t> CatchUp(int64_t batch) override;
  Result<dora::MetricsInput> Facts(const FactQuery& query) override;
  Result<std::vector<std::pair<int64_t, dora::Deployment>>> DeploymentsIn(const FactQuery& query,
                                                                          int64_t limit) override;
  Result<std::vector<std::string>> ServicesOfTeam(std::string_view team) override;

  const AttributionSettings& settings() const { return settings_; }

 private:
  PgStore& store_;
  const AttributionSettings settings_;
  const Clock& clock_;
};

}  // namespace im::store::pg

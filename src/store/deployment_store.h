// Storage of deployments and of their attribution to incidents (docs/dora.md). Attribution is
// kept incrementally: recording a deployment re-attributes only the incidents created in its
// window, and CatchUp attributes the incidents added since it last ran (tracked by incident
// number, so incidents from any source — CLI, API, connectors — are covered without a hook).
// Metrics read compact facts through covering indexes, never Incident objects. Backends pass
// tests/store/deployment_store_contract.h. Writes are durable when they return ok.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/error.h"
#include "dora/attribution.h"
#include "dora/deployment.h"
#include "dora/metrics.h"

namespace im::store {

// How attribution is configured; changing it re-attributes everything on the next CatchUp.
struct AttributionSettings {
  dora::AttributionWindow window;
  std::string environment{dora::kProduction};  // only deployments to it count
};

struct RecordResult {
  bool created = false;  // false: a deployment with this id was already stored; nothing changed
  dora::Deployment deployment;  // as stored
  int64_t reattributed = 0;     // incidents whose attribution changed
};

struct Attribution {
  int64_t incident = 0;
  std::string deployment_id;  // "" when unlinked by hand
  std::string service;        // the service incident and deployment share ("" when manual)
  bool manual = false;
  std::string actor;        // who linked or unlinked by hand
  std::string explanation;  // "same service api, 37 min after deploy d-123"
};

struct DeploymentFilter {
  std::vector<std::string> services;  // any of; empty = all
  std::optional<std::string> environment;
  std::optional<Time> since, until;  // triggered in [since, until)
  int64_t limit = 100;               // 0 = no limit
};

struct FactQuery {
  Time since{}, until{};
  std::vector<std::string> services;  // any of (a service or a team's); empty = all
  // When false, a backend may count low-urgency incidents resolved or acknowledged in the
  // period (MetricsInput::unlisted_low_*) instead of listing them.
  bool list_low_urgency = true;
};

class DeploymentStore {
 public:
  virtual ~DeploymentStore() = default;

  // Stores a validated deployment and attributes the incidents in its window. A deployment
  // whose id is already stored is ignored (created = false, the stored one returned).
  virtual Result<RecordResult> Record(const dora::Deployment& deployment) = 0;
  virtual Result<dora::Deployment> Get(std::string_view id) = 0;  // kNotFound
  // Newest (by triggered_at) first.
  virtual Result<std::vector<dora::Deployment>> List(const DeploymentFilter& filter) = 0;

  // A link by hand: kNotFound for an unknown incident or deployment. It wins over the rule
  // until Reset. Unlink leaves the incident with no deployment, also until Reset.
  virtual Result<Attribution> Link(int64_t incident, std::string_view deployment_id,
                                   std::string_view actor, Time at) = 0;
  virtual Result<Attribution> Unlink(int64_t incident, std::string_view actor, Time at) = 0;
  // Drops a link or unlink by hand and applies the rule again.
  virtual Result<std::optional<Attribution>> Reset(int64_t incident) = 0;
  virtual Result<std::optional<Attribution>> AttributionOf(int64_t incident) = 0;
  // Attributions of these incidents (those that have one), in incident order.
  virtual Result<std::vector<Attribution>> AttributionsOf(std::span<const int64_t> incidents) = 0;
  // Incidents attributed to these deployments (by seq), as (seq, incident) pairs.
  virtual Result<std::vector<std::pair<int64_t, int64_t>>> IncidentsOf(
      std::span<const int64_t> deployment_seqs) = 0;
  // Where each of these incidents came from (incident.source: "im", "pagerduty:<connector>",
  // "opsgenie:<connector>"), as (number, source) pairs; unknown numbers are left out.
  virtual Result<std::vector<std::pair<int64_t, std::string>>> SourcesOf(
      std::span<const int64_t> incidents) = 0;

  // Attributes the incidents added since the last call, in transactions of at most `batch`
  // incidents; returns how many it looked at. Cheap when there is nothing new.
  virtual Result<int64_t> CatchUp(int64_t batch = 50000) = 0;

  // The facts for a DORA report over [since, until) for some services (all when empty).
  virtual Result<dora::MetricsInput> Facts(const FactQuery& query) = 0;
  // Deployments (with seq) triggered in the period, for drill-down; oldest first.
  virtual Result<std::vector<std::pair<int64_t, dora::Deployment>>> DeploymentsIn(
      const FactQuery& query, int64_t limit) = 0;
  // The services of a team in the service catalog (sorted); empty when none.
  virtual Result<std::vector<std::string>> ServicesOfTeam(std::string_view team) = 0;
};

}  // namespace im::store

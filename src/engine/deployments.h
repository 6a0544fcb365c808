// The DORA use cases shared by the CLI and the HTTP API: record a deployment, link or unlink an
// incident by hand, and build a DORA report with its drill-down (the incidents and deployments
// behind each number). Rules live in dora/; storage in store/deployment_store.h.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/json.h"
#include "dora/metrics.h"
#include "store/deployment_store.h"

namespace im::engine {

struct DoraSettings {
  bool include_low_urgency = false;  // MTTR/MTTA over high-urgency incidents only by default
  std::string zone = "UTC";          // for weekly series when a query names none
};

struct DoraQuery {
  std::optional<Time> since, until;   // default: the 30 days before now
  std::string service;                // at most one of service and team
  std::vector<std::string> services;  // any of these, when `service` is empty (reports)
  std::string team;
  std::string zone;  // IANA; "" = the settings' zone
  std::optional<bool> include_low_urgency;
  bool list_incidents = false;
  bool list_deployments = false;
  // Also each number per source of the incidents ("im", "pagerduty", "opsgenie": the part of
  // incident.source before ':'): MTTR and MTTA over that source's incidents, and the change
  // failure rate counting only the incidents from it.
  bool by_source = false;
  int64_t limit = 1000;  // per drill-down list
};

struct IncidentDrill {
  dora::IncidentFact fact;
  std::vector<std::string> counted_in;  // "time_to_restore", "time_to_acknowledge", "open_at_end"
  bool excluded_low_urgency = false;
  std::optional<store::Attribution> attribution;
};

struct DeploymentDrill {
  dora::Deployment deployment;
  std::vector<int64_t> incidents;  // attributed
};

struct DoraResult {
  dora::DoraReport report;
  std::vector<std::string> services;  // the filter applied; empty = all
  std::string team;
  bool listed_incidents = false, listed_deployments = false;
  std::vector<IncidentDrill> incidents;
  int64_t incidents_total = 0;  // before the limit
  std::vector<DeploymentDrill> deployments;
  bool deployments_truncated = false;
  std::map<std::string, dora::DoraReport> by_source;  // when asked for
};

json::object DoraResultToJson(const DoraResult& r);

class Deployments {
 public:
  Deployments(store::DeploymentStore& store, const Clock& clock, DoraSettings settings)
      : store_(store), clock_(clock), settings_(std::move(settings)) {}

  // Validates, stamps source and received_at, and stores (duplicates are ignored: see
  // store::RecordResult::created).
  Result<store::RecordResult> Record(dora::Deployment d, std::string source);
  Result<store::Attribution> Link(int64_t incident, const std::string& deployment_id,
                                  const std::string& actor);
  Result<store::Attribution> Unlink(int64_t incident, const std::string& actor);
  Result<std::optional<store::Attribution>> Reset(int64_t incident);

  Result<DoraResult> Report(const DoraQuery& query);

  // The deployment an incident is attributed to, and several incidents' (those with none are
  // left out), after attributing the incidents added since the store last did (CatchUp): an
  // incident declared a moment ago has its attribution already.
  Result<std::optional<store::Attribution>> AttributionOf(int64_t incident);
  Result<std::vector<store::Attribution>> AttributionsOf(std::span<const int64_t> incidents);

  store::DeploymentStore& store() { return store_; }

 private:
  Result<void> BySource(const dora::MetricsInput& in, const dora::MetricsOptions& options,
                        DoraResult& r);
  Result<void> Drill(const DoraQuery& q, const store::FactQuery& fq, const dora::MetricsInput& in,
                     DoraResult& r);

  store::DeploymentStore& store_;
  const Clock& clock_;
  DoraSettings settings_;
};

}  // namespace im::engine

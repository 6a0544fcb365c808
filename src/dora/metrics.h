// The DORA numbers for one period, computed from compact facts the store scans (no Incident
// objects): deployment frequency, lead time for changes, change failure rate, time to restore
// (MTTR), time to acknowledge (MTTA), open incidents, a weekly series and the DORA bands.
// Definitions are in docs/dora.md; percentiles in stats.h; bands in bands.h.
#pragma once

#include <date/tz.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "dora/bands.h"
#include "dora/stats.h"

namespace im::dora {

// A successful deployment to the DORA environment.
struct DeploymentFact {
  int64_t seq = 0;
  Time triggered_at{};
  Time live_at{};  // finished_at, else triggered_at
  std::optional<Time> committed_at;
  int64_t incidents = 0;  // incidents attributed to it (by the rule or by hand)
};

struct IncidentFact {
  int64_t number = 0;
  Time created_at{};
  std::optional<Time> acknowledged_at;  // the first acknowledgement
  std::optional<Time> resolved_at;      // null while open (reopen clears it)
  bool high_urgency = true;
};

// What the store hands over for a period [since, until); each list in time order of the
// instant that selected it. An incident may be in several lists.
struct MetricsInput {
  std::vector<DeploymentFact> deployments;  // triggered in the period
  int64_t failed_jobs = 0;                  // status "failure" deployments triggered in it
  std::vector<IncidentFact> resolved;       // resolved_at in the period
  std::vector<IncidentFact> acknowledged;   // acknowledged_at in the period
  std::vector<IncidentFact> open_at_end;    // created before until, not resolved by until
  // Low-urgency incidents a store counted instead of listing, because they are left out.
  int64_t unlisted_low_restore = 0, unlisted_low_acknowledge = 0;
};

struct MetricsOptions {
  Time since{}, until{};
  const date::time_zone* zone = nullptr;  // for the weekly series; null = UTC
  bool include_low_urgency = false;
};

struct WeekRow {
  std::string label;  // "2026-W05"
  Time start{}, end{};
  bool partial = false;  // the period covers only part of this week
  int64_t deployments = 0;
  int64_t failed_deployments = 0;
  DurationSummary lead_time;
  DurationSummary restore;
  DurationSummary acknowledge;
};

struct DoraReport {
  MetricsOptions options;
  std::string zone_name;
  // Deployment frequency.
  int64_t deployments = 0;
  int64_t failed_jobs = 0;
  double per_day = 0, per_week = 0;
  Band frequency_band = Band::kLow;
  // Lead time for changes: LiveAt − committed_at of deployments that have a commit time.
  DurationSummary lead_time;
  int64_t without_commit_time = 0;
  std::optional<Band> lead_time_band;
  // Change failure rate: deployments with ≥ 1 attributed incident / deployments.
  int64_t failed_deployments = 0;
  std::optional<double> change_failure_rate;
  std::optional<Band> change_failure_band;
  // Time to restore (resolved_at − created_at) and to acknowledge, over the incidents
  // resolved (acknowledged) in the period.
  DurationSummary restore;
  std::optional<Band> restore_band;
  DurationSummary acknowledge;
  // Open at the end of the period (created before `until`, not resolved by then).
  int64_t open_at_end = 0;
  int64_t open_created_in_period = 0;
  // Low-urgency incidents left out of each number, when include_low_urgency is false.
  struct Excluded {
    int64_t restore = 0, acknowledge = 0, open_at_end = 0;
  } excluded_low_urgency;
  std::vector<WeekRow> weeks;
};

// True when `f` counts under `options` (high urgency, or low when they are included).
inline bool Counts(const IncidentFact& f, const MetricsOptions& options) {
  return f.high_urgency || options.include_low_urgency;
}

DoraReport ComputeReport(const MetricsInput& input, const MetricsOptions& options);

}  // namespace im::dora

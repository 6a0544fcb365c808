// Builds a realistic, deterministic PagerDuty account from a seed: users with emails, teams,
// schedules with several layers, restrictions and overrides in zones with and without DST,
// escalation policies, services, and incidents over the last D days whose log entries, notes
// and alerts agree with the incident's timestamps (acknowledge/resolve times, unacknowledge
// and reopen cycles).
#pragma once

#include <cstdint>

#include "common/clock.h"
#include "sim/common/random.h"
#include "sim/pagerduty/model.h"

namespace im::sim::pagerduty {

struct GeneratorOptions {
  uint64_t seed = 1;
  int64_t incidents = 200;
  int64_t days = 90;
  Time now{};
};

World Generate(const GeneratorOptions& options);

// Appends one incident's life (trigger, and — when `until` allows — ack, unack, reopen and
// resolve) to `world`; `created_at` must not precede the newest incident.
void GenerateIncident(World& world, Rng& rng, Time created_at, Time until);

}  // namespace im::sim::pagerduty

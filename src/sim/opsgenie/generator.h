// Builds a deterministic Opsgenie account from a seed: users with emails, teams, services,
// schedules with rotations in zones with and without DST (restricted by time of day and by
// weekday, overrides in the past and the coming days), escalations, and `alerts` alerts plus
// alerts/10 incidents over the last `days` days. Alert history is replayed in time order, so
// alias deduplication, acknowledgements, closes and notes agree with every timestamp.
#pragma once

#include <cstdint>

#include "common/clock.h"
#include "sim/opsgenie/model.h"

namespace im::sim::opsgenie {

struct GeneratorOptions {
  uint64_t seed = 1;
  int64_t alerts = 200;
  int64_t days = 90;
  Time now{};
};

World Generate(const GeneratorOptions& options);

}  // namespace im::sim::opsgenie

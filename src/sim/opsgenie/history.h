// The generated alert and incident history of the Opsgenie simulator (generator.h).
#pragma once

#include <cstdint>

#include "common/clock.h"
#include "sim/common/random.h"
#include "sim/opsgenie/model.h"

namespace im::sim::opsgenie {

// `count` alerts created over [start, now): every repeat of an aliased alert (deduplicated onto
// it while it is open: `count` grows), acknowledge, unacknowledge, note and close is applied in
// time order with the other alerts' creations; nothing happens at or after `now`. An alias is
// reused only once its previous alert is closed, so exactly `count` alerts exist.
void GenerateAlerts(World& w, Rng& rng, int64_t count, Time start, Time now);

// `count` incidents over [start, now), resolved and closed before `now` or still open, with
// notes and timeline entries at their times.
void GenerateIncidents(World& w, Rng& rng, int64_t count, Time start, Time now);

}  // namespace im::sim::opsgenie

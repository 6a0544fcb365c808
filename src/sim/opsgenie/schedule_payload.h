// Checked reading of CreateSchedulePayload rotations (CreateScheduleRotationPayload, both
// timeRestriction forms) and CreateScheduleOverridePayload into the model.
#pragma once

#include "common/error.h"
#include "common/json.h"
#include "sim/common/random.h"
#include "sim/opsgenie/model.h"

namespace im::sim::opsgenie {

// kInvalidArgument naming the field ("rotations[0].type should be one of daily, weekly, hourly").
Result<Rotation> ReadRotation(const World& w, Rng& rng, const json::value& v,
                              const std::string& path, size_t index);
Result<Override> ReadOverride(const World& w, const Schedule& s, Rng& rng, const json::object& b);

}  // namespace im::sim::opsgenie

// A PagerDuty account from a fixture file (`im sim pagerduty --fixture FILE`, described in
// docs/simulators.md): {"mode", "teams", "users", "priorities", "schedules",
// "escalation_policies", "services", "incidents"} in the REST API v2 shapes. "replace" (the
// default) serves the file alone; "extend" adds its objects to the seeded data set. Incidents
// get the alert and the log their timestamps imply, written by the generator's own steps
// (lifecycle.h): the trigger at created_at, the assignments, an acknowledge entry per
// acknowledgement and, when resolved, the resolve at resolved_at (else last_status_change_at).
#pragma once

#include <string>

#include "common/error.h"
#include "sim/pagerduty/generator.h"
#include "sim/pagerduty/model.h"

namespace im::sim::pagerduty {

// The account the file describes; `generated` is the seeded data set extend mode starts from,
// and its `now` the instant relative times count from. Errors (kInvalidArgument) start with
// "fixture <path>: " and name the JSON path of the problem and what to write.
Result<World> LoadFixture(const std::string& path, const GeneratorOptions& generated);

}  // namespace im::sim::pagerduty

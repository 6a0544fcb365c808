// An incident.io organisation from a fixture file (`im sim incidentio --fixture FILE`, described
// in docs/simulators.md): {"mode", "users", "severities", "incident_statuses", "schedules",
// "incidents"} in the v1/v2 API shapes. "replace" (the default) serves the file alone and needs
// its users, severities and statuses; "extend" adds its objects to the seeded organisation.
// Incidents get the incident updates their timestamps imply, written by the generator's own
// steps (generator.h): declared at created_at in their status when it is a triage or live one,
// else in the first live status and moved to theirs at updated_at.
#pragma once

#include <string>

#include "common/error.h"
#include "sim/incidentio/generator.h"
#include "sim/incidentio/model.h"

namespace im::sim::incidentio {

// The organisation the file describes; `generated` is the seeded one extend mode starts from,
// and its `now` the instant relative times count from. Errors (kInvalidArgument) start with
// "fixture <path>: " and name the JSON path of the problem and what to write.
Result<World> LoadFixture(const std::string& path, const GeneratorOptions& generated);

}  // namespace im::sim::incidentio

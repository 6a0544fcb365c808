// An Opsgenie account from a fixture file (`im sim opsgenie --fixture FILE`, described in
// docs/simulators.md): {"mode", "users", "teams", "services", "schedules", "escalations",
// "alerts", "incidents"} in the shapes the API answers with. "replace" (the default) serves the
// file alone; "extend" adds its objects to the seeded account. Alerts and incidents get the log
// lines and timeline entries their fields imply, written by the actions the API and the
// generator use (actions.h): an alert is created at createdAt, acknowledged at createdAt +
// report.ackTime and closed at createdAt + report.closeTime (else at updatedAt); an incident is
// created at createdAt and resolved or closed at updatedAt.
#pragma once

#include <string>

#include "common/error.h"
#include "sim/opsgenie/generator.h"
#include "sim/opsgenie/model.h"

namespace im::sim::opsgenie {

// The account the file describes; `generated` is the seeded one extend mode starts from, and
// its `now` the instant relative times count from. Errors (kInvalidArgument) start with
// "fixture <path>: " and name the JSON path of the problem and what to write.
Result<World> LoadFixture(const std::string& path, const GeneratorOptions& generated);

}  // namespace im::sim::opsgenie

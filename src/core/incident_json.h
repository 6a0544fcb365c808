// im's own API JSON for incidents, timelines, SLA state and services: the one place that
// decides field names, used by the HTTP API and by `--json` on the CLI.
#pragma once

#include <vector>

#include "common/json.h"
#include "core/incident.h"
#include "core/lifecycle.h"
#include "core/service.h"
#include "core/sla.h"

namespace im::core {

json::object IncidentToJson(const Incident& incident);
json::object IncidentToJson(const Incident& incident, const SlaStatus& sla);
json::object TimelineEntryToJson(const TimelineEntry& entry);
json::object SlaToJson(const SlaStatus& sla);
json::object ServiceToJson(const Service& service);
json::object TokenToJson(const ApiToken& token);  // never the secret or its hash

// Reads a declare request: {"title", "severity", "services" | "service", "description",
// "urgency", "assignees", "custom_fields"}. Unknown fields and wrong types are errors that
// name the field.
Result<DeclareRequest> DeclareRequestFromJson(const json::object& body);

}  // namespace im::core

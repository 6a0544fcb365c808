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

// An incident with its SLA state, written as text straight into `out` (json_writer.h): the
// incident GET and lists of 100,000 incidents render through these.
void AppendIncidentJson(std::string& out, const Incident& incident, const SlaStatus& sla);
// The same with the incident's "timeline" (in time order): GET /api/v1/incidents/{id}.
void AppendIncidentJson(std::string& out, const Incident& incident, const SlaStatus& sla,
                        const std::vector<TimelineEntry>& timeline);
void AppendTimelineEntryJson(std::string& out, const TimelineEntry& entry);

// The same as trees, for callers that add fields of their own.
json::object IncidentToJson(const Incident& incident, const SlaStatus& sla);
json::object IncidentToJson(const Incident& incident, const SlaStatus& sla,
                            const std::vector<TimelineEntry>& timeline);
json::object TimelineEntryToJson(const TimelineEntry& entry);
json::object ServiceToJson(const Service& service);
json::object TokenToJson(const ApiToken& token);  // never the secret or its hash

// Reads a declare request: {"title", "severity", "services" | "service", "description",
// "urgency", "assignees", "custom_fields"}. Unknown fields and wrong types are errors that
// name the field.
Result<DeclareRequest> DeclareRequestFromJson(const json::object& body);

}  // namespace im::core

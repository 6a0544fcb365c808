// The steps of a PagerDuty incident's life written into the model: each one changes the
// incident's fields and appends the log entry PagerDuty records for it, so an incident and its
// log always agree (no acknowledgement after the resolve, acknowledgements and assignments
// empty once resolved). The seeded generator and fixtures build every incident's history with
// these; the REST handlers (state.h) add webhooks on top of their own.
#pragma once

#include <string>
#include <vector>

#include "common/clock.h"
#include "sim/pagerduty/model.h"

namespace im::sim::pagerduty {

// A log entry with a new id; its channel is "auto" for a service agent, "web_ui" for a user.
LogEntry NewLogEntry(World& w, std::string type, Time at, Agent agent);

// Opens `inc` at inc.created_at: its one alert (keyed by inc.incident_key), the trigger entry by
// its service and, when there are `assignees`, the assign entry and their assignments.
void TriggerIncident(World& w, Incident& inc, const std::vector<std::string>& assignees);
// `user_ids` assigned at `at` (besides the current assignees), with the assign entry.
void AssignIncident(World& w, Incident& inc, Time at, const Agent& by,
                    const std::vector<std::string>& user_ids);
// Acknowledged by `by` (a user: the acknowledger).
void AcknowledgeIncident(World& w, Incident& inc, Time at, const Agent& by);
// The acknowledgement timed out or was withdrawn: back to triggered.
void UnacknowledgeIncident(World& w, Incident& inc, Time at, const Agent& by);
// Resolved, with `resolution` as the resolve entry's note.
void ResolveIncident(World& w, Incident& inc, Time at, const Agent& by, std::string resolution);
// Triggered again after a resolve, assigned to `assignee`.
void ReopenIncident(World& w, Incident& inc, Time at, const Agent& by, const std::string& assignee);
// A note by `user_id` and its annotate entry.
void AnnotateIncident(World& w, Incident& inc, Time at, const std::string& user_id,
                      std::string content);

}  // namespace im::sim::pagerduty

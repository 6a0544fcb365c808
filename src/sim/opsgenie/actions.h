// What Opsgenie does to an alert or incident when a request is processed, written once for the
// generator's history and for the API: alias deduplication (while an open alert has the alias
// only its count grows; after close a new alert is created), acknowledge, unacknowledge,
// close, notes, incident resolve/close and timeline entries, each with its log line.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/clock.h"
#include "sim/common/random.h"
#include "sim/opsgenie/model.h"

namespace im::sim::opsgenie {

// The fields of CreateAlertPayload the simulator keeps, and the ids of an alert a fixture names.
struct AlertDraft {
  std::string id, tiny_id;  // empty: new ones
  std::string message, alias, description, entity, source, user, note, priority = "P3";
  std::vector<std::string> tags, actions;
  std::map<std::string, std::string> details;
  std::vector<Participant> responders;
};

struct CreateOutcome {
  Alert* alert = nullptr;
  bool created = false;  // false: deduplicated onto the open alert with the alias
};

// The owner shown for a request without `user` (Opsgenie shows the integration's name).
std::string Actor(const std::string& user);

CreateOutcome CreateAlert(World& w, Rng& rng, AlertDraft draft, Time at);
// A new alert whatever its alias (CreateAlert after its deduplication check).
Alert& AddNewAlert(World& w, Rng& rng, AlertDraft draft, Time at);
// Each returns false when the alert's state does not allow it (nothing changes then).
bool AcknowledgeAlert(Alert& a, const std::string& user, const std::string& note, Time at);
bool UnacknowledgeAlert(Alert& a, const std::string& user, const std::string& note, Time at);
bool CloseAlert(World& w, Alert& a, const std::string& user, const std::string& note, Time at);
void AddAlertNote(Alert& a, const std::string& user, const std::string& note, Time at);
void DeleteAlert(World& w, Alert& a);

struct IncidentDraft {
  std::string id, tiny_id;  // empty: new ones
  std::string message, description, service_id, priority = "P3", note;
  std::vector<std::string> tags;
  std::map<std::string, std::string> details;
  std::vector<Participant> responders;
};

// Creates the incident and, as Opsgenie does, one responder alert per responder (its message,
// priority and tags, that responder), which notifies the responder: acknowledging it is how a
// responder acknowledges the incident.
Incident& CreateIncident(World& w, Rng& rng, IncidentDraft draft, const std::string& user, Time at);
// open → resolved; false otherwise. Resolving or closing the incident closes its responder
// alerts that are still open.
bool ResolveIncident(World& w, Rng& rng, Incident& i, const std::string& user,
                     const std::string& note, Time at);
// open or resolved → closed; false when already closed.
bool CloseIncident(World& w, Rng& rng, Incident& i, const std::string& user,
                   const std::string& note, Time at);
void AddIncidentNote(Rng& rng, Incident& i, const std::string& user, const std::string& note,
                     Time at);
TimelineEntry& AddTimelineEntry(Rng& rng, Incident& i, TimelineEntry entry);
// The incident's log (GET /v1/incidents/{id}/logs): its visible timeline entries in time
// order, "<title>: <content>" by their actor; `seq` is the entry's place in the timeline.
std::vector<LogLine> IncidentLogLines(const Incident& i);

}  // namespace im::sim::opsgenie

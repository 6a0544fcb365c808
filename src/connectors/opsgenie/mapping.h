// Opsgenie's JSON (REST objects, untrusted) read into im's terms. Alerts: open → open,
// acknowledged → mitigated, closed → resolved, with the first acknowledgement and the close at
// createdAt + report.ackTime / report.closeTime (elapsed milliseconds). Incidents: open → open,
// resolved and closed → resolved, the resolve time from the incident's timeline. Priorities
// P1..P5 map to severities by custom.priority_mapping; people by email (Opsgenie usernames
// are emails); services by name.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/json.h"
#include "connectors/converge.h"
#include "connectors/opsgenie/settings.h"

namespace im::connectors::opsgenie {

// Link keys: an alert and an incident are distinct provider objects.
inline std::string AlertKey(const std::string& id) { return "alert:" + id; }
inline std::string IncidentKey(const std::string& id) { return "incident:" + id; }

struct OgAlert {
  std::string id;
  std::string tiny_id;
  std::string alias;
  std::string message;
  std::string status;  // open | closed
  bool acknowledged = false;
  std::string priority;
  int64_t count = 1;
  Time created_at;
  Time updated_at;
  std::optional<int64_t> ack_ms;    // report.ackTime: ms after createdAt
  std::optional<int64_t> close_ms;  // report.closeTime
  std::string acknowledged_by;
  std::string closed_by;
  std::string owner;
  std::vector<std::string> team_ids;  // responders of type team, then `teams`
  std::string owner_team_id;
  std::string service;  // details.service when Opsgenie sent details (single alert reads)
};

Result<OgAlert> ParseAlert(const json::object& o);

struct OgIncident {
  std::string id;
  std::string tiny_id;
  std::string message;
  std::string status;  // open | resolved | closed
  std::string priority;
  Time created_at;
  Time updated_at;
  std::string owner;
  std::string owner_team_id;
  std::string service_id;
  std::vector<std::string> responder_ids;  // users and teams as Opsgenie lists them
  // From the timeline (/v2/incident-timelines/{id}/entries), when read.
  std::optional<Time> resolved_at;
  std::string resolved_by;
  struct Note {
    std::string id, actor, text;
    Time at;
  };
  std::vector<Note> notes;  // NoteAdded and CustomUserEntry entries (status updates)
};

Result<OgIncident> ParseIncident(const json::object& o);

// What the incident's timeline entries say: the first resolve (else close) and who did it.
void ReadTimeline(const json::array& entries, OgIncident& incident);

// Ids to names, from the directory im stored.
struct OgDirectory {
  std::map<std::string, std::string> user_email;    // id → username (email)
  std::map<std::string, std::string> team_name;     // id → name
  std::map<std::string, std::string> service_name;  // id → im service name
  std::map<std::string, std::string> service_team;  // service id → the team that owns it
  std::string fallback_actor;                       // "opsgenie@<connector>.connector"

  // An Opsgenie username is an email; anything else (the "System", "Alert API") acts as the
  // connector.
  std::string Actor(const std::string& username_or_id) const;
  std::string TeamName(const std::string& id) const;  // "" when unknown
};

// An Opsgenie name made into a valid im service name ("Payments API" → "Payments-API").
std::string OgServiceName(const std::string& name);

ObservedIncident ObserveAlert(const OgAlert& a, const Settings& s, const OgDirectory& dir);
ObservedIncident ObserveIncident(const OgIncident& i, const Settings& s, const OgDirectory& dir);

// A responder alert of an Opsgenie incident (`alert`, as ObserveAlert reads it) seen again:
// its acknowledgement, when earlier than the incident's first, becomes that first
// acknowledgement (Opsgenie incidents are acknowledged through their responder alerts), with
// an entry saying so; anything else about the alert changes nothing (skip).
store::ProviderUpdate AcknowledgedThroughAlert(const core::Incident& incident,
                                               const ObservedIncident& alert,
                                               std::optional<Time> last_event_at);

}  // namespace im::connectors::opsgenie

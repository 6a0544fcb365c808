// incident.io's JSON (API objects and webhook payloads, untrusted) read into im's terms.
//  - Status by category, never by name (names are per organisation): triage and live → open
//    (mitigated when the status is one of custom.mitigated_statuses), paused → open and marked
//    paused, learning → resolved, closed → closed; declined, canceled and merged are not
//    incidents: closed, marked "mttr: excluded" with their category. A category incident.io
//    adds later maps to open (the safe default) and is reported once.
//  - Times from the incident's updates (/v2/incident_updates), since timestamp names are per
//    organisation: acknowledged when it first went live, resolved when it last left the
//    open categories; who moved it is the update's updater (by email).
//  - Severity by name (custom.severity_mapping, then Critical/Major/Minor/Informational →
//    SEV-1..4), else by rank among the organisation's severities.
//  - Responders: role assignments' assignees by email; services: catalog entries of custom
//    fields whose name mentions "service".
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/json.h"
#include "connectors/converge.h"
#include "connectors/incidentio/settings.h"

namespace im::connectors::incidentio {

struct IioSeverity {
  std::string id, name;
  int64_t rank = 0;  // higher is more severe
};

struct IioUpdate {
  std::string id;
  Time created_at;
  std::string status_name;
  std::string category;  // "" when the update did not change the status
  std::string message;
  std::string updater_email;
  std::string merged_into;
};

struct IioIncident {
  std::string id, reference, name, summary, permalink;
  Time created_at, updated_at;
  std::string status_name, category;
  std::optional<IioSeverity> severity;
  std::string mode = "standard", visibility = "public", type;
  std::vector<std::string> responders;  // emails, the lead first
  std::vector<std::string> services;    // catalog entry names
  std::vector<IioUpdate> updates;       // oldest first, when read
};

// The incident of GET /v2/incidents[/{id}] or a webhook payload; kInvalidArgument naming what
// is missing when it lacks an id or its times.
Result<IioIncident> ParseIncident(const json::object& o);
Result<IioUpdate> ParseUpdate(const json::object& o);
Result<IioSeverity> ParseSeverity(const json::object& o);

// The categories im knows (the OpenAPI enum of IncidentStatusV2.category).
bool KnownCategory(const std::string& category);
// Declined, canceled and merged: not incidents for MTTR.
bool ExcludedCategory(const std::string& category);
// Test and tutorial incidents are left out of im.
inline bool LeftOutMode(const std::string& mode) { return mode == "test" || mode == "tutorial"; }

// The im severity of `severity` among the organisation's `all` (any order).
core::Severity SeverityFor(const std::optional<IioSeverity>& severity,
                           const std::vector<IioSeverity>& all, const Settings& s);

// An incident.io name made into a valid im service name ("Payments API" → "Payments-API").
std::string IioServiceName(const std::string& name);

struct IioContext {
  std::string connector;
  std::string fallback_actor;  // "incidentio@<connector>.connector"
  std::vector<IioSeverity> severities;
  std::string default_service;  // when the incident names none: "incidentio"
};

ObservedIncident Observe(const IioIncident& i, const Settings& s, const IioContext& ctx);
// When the incident last went back to an open category after having left them (reopened);
// none when it never did.
std::optional<Time> LastReopen(const IioIncident& i);
// The timeline entries of the incident's updates that carry a message (deduplicated by key).
std::vector<core::TimelineEntry> UpdateEntries(const IioIncident& i, const IioContext& ctx);

}  // namespace im::connectors::incidentio

// PagerDuty's JSON (REST objects and webhook payloads, untrusted) read into im's terms: the
// status mapping triggered↔open, acknowledged↔mitigated, resolved↔resolved; priority P1..P4
// → SEV-1..SEV-4, else urgency high → SEV-2 and low → SEV-4; people by email.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/json.h"
#include "core/incident.h"
#include "core/lifecycle.h"
#include "store/connector_store.h"

namespace im::connectors::pagerduty {

struct PdIncident {
  std::string id;
  int64_t number = 0;
  std::string title;
  std::string status;    // triggered, acknowledged, resolved
  std::string urgency;   // high, low
  std::string priority;  // "P1", or ""
  std::string service_id;
  std::string service_name;
  std::string html_url;
  std::string incident_key;  // "im-<install id>-INC-<n>" on incidents im created (outbound.cc)
  Time created_at;
  std::optional<Time> resolved_at;
  std::optional<Time> acknowledged_at;  // only while acknowledged (PagerDuty empties it)
  std::string acknowledged_by_id;
  std::vector<std::string> assignee_ids;
};

Result<PdIncident> ParseIncident(const json::object& o);

struct PdLogEntry {
  std::string id;
  std::string type;  // acknowledge_log_entry, resolve_log_entry, annotate_log_entry, ...
  Time at;
  std::string incident_id;
  std::string agent_id;  // user id when a person did it
  std::string note;
};

Result<PdLogEntry> ParseLogEntry(const json::object& o);

// What the connector knows to translate ids: PagerDuty users (id → email) and services
// (id → our service name).
struct Directory {
  std::map<std::string, std::string> user_email;
  std::map<std::string, std::string> service_name;
  std::string fallback_actor;  // used when no person is known: "pagerduty@<connector>"

  std::string Actor(const std::string& user_id) const;
  std::string ServiceName(const std::string& id, const std::string& pd_name) const;
};

// A PagerDuty service name made into a valid im service name.
std::string SanitizeServiceName(const std::string& name);

// Builds the update of our incident from PagerDuty's current state of it. `current` is the
// linked incident (if any); `event_at` is when PagerDuty's state was true.
store::ProviderUpdate UpdateFromIncident(const PdIncident& pd,
                                         const std::optional<core::Incident>& current,
                                         const Directory& dir, const std::string& connector,
                                         std::optional<Time> event_at);

// Applies one log entry to the linked incident: an earlier first acknowledgement, who
// resolved, a note. Skips what is already there, and what `ours` (the changes im sent for this
// incident) explains: PagerDuty logging our own acknowledge, resolve or note.
store::ProviderUpdate UpdateFromLogEntry(const PdLogEntry& entry, const core::Incident& current,
                                         const Directory& dir,
                                         const std::vector<store::SentChange>& ours = {});

// True for log entries whose type an im change can cause (acknowledge, resolve, annotate).
bool MayEchoOurChange(const PdLogEntry& entry);

// True when a PagerDuty note with `content`, made at `at`, is one im sent (a note, or the
// --note of an acknowledge, resolve or reopen), so reading it back would be an echo.
bool IsOurNote(const std::string& content, Time at, const std::vector<store::SentChange>& ours);

core::Severity SeverityFor(const std::string& priority, const std::string& urgency);

// The number of our incident that `incident_key` names when this installation made the PagerDuty
// incident: `prefix` ("im-<install id>-") then INC-<n>, or INC-<n> alone (what keys were before
// they named the installation). 0 for any other key, another installation's included.
int64_t OurIncidentNumber(std::string_view incident_key, std::string_view prefix);

}  // namespace im::connectors::pagerduty

// One way for every provider to bring an im incident to the state a provider reports for it:
// the provider's connector reads its JSON into an ObservedIncident, and Converge moves the
// linked incident there through core's lifecycle transitions (reopen, acknowledge,
// unacknowledge, resolve), so a provider can never put an incident in a state im's own rules
// would not reach. The entries say where it happened ("acknowledged in Opsgenie").
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/incident.h"
#include "store/connector_store.h"

namespace im::connectors {

struct ObservedIncident {
  std::string provider;     // how entries name it: "PagerDuty"
  std::string source;       // timeline source and incident source prefix: "pagerduty"
  std::string external_id;  // the provider's id
  std::string key_prefix;   // what starts the external keys of its entries: "pd:P1X2Y3"
  std::string label;        // how the declared entry names it: "PagerDuty incident #12 (P1X)"
  std::string title;
  core::Severity severity = core::Severity::kSev3;
  core::Urgency urgency = core::Urgency::kHigh;
  std::string service;                        // im's service name
  core::Status status = core::Status::kOpen;  // kOpen, kMitigated (acknowledged), kResolved
  Time created_at;
  std::optional<Time> acknowledged_at;  // the first acknowledgement the provider knows of
  std::string acknowledged_by;          // an email, or fallback_actor
  std::optional<Time> resolved_at;
  std::string resolved_by;                           // an email, or fallback_actor
  std::vector<std::string> assignees;                // emails; empty leaves im's as they are
  std::map<std::string, std::string> custom_fields;  // set on the incident ("pagerduty_id")
  // The provider's notes and updates, each with an external key: added to the timeline, where
  // an entry whose key is already there is not added again.
  std::vector<core::TimelineEntry> entries;
  std::string fallback_actor;  // who acts when no person is known: "pagerduty@<connector>"

  // status may also be kClosed: resolved at resolved_at, then closed at closed_at (else at
  // the event's time).
  std::optional<Time> closed_at;
  // False when the provider says it was not an incident after all (core::Incident::in_metrics).
  bool in_metrics = true;
};

// The update of the linked incident `current` (none: a new incident) to what the provider
// observed at `event_at` (none: as of its creation). An incident declared in im keeps its
// title, severity and urgency (the provider's copy was made from them).
store::ProviderUpdate Converge(const ObservedIncident& observed,
                               const std::optional<core::Incident>& current,
                               const std::string& connector, std::optional<Time> event_at);

}  // namespace im::connectors

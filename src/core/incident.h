// An incident and its timeline: the single record im keeps of something that went wrong.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/error.h"
#include "core/severity.h"

namespace im::core {

// open → mitigated (acknowledged) → resolved → closed; resolved/closed can be reopened.
enum class Status { kOpen, kMitigated, kResolved, kClosed };
Result<Status> ParseStatus(std::string_view text);
std::string_view StatusName(Status s);  // "open", "mitigated", "resolved", "closed"

// What happened, as shown on the timeline.
enum class EntryKind {
  kDeclared,
  kAcknowledged,
  kResolved,
  kClosed,
  kReopened,
  kNote,
  kStatusChange,
  kSlaBreach,
  kAssigned,
  kFieldChanged,
  kSeverityChanged,
  kSynced,  // a change sent to or linked with another system ("PagerDuty incident created")
};
std::string_view EntryKindName(EntryKind k);  // "declared", "sla_breach", ...
Result<EntryKind> ParseEntryKind(std::string_view text);

struct TimelineEntry {
  int64_t id = 0;  // assigned by the store
  Time at;
  EntryKind kind = EntryKind::kNote;
  std::string actor;  // email, or "system"
  std::string message;
  std::string source = "im";  // "im", "pagerduty", ...
  // Set for entries that mirror something in another system (a PagerDuty log entry or note):
  // storing the same key twice for one incident keeps the first, so re-syncs add nothing.
  std::string external_key;
};

struct Incident {
  int64_t number = 0;  // shown as INC-<number>; assigned by the store
  std::string title;
  std::string description;
  Severity severity = Severity::kSev3;
  Urgency urgency = Urgency::kLow;
  Status status = Status::kOpen;
  std::vector<std::string> services;   // at least one
  std::vector<std::string> assignees;  // emails
  std::map<std::string, std::string> custom_fields;
  // False for what a provider says was not an incident after all (incident.io's declined,
  // canceled and merged): kept and shown, left out of MTTA, MTTR and open-incident counts.
  bool in_metrics = true;

  Time created_at;
  std::string created_by;
  std::optional<Time> acknowledged_at;  // the first acknowledgement; kept across reopen
  std::string acknowledged_by;
  std::optional<Time> resolved_at;  // cleared by reopen
  std::string resolved_by;
  std::optional<Time> closed_at;
  std::string closed_by;

  bool ack_sla_breached = false;
  bool resolve_sla_breached = false;

  std::string source = "im";
  // The connector this incident is synced with: the one it came from or the first it was sent
  // to; "" for none. Kept by the store when a link is made (writes of the incident ignore it).
  std::string synced_with;
  Time updated_at;
  int64_t version = 0;  // bumped by every change
};

std::string IncidentId(int64_t number);  // "INC-42"
// Accepts "INC-42", "inc-42" and "42".
Result<int64_t> ParseIncidentId(std::string_view text);

}  // namespace im::core

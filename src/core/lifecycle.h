// The incident state machine: each action checks the current state and returns the changed
// incident plus the timeline entries that record it, or an error saying what to do instead.
// Pure: no I/O; the caller persists the Change atomically.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/incident.h"
#include "core/sla.h"

namespace im::core {

struct Actor {
  std::string email;          // who did it
  std::string source = "im";  // where it was done: "im", "pagerduty", ...
};

struct Change {
  Incident incident;
  std::vector<TimelineEntry> entries;
};

struct DeclareRequest {
  std::string title;
  std::string description;
  Severity severity = Severity::kSev3;
  std::optional<Urgency> urgency;  // default from severity
  std::vector<std::string> services;
  std::vector<std::string> assignees;
  std::map<std::string, std::string> custom_fields;
};

// Validates and builds a new incident (number 0 until the store assigns one).
Result<Change> Declare(const DeclareRequest& request, const Actor& actor, Time now);

Result<Change> Acknowledge(const Incident& incident, const Actor& actor, Time now,
                           const std::string& note = "");
// Back to open without an acknowledgement (a provider's acknowledgement timed out, or someone
// took it back there); the first acknowledgement time stays, for MTTA.
Result<Change> Unacknowledge(const Incident& incident, const Actor& actor, Time now);
Result<Change> Resolve(const Incident& incident, const Actor& actor, Time now,
                       const std::string& note = "");
Result<Change> Close(const Incident& incident, const Actor& actor, Time now,
                     const std::string& note = "");
Result<Change> Reopen(const Incident& incident, const Actor& actor, Time now,
                      const std::string& note = "");
Result<Change> AddNote(const Incident& incident, const Actor& actor, Time now,
                       const std::string& text);
Result<Change> Assign(const Incident& incident, const Actor& actor, Time now,
                      std::vector<std::string> assignees);
Result<Change> SetSeverity(const Incident& incident, const Actor& actor, Time now,
                           Severity severity);
Result<Change> SetCustomField(const Incident& incident, const Actor& actor, Time now,
                              const std::string& key, const std::string& value);

// Limits that keep one incident from swallowing the store.
inline constexpr size_t kMaxTitleLength = 1024;
inline constexpr size_t kMaxTextLength = 65536;
inline constexpr size_t kMaxServices = 32;

}  // namespace im::core

// The incident.io simulator's organisation: plain data with the field names of the v1/v2 API
// objects (providers.md §5, specs/incident-io/openapi3.json). JSON rendering is in json.cc.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/clock.h"

namespace im::sim::incidentio {

// The service catalog type and the custom field that points incidents at its entries.
inline constexpr char kServiceTypeId[] = "01CATALOGTYPESERVICE000001";
inline constexpr char kServicesFieldId[] = "01CUSTOMFIELDSERVICES00001";

struct User {
  std::string id, name, email, role = "responder";
};

struct Severity {
  std::string id, name, description;
  int64_t rank = 0;  // higher is more severe
};

struct Status {
  std::string id, name, description, category;  // triage|live|learning|closed|...
  int64_t rank = 0;
};

struct Update {
  std::string id, incident_id, status_id, severity_id, message, updater_id;
  Time created_at{};
  std::string merged_into_incident_id;  // set on the update that merged the incident
};

// An entry of the organisation's service catalog type ("Service").
struct CatalogEntry {
  std::string id, name;
};

struct Incident {
  std::string id, reference, name, summary, status_id, severity_id, creator_id;
  std::vector<std::string> service_ids;  // catalog entries of the "Affected services" field
  std::string mode = "standard", visibility = "public", idempotency_key;
  // Who declared it: "user" (creator_id is a user) or "api_key" (creator_id names the key).
  std::string creator_kind = "user";
  Time created_at{}, updated_at{};
};

struct Rotation {
  std::string id, name;
  Time handover_start_at{};
  int64_t interval = 1;
  std::string interval_type = "weekly";  // hourly|daily|weekly
  std::vector<std::string> user_ids;
};

struct Schedule {
  std::string id, name, timezone;
  Time created_at{};
  std::vector<Rotation> rotations;
};

// An escalation path of levels (EscalationPathV2's "level" nodes, then a "repeat" node).
struct EscalationLevel {
  std::vector<std::pair<std::string, std::string>> targets;  // (type "user"|"schedule", id)
  int64_t time_to_ack_seconds = 300;
};

struct EscalationPath {
  std::string id, name;
  std::vector<EscalationLevel> levels;
  int64_t repeat_times = 0;
};

struct Entry {
  Time start{}, end{};
  std::string user_id, rotation_id, layer_id;
};

struct World {
  std::vector<User> users;
  std::vector<Severity> severities;
  std::vector<Status> statuses;
  std::vector<Incident> incidents;  // oldest first
  std::vector<Update> updates;      // oldest first
  std::vector<Schedule> schedules;
  std::vector<CatalogEntry> services;  // the catalog type kServiceTypeId
  std::vector<EscalationPath> escalation_paths;
  Time configured_at{};  // when severities and statuses were set up (their created_at)
  int64_t next_reference = 1;
  uint64_t next_serial = 1;

  const User* FindUser(std::string_view id) const;
  const Severity* FindSeverity(std::string_view id) const;
  const Status* FindStatus(std::string_view id) const;
  Incident* FindIncident(std::string_view id);
  const Schedule* FindSchedule(std::string_view id) const;
  const CatalogEntry* FindService(std::string_view id) const;
  // The status a new incident is declared in: the first "live" one (else the first one).
  const Status* DeclaredStatus() const;
  // A ULID-like id ("01H..."): 26 characters, increasing with the serial.
  std::string NewId();
};

// Seconds of one handover of `r`.
int64_t HandoverSeconds(const Rotation& r);

// The rotation's shifts overlapping [since, until), whole (not cut at the window).
std::vector<Entry> RotationEntries(const Rotation& r, Time since, Time until);

}  // namespace im::sim::incidentio

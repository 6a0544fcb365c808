// The Opsgenie simulator's account: plain data with the field names of the Opsgenie REST API
// objects (providers.md §4, specs/opsgenie/swagger.json). JSON rendering is in json.cc and
// directory_json.cc; look-ups by id, tinyId and alias are indexed for 100,000s of alerts.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "sim/common/random.h"

namespace im::sim::opsgenie {

struct User {
  std::string id, username, full_name, role, time_zone;  // username is the email
  Time created_at{};
};

struct TeamMember {
  std::string user_id, role = "user";  // "user" | "admin"
};

struct Team {
  std::string id, name, description;
  std::vector<TeamMember> members;
};

// An Opsgenie service (the `serviceId` an incident is created on).
struct Service {
  std::string id, name, team_id;
};

// A rotation participant or responder: `type` user|team|escalation|schedule|none.
struct Participant {
  std::string type, id;
};

// `timeRestriction` of type "time-of-day": every day from start to end in the schedule's zone.
struct TimeOfDay {
  int start_hour = 0, start_min = 0, end_hour = 0, end_min = 0;
};

// One of the `restrictions` of type "weekday-and-time-of-day".
struct WeekdayWindow {
  std::string start_day;  // "monday" .. "sunday"
  int start_hour = 0, start_min = 0;
  std::string end_day;
  int end_hour = 0, end_min = 0;
};

struct Rotation {
  std::string id, name;
  Time start_date{};
  std::optional<Time> end_date;
  std::string type = "weekly";  // hourly|daily|weekly
  int64_t length = 1;
  std::vector<Participant> participants;
  std::optional<TimeOfDay> time_of_day;        // "time-of-day"
  std::vector<WeekdayWindow> weekday_windows;  // "weekday-and-time-of-day"
};

struct Override {
  std::string alias, user_id;
  Time start{}, end{};
  std::vector<std::string> rotation_ids;  // empty: every rotation
};

struct Schedule {
  std::string id, name, description, timezone, owner_team_id;
  bool enabled = true;
  std::vector<Rotation> rotations;
  std::vector<Override> overrides;  // in creation order; a later one wins
};

struct EscalationRule {
  std::string condition = "if-not-acked", notify_type = "default";
  int64_t delay_minutes = 0;
  Participant recipient;
};

struct Escalation {
  std::string id, name, description, owner_team_id;
  std::vector<EscalationRule> rules;
  int64_t repeat_wait_minutes = 5, repeat_count = 0;
};

// An alert log line or note. `seq` is unique in the alert and orders them; it is the cursor
// behind the string `offset` of /logs and /notes.
struct LogLine {
  std::string text, type, owner;  // type: system|note|alertRecipient (notes leave it empty)
  Time at{};
  int64_t seq = 0;
};

struct Alert {
  std::string id, tiny_id, alias, message, description, entity, source, owner, priority = "P3";
  std::string status = "open", owner_team_id;
  std::vector<std::string> tags, actions;
  std::map<std::string, std::string> details;
  std::vector<Participant> responders;
  bool acknowledged = false, is_seen = false, snoozed = false, deleted = false;
  int64_t count = 1;
  Time created_at{}, updated_at{}, last_occurred_at{};
  std::optional<Time> acked_at, closed_at;
  std::string acked_by, closed_by;
  std::vector<LogLine> logs, notes;
  int64_t next_seq = 1;
  std::string incident_id;  // a responder alert: the incident it was created for
};

struct TimelineEntry {
  std::string id, group, type, title, content, actor_name, actor_type;
  Time event_time{};
  bool hidden = false;
};

struct Incident {
  std::string id, tiny_id, message, description, status = "open", priority = "P3";
  std::string service_id, owner_team_id, source, owner;
  std::vector<std::string> tags;
  std::map<std::string, std::string> details;
  std::vector<Participant> responders;
  bool is_seen = false, deleted = false;
  Time created_at{}, updated_at{};
  std::vector<LogLine> notes;
  std::vector<TimelineEntry> timeline;
  int64_t next_seq = 1;
  // One alert per responder, created with the incident (GET .../responder-alert-ids).
  std::vector<std::string> responder_alert_ids;
};

// One request accepted with 202: what GET /v2/alerts/requests/{id} (or /v1/incidents/...)
// reports once it is processed.
struct Request {
  std::string id, domain;  // "alert" | "incident"
  std::string action;      // Create, Acknowledge, UnAcknowledge, Close, AddNote, Delete, Resolve
  Time accepted_at{}, due{};
  bool processed = false, success = false;
  std::string status;  // "Created alert", "Alert does not exist", ...
  std::string alert_id, alias, incident_id;
};

struct Integration {
  std::string id, name, type = "API";
};

struct World {
  std::vector<User> users;
  std::vector<Team> teams;
  std::vector<Service> services;
  std::vector<Schedule> schedules;
  std::vector<Escalation> escalations;
  std::vector<Alert> alerts;        // creation order (oldest first); deleted ones stay, flagged
  std::vector<Incident> incidents;  // creation order
  std::unordered_map<std::string, Request> requests;
  Integration integration;
  int64_t next_tiny = 1, next_incident_tiny = 1;

  const User* FindUser(std::string_view id_or_username) const;
  const Team* FindTeam(std::string_view id, bool by_name = false) const;
  Schedule* FindSchedule(std::string_view id, bool by_name = false);
  const Escalation* FindEscalation(std::string_view id, bool by_name = false) const;
  const Service* FindService(std::string_view id) const;
  // identifier_type "id" | "tiny" | "alias"; the alias names the open alert with it, else the
  // newest one. nullptr when none (or deleted).
  Alert* FindAlert(std::string_view identifier, std::string_view identifier_type);
  // identifier_type "id" | "tiny".
  Incident* FindIncident(std::string_view identifier, std::string_view identifier_type);

  // Appends an alert and indexes it; the reference is valid until the next AddAlert.
  Alert& AddAlert(Alert alert);
  Incident& AddIncident(Incident incident);
  // Keeps the alias index right after `a` changed status or was deleted.
  void Reindex(const Alert& a);
  // Puts alerts and incidents in creation order and rebuilds every index (after a fixture added
  // some out of order).
  void SortByCreation();

 private:
  std::unordered_map<std::string, size_t> alert_by_id_, alert_by_tiny_;
  std::unordered_map<std::string, size_t> alias_open_, alias_last_;
  std::unordered_map<std::string, size_t> incident_by_id_, incident_by_tiny_;
};

// A random version 4 UUID from `rng` ("8743a1b2-11da-480e-8493-744660987bef").
std::string NewUuid(Rng& rng);

// Milliseconds since the epoch (Opsgenie alert ids end with the creation time in ms).
int64_t EpochMillis(Time t);

}  // namespace im::sim::opsgenie

// The PagerDuty simulator's account: plain data, the field names of the REST API v2 objects
// (providers.md §1, specs/pagerduty/rest-api-v2.openapiv3.json). JSON rendering is in json.cc.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/clock.h"

namespace im::sim::pagerduty {

struct User {
  std::string id, name, email, time_zone, role, job_title;
  std::vector<std::string> team_ids;
};

struct Team {
  std::string id, name, description;
};

struct Target {
  std::string type;  // "user_reference" | "schedule_reference"
  std::string id;
};

struct EscalationRule {
  std::string id;
  int delay_minutes = 30;
  std::vector<Target> targets;
};

struct EscalationPolicy {
  std::string id, name, description;
  int num_loops = 0;
  std::vector<EscalationRule> rules;
  std::vector<std::string> team_ids;
};

struct Service {
  std::string id, name, description, status = "active", escalation_policy_id;
  std::vector<std::string> team_ids;
  Time created_at{};
  std::string integration_key;  // Events API v2 routing key (32 characters)
};

struct Restriction {
  std::string type;                 // "daily_restriction" | "weekly_restriction"
  int64_t start_second_of_day = 0;  // "HH:mm:ss" on the wire
  int64_t duration_seconds = 0;
  int start_day_of_week = 1;  // ISO 1 = Monday .. 7; weekly only
};

struct Layer {
  std::string id, name;
  Time start{};
  std::optional<Time> end;
  Time rotation_virtual_start{};
  int64_t rotation_turn_length_seconds = 86400;
  std::vector<std::string> user_ids;
  std::vector<Restriction> restrictions;
};

struct Override {
  std::string id;
  Time start{}, end{};
  std::string user_id;
};

struct Schedule {
  std::string id, name, description, time_zone;
  std::vector<Layer> layers;  // a later layer wins over an earlier one
  std::vector<Override> overrides;
  std::vector<std::string> team_ids;
};

struct Priority {
  std::string id, name, description;
};

struct Agent {
  std::string type;  // "user_reference" | "service_reference"
  std::string id;
};

struct LogEntry {
  std::string id, type;  // "trigger_log_entry", ...
  Time created_at{};
  Agent agent;
  std::string channel = "api";  // channel.type
  std::string note;             // resolution text, annotation, ...
  std::vector<std::string> assignee_ids;
};

struct Note {
  std::string id, user_id, content;
  Time created_at{};
};

struct Alert {
  std::string id, status, summary, severity, alert_key;
  Time created_at{};
};

struct Incident {
  std::string id;
  int64_t number = 0;
  std::string title, status = "triggered", urgency = "high", service_id, escalation_policy_id;
  std::string incident_key, priority_id, resolution, routing_key;
  Time created_at{}, updated_at{}, last_status_change_at{};
  Agent last_status_change_by;
  std::optional<Time> resolved_at;
  struct Stamp {
    Time at{};
    std::string user_id;
  };
  std::vector<Stamp> assignments;       // empty when resolved
  std::vector<Stamp> acknowledgements;  // empty unless acknowledged
  std::vector<Note> notes;
  std::vector<LogEntry> log;  // oldest first
  std::vector<Alert> alerts;
  int escalation_level = 1;
  // IncidentJson of this incident as text, served by GET /incidents while `rendered_rev` is
  // the state's revision (State::revision); a cache, not part of the incident.
  mutable std::string rendered;
  mutable uint64_t rendered_rev = 0;
};

struct WebhookSubscription {
  std::string id, url, description, filter_type = "account_reference", filter_id;
  std::vector<std::string> events;
  std::string secret;  // shown once, in the create response
  bool active = true;
  // PagerDuty disables a subscription for 24 h after 3 consecutive dropped deliveries (a 4xx
  // other than 429, or retries given up); POST .../enable ends it at once.
  int consecutive_drops = 0;
  std::optional<Time> disabled_until;
  bool TemporarilyDisabled(Time now) const { return disabled_until && now < *disabled_until; }
};

// A change event received on /v2/change/enqueue (PagerDuty keeps them 90 days).
struct ChangeEvent {
  std::string id, service_id, routing_key, summary, source;
  Time timestamp{};
  std::string custom_details;                              // JSON object text
  std::vector<std::pair<std::string, std::string>> links;  // href, text
};

struct World {
  std::vector<User> users;
  std::vector<Team> teams;
  std::vector<EscalationPolicy> escalation_policies;
  std::vector<Service> services;
  std::vector<Schedule> schedules;
  std::vector<Priority> priorities;
  std::vector<Incident> incidents;  // by created_at, oldest first
  std::unordered_map<std::string, size_t> incident_index;
  std::vector<WebhookSubscription> subscriptions;
  std::vector<ChangeEvent> change_events;  // in the order received
  int64_t next_number = 1;
  uint64_t next_serial = 1;  // feeds unique ids of things created later

  const User* FindUser(std::string_view id) const;
  const User* FindUserByEmail(std::string_view email) const;
  const Service* FindService(std::string_view id) const;
  const Service* FindServiceByRoutingKey(std::string_view key) const;
  Incident* FindIncident(const std::string& id);
  void AddIncident(Incident incident);
  // A unique id: `prefix` then base-36 digits of a bijective mix of a serial number.
  std::string NewId(char prefix, size_t length);
};

}  // namespace im::sim::pagerduty

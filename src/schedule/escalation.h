// Escalation policies (PagerDuty's shape): ordered rules, each with a delay and targets (users or
// schedules), repeated num_loops times, linked to services by name. Who is paged at each level.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "schedule/valid_schedule.h"

namespace im::schedule {

struct EscalationTarget {
  enum class Type { kUser, kSchedule };
  Type type = Type::kUser;
  std::string id;  // the user's email, or the schedule's id
};

struct EscalationRule {
  std::chrono::minutes delay{30};  // escalation_delay_in_minutes: wait before the next rule
  std::vector<EscalationTarget> targets;
};

struct EscalationPolicy {
  std::string id;
  std::string name;
  std::vector<EscalationRule> rules;  // level 1 first
  int num_loops = 0;                  // extra passes over all rules after the last one
  std::vector<std::string> services;  // service names this policy pages for
};

// Schedules by id, as escalation targets name them.
using ScheduleIndex = std::map<std::string, ValidSchedule, std::less<>>;

struct OnCallUser {
  std::string user;
  std::string schedule_id;    // "" when the rule targets the user directly
  std::optional<Time> until;  // end of their on-call stretch; nullopt for direct targets

  bool operator==(const OnCallUser&) const = default;
};

struct LevelOnCall {
  int level = 0;                  // 1-based
  std::vector<OnCallUser> users;  // in target order, without repeats; empty = nobody
};

struct EscalationStep {
  int level = 0;  // 1-based
  int loop = 0;   // 0 = first pass, up to num_loops
  Time notify_at;
  std::vector<OnCallUser> users;  // resolved at notify_at
};

// kInvalidArgument for a policy without rules, a rule without targets, a non-positive delay or
// negative num_loops; kNotFound for a schedule target missing from `schedules`.
[[nodiscard]] Result<void> ValidatePolicy(const EscalationPolicy& policy,
                                          const ScheduleIndex& schedules);

// Who is on call at each level at `at` (PagerDuty's /oncalls for one policy).
[[nodiscard]] Result<std::vector<LevelOnCall>> OnCallForPolicy(const EscalationPolicy& policy,
                                                               const ScheduleIndex& schedules,
                                                               Time at);

// Who is paged when, for an incident triggered at `triggered_at` that nobody acknowledges:
// every rule in order, each after the previous rule's delay, for 1 + num_loops passes.
[[nodiscard]] Result<std::vector<EscalationStep>> EscalationPlan(const EscalationPolicy& policy,
                                                                 const ScheduleIndex& schedules,
                                                                 Time triggered_at);

// The first policy that lists `service`, or nullptr.
const EscalationPolicy* PolicyForService(const std::vector<EscalationPolicy>& policies,
                                         std::string_view service);

}  // namespace im::schedule

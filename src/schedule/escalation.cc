#include "schedule/escalation.h"

#include <algorithm>

#include "schedule/oncall.h"

namespace im::schedule {
namespace {

Result<std::vector<OnCallUser>> ResolveRule(const EscalationRule& rule,
                                            const ScheduleIndex& schedules, Time at) {
  std::vector<OnCallUser> users;
  auto add = [&](OnCallUser u) {
    if (std::find(users.begin(), users.end(), u) == users.end()) users.push_back(std::move(u));
  };
  for (const EscalationTarget& target : rule.targets) {
    if (target.type == EscalationTarget::Type::kUser) {
      add({target.id, "", std::nullopt});
      continue;
    }
    auto it = schedules.find(target.id);
    if (it == schedules.end()) {
      return Fail(ErrorCode::kNotFound, "escalation target schedule '" + target.id +
                                            "' is not known; sync or create it first");
    }
    if (auto shift = OnCallAt(it->second, at)) add({shift->user, target.id, shift->end});
  }
  return users;
}

}  // namespace

Result<void> ValidatePolicy(const EscalationPolicy& policy, const ScheduleIndex& schedules) {
  if (policy.rules.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "escalation_rules: needs at least one rule");
  }
  if (policy.num_loops < 0) {
    return Fail(ErrorCode::kInvalidArgument, "num_loops: must be 0 or more");
  }
  for (size_t i = 0; i < policy.rules.size(); ++i) {
    const std::string field = "escalation_rules[" + std::to_string(i) + "]";
    const EscalationRule& rule = policy.rules[i];
    if (rule.delay <= std::chrono::minutes(0)) {
      return Fail(ErrorCode::kInvalidArgument,
                  field + ".escalation_delay_in_minutes: must be at least 1");
    }
    if (rule.targets.empty()) {
      return Fail(ErrorCode::kInvalidArgument, field + ".targets: needs at least one target");
    }
    for (const EscalationTarget& t : rule.targets) {
      if (t.type == EscalationTarget::Type::kSchedule && !schedules.contains(t.id)) {
        return Fail(ErrorCode::kNotFound,
                    field + ".targets: schedule '" + t.id + "' is not known; sync it first");
      }
    }
  }
  return Ok();
}

Result<std::vector<LevelOnCall>> OnCallForPolicy(const EscalationPolicy& policy,
                                                 const ScheduleIndex& schedules, Time at) {
  std::vector<LevelOnCall> levels;
  levels.reserve(policy.rules.size());
  for (size_t i = 0; i < policy.rules.size(); ++i) {
    auto users = ResolveRule(policy.rules[i], schedules, at);
    if (!users) return std::unexpected(users.error());
    levels.push_back({static_cast<int>(i) + 1, std::move(*users)});
  }
  return levels;
}

Result<std::vector<EscalationStep>> EscalationPlan(const EscalationPolicy& policy,
                                                   const ScheduleIndex& schedules,
                                                   Time triggered_at) {
  auto ok = ValidatePolicy(policy, schedules);
  if (!ok) return std::unexpected(ok.error());
  std::vector<EscalationStep> steps;
  Time notify_at = triggered_at;
  for (int loop = 0; loop <= policy.num_loops; ++loop) {
    for (size_t i = 0; i < policy.rules.size(); ++i) {
      auto users = ResolveRule(policy.rules[i], schedules, notify_at);
      if (!users) return std::unexpected(users.error());
      steps.push_back({static_cast<int>(i) + 1, loop, notify_at, std::move(*users)});
      notify_at += policy.rules[i].delay;
    }
  }
  return steps;
}

const EscalationPolicy* PolicyForService(const std::vector<EscalationPolicy>& policies,
                                         std::string_view service) {
  for (const EscalationPolicy& p : policies) {
    if (std::find(p.services.begin(), p.services.end(), service) != p.services.end()) return &p;
  }
  return nullptr;
}

}  // namespace im::schedule

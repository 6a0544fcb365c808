// The on-call use cases: gather stored definitions, validate them, and ask src/schedule.
#include "engine/oncall.h"

#include <set>

#include "schedule/schedule_json.h"
#include "schedule/valid_schedule.h"
#include "schedule/zone.h"

namespace im::engine {
namespace {

using schedule::ScheduleIndex;

// Every stored schedule, validated, by id.
Result<ScheduleIndex> LoadIndex(store::ScheduleStore& store,
                                std::vector<store::StoredSchedule>* rows = nullptr) {
  auto all = store.ListSchedules();
  if (!all) return std::unexpected(all.error());
  ScheduleIndex index;
  for (const auto& s : *all) {
    auto valid = schedule::Validate(s.schedule);
    if (!valid)
      return std::unexpected(schedule::AtPath(valid.error(), "schedule " + s.schedule.id));
    index.emplace(s.schedule.id, std::move(*valid));
  }
  if (rows) *rows = std::move(*all);
  return index;
}

ScheduleOnCall Describe(const store::StoredSchedule& row, const schedule::ValidSchedule& s,
                        Time at) {
  ScheduleOnCall out{.schedule = row, .current = schedule::OnCallAt(s, at)};
  auto next = schedule::NextHandoffs(s, at, 1);
  if (!next.empty()) {
    out.next = next.front();
    out.next_utc_offset = schedule::UtcOffset(next.front().at, s.zone());
  }
  return out;
}

// A policy error found while importing is a mistake in the input, whatever its code.
Error InputError(const Error& e, const std::string& path) {
  Error out = schedule::AtPath(e, path);
  if (out.code == ErrorCode::kNotFound) out.code = ErrorCode::kInvalidArgument;
  return out;
}

}  // namespace

Result<ImportCounts> OnCall::Import(const store::SourceContents& contents,
                                    const std::string& source) {
  // The schedules policies may target: the other sources' as stored, this source's as given.
  auto existing = store_.ListSchedules();
  if (!existing) return std::unexpected(existing.error());
  ScheduleIndex index;
  for (const auto& s : *existing) {
    if (s.source == source) continue;
    if (auto valid = schedule::Validate(s.schedule))
      index.emplace(s.schedule.id, std::move(*valid));
  }
  std::set<std::string> ids;
  store::SourceContents checked = contents;
  for (size_t i = 0; i < checked.schedules.size(); ++i) {
    auto& s = checked.schedules[i];
    const std::string path = "schedules[" + std::to_string(i) + "]";
    auto valid = schedule::Validate(s.schedule);
    if (!valid) return std::unexpected(InputError(valid.error(), path));
    if (!ids.insert(s.schedule.id).second) {
      return Fail(ErrorCode::kInvalidArgument,
                  path + ".id: '" + s.schedule.id + "' is used by an earlier schedule");
    }
    index.insert_or_assign(s.schedule.id, std::move(*valid));
    s.source = source;
    s.updated_at = clock_.Now();
  }
  ids.clear();
  for (size_t i = 0; i < checked.policies.size(); ++i) {
    auto& p = checked.policies[i];
    const std::string path = "escalation_policies[" + std::to_string(i) + "]";
    if (auto ok = schedule::ValidatePolicy(p.policy, index); !ok) {
      return std::unexpected(InputError(ok.error(), path));
    }
    if (!ids.insert(p.policy.id).second) {
      return Fail(ErrorCode::kInvalidArgument,
                  path + ".id: '" + p.policy.id + "' is used by an earlier policy");
    }
    p.source = source;
    p.updated_at = clock_.Now();
  }
  for (size_t i = 0; i < checked.people.size(); ++i) {
    const auto& person = checked.people[i];
    const std::string path = "people[" + std::to_string(i) + "]";
    if (person.email.empty()) return Fail(ErrorCode::kInvalidArgument, path + ".email: is missing");
    if (!person.time_zone.empty()) {
      if (auto zone = schedule::LocateZone(person.time_zone); !zone) {
        return std::unexpected(InputError(zone.error(), path));
      }
    }
  }
  return store_.ReplaceSource(source, checked);
}

Result<bool> OnCall::SaveSchedule(schedule::Schedule s) {
  if (auto valid = schedule::Validate(s); !valid) {
    return std::unexpected(schedule::AtPath(valid.error(), "schedule"));
  }
  auto before = store_.FindSchedule(store::kImSource, s.id);
  if (!before) return std::unexpected(before.error());
  auto id = store_.UpsertSchedule({.schedule = std::move(s), .updated_at = clock_.Now()});
  if (!id) return std::unexpected(id.error());
  return !before->has_value();
}

Result<bool> OnCall::SavePolicy(schedule::EscalationPolicy p) {
  auto index = LoadIndex(store_);
  if (!index) return std::unexpected(index.error());
  if (auto ok = schedule::ValidatePolicy(p, *index); !ok) {
    return std::unexpected(InputError(ok.error(), "escalation policy"));
  }
  auto before = store_.FindPolicy(store::kImSource, p.id);
  if (!before) return std::unexpected(before.error());
  auto id = store_.UpsertPolicy({.policy = std::move(p), .updated_at = clock_.Now()});
  if (!id) return std::unexpected(id.error());
  return !before->has_value();
}

Result<ScheduleOnCall> OnCall::ForSchedule(const std::string& id, Time at) {
  auto row = store_.GetSchedule(id);
  if (!row) return std::unexpected(row.error());
  auto valid = schedule::Validate(row->schedule);
  if (!valid) return std::unexpected(schedule::AtPath(valid.error(), "schedule " + id));
  return Describe(*row, *valid, at);
}

Result<std::vector<ScheduleOnCall>> OnCall::ForAllSchedules(Time at) {
  std::vector<store::StoredSchedule> rows;
  auto index = LoadIndex(store_, &rows);
  if (!index) return std::unexpected(index.error());
  std::vector<ScheduleOnCall> out;
  for (const auto& row : rows) out.push_back(Describe(row, index->at(row.schedule.id), at));
  return out;
}

Result<std::vector<schedule::EscalationStep>> OnCall::Plan(const std::string& policy_id,
                                                           Time triggered_at) {
  auto policy = store_.GetPolicy(policy_id);
  if (!policy) return std::unexpected(policy.error());
  auto index = LoadIndex(store_);
  if (!index) return std::unexpected(index.error());
  return schedule::EscalationPlan(policy->policy, *index, triggered_at);
}

Result<ServiceOnCall> OnCall::ForService(const std::string& service, Time at) {
  auto policy = store_.PolicyForService(service);
  if (!policy) return std::unexpected(policy.error());
  if (!*policy) {
    return Fail(
        ErrorCode::kNotFound,
        "no escalation policy pages for service '" + service +
            "'; list policies with `im oncall policies` or add one with `im oncall import`");
  }
  std::vector<store::StoredSchedule> rows;
  auto index = LoadIndex(store_, &rows);
  if (!index) return std::unexpected(index.error());
  const auto& p = (*policy)->policy;
  auto levels = schedule::OnCallForPolicy(p, *index, at);
  if (!levels) return std::unexpected(levels.error().Wrap("escalation policy " + p.id));
  auto plan = schedule::EscalationPlan(p, *index, at);
  if (!plan) return std::unexpected(plan.error().Wrap("escalation policy " + p.id));
  ServiceOnCall out{.service = service, .policy = **policy, .levels = std::move(*levels), .at = at};
  for (auto& step : *plan) {
    if (step.loop == 0) out.escalation.push_back(std::move(step));
  }
  // Level 1 may page several schedules (an Opsgenie schedule's rotations are one im schedule
  // each): the primary is the first of them with someone on call, else the first.
  for (const auto& target : p.rules.front().targets) {
    if (target.type != schedule::EscalationTarget::Type::kSchedule) continue;
    for (const auto& row : rows) {
      if (row.schedule.id != target.id) continue;
      ScheduleOnCall described = Describe(row, index->at(target.id), at);
      if (!out.primary || (!out.primary->current && described.current)) {
        out.primary = std::move(described);
      }
    }
    if (out.primary && out.primary->current) break;
  }
  return out;
}

Result<std::vector<schedule::Shift>> OnCall::Shifts(const std::string& id, Time since, Time until) {
  auto row = store_.GetSchedule(id);
  if (!row) return std::unexpected(row.error());
  auto valid = schedule::Validate(row->schedule);
  if (!valid) return std::unexpected(schedule::AtPath(valid.error(), "schedule " + id));
  return schedule::RenderShifts(*valid, since, until);
}

Result<std::map<std::string, schedule::HoursBreakdown>> OnCall::Hours(Time since, Time until) {
  if (until <= since) {
    return Fail(ErrorCode::kInvalidArgument, "until must be after since");
  }
  auto index = LoadIndex(store_);
  if (!index) return std::unexpected(index.error());
  auto people = store_.ListPeople();
  if (!people) return std::unexpected(people.error());
  std::map<std::string, std::string> zones;
  for (const auto& p : *people) {
    if (!p.time_zone.empty()) zones[p.email] = p.time_zone;
  }
  std::vector<const schedule::ValidSchedule*> schedules;
  for (const auto& [id, s] : *index) schedules.push_back(&s);
  return schedule::OnCallHours(schedules, since, until, zones);
}

Result<std::vector<ScheduleGaps>> OnCall::Gaps(Time since, Time until, const std::string& id) {
  if (until <= since) {
    return Fail(ErrorCode::kInvalidArgument, "until must be after since");
  }
  std::vector<ScheduleGaps> out;
  if (!id.empty()) {
    auto row = store_.GetSchedule(id);
    if (!row) return std::unexpected(row.error());
  }
  auto index = LoadIndex(store_);
  if (!index) return std::unexpected(index.error());
  for (const auto& [sid, s] : *index) {
    if (!id.empty() && sid != id) continue;
    out.push_back({sid, s.spec().time_zone, schedule::Gaps(s, since, until)});
  }
  return out;
}

}  // namespace im::engine

// The on-call use cases shared by the CLI and the HTTP API: load schedules and policies from the
// ScheduleStore, validate them, and answer who is on call (for a schedule, for a service through
// its escalation policy), the shifts, hours and gaps of a window, and save definitions made in
// im (a YAML file, the API). The time math is src/schedule's; this only gathers the data.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "schedule/escalation.h"
#include "schedule/hours.h"
#include "schedule/oncall.h"
#include "store/schedule_store.h"

namespace im::engine {

// Who is on call on one schedule at an instant, and the next change.
struct ScheduleOnCall {
  store::StoredSchedule schedule;
  std::optional<schedule::Shift> current;   // nullopt = nobody; offsets in the schedule's zone
  std::optional<schedule::Handoff> next;    // nullopt = no change within kMaxReach
  std::chrono::seconds next_utc_offset{0};  // the schedule's offset at next->at
};

// Who is on call for a service at an instant: its policy, the primary on-call (the first
// schedule of level 1 with someone on call, else its first schedule, when there is one), and
// who is paged after how long if nobody
// acknowledges (first pass of the escalation plan).
struct ServiceOnCall {
  std::string service;
  store::StoredPolicy policy;
  std::vector<schedule::LevelOnCall> levels;
  std::optional<ScheduleOnCall> primary;
  std::vector<schedule::EscalationStep> escalation;  // level 1 first, first pass only
  Time at;
};

struct ScheduleGaps {
  std::string schedule_id;
  std::string time_zone;
  std::vector<schedule::Gap> gaps;
};

// What an import did, for the user.
using ImportCounts = store::ReplaceCounts;

class OnCall {
 public:
  OnCall(store::ScheduleStore& store, const Clock& clock) : store_(store), clock_(clock) {}

  // Checks every schedule (Validate), policy (against these schedules and the other sources'),
  // person (known zone) and the ids (no repeats), then replaces source `source` with them in one
  // transaction. Errors name the field ("schedules[1].time_zone: unknown time zone 'x'"); on
  // error nothing is stored.
  Result<ImportCounts> Import(const store::SourceContents& contents,
                              const std::string& source = std::string(store::kImSource));
  // Validates and upserts one im-defined schedule / policy; true when it was new.
  Result<bool> SaveSchedule(schedule::Schedule schedule);
  Result<bool> SavePolicy(schedule::EscalationPolicy policy);

  Result<ScheduleOnCall> ForSchedule(const std::string& id, Time at);
  Result<std::vector<ScheduleOnCall>> ForAllSchedules(Time at);
  // kNotFound when no escalation policy lists the service.
  Result<ServiceOnCall> ForService(const std::string& service, Time at);

  // Who is paged when for an incident of policy `policy_id` triggered at `triggered_at` that
  // nobody acknowledges (schedule::EscalationPlan over the stored schedules).
  Result<std::vector<schedule::EscalationStep>> Plan(const std::string& policy_id,
                                                     Time triggered_at);

  // The final schedule over [since, until), offsets in the schedule's zone.
  Result<std::vector<schedule::Shift>> Shifts(const std::string& id, Time since, Time until);
  // Per engineer over all schedules, split in each engineer's zone (people table).
  Result<std::map<std::string, schedule::HoursBreakdown>> Hours(Time since, Time until);
  // Uncovered stretches of every schedule (or of `id` when given).
  Result<std::vector<ScheduleGaps>> Gaps(Time since, Time until, const std::string& id = "");

  store::ScheduleStore& store() { return store_; }

 private:
  store::ScheduleStore& store_;
  const Clock& clock_;
};

}  // namespace im::engine

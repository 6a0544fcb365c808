// im's API JSON for the on-call views (who is on call for a schedule or a service, stored
// definitions with their source, hours per engineer, gaps), used by the HTTP API and by
// `im oncall --json`. Instants are printed in the schedule's zone with its offset.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/json.h"
#include "engine/oncall.h"

namespace im::engine {

// RFC 3339 with the offset `zone` has at `t` ("2026-11-01T01:30:00-04:00"); UTC when `zone` is
// "" or unknown.
std::string FormatInZone(Time t, const std::string& zone);

// ScheduleToJson plus "source", "external_id", "updated_at".
json::object StoredScheduleToJson(const store::StoredSchedule& s);
json::object StoredPolicyToJson(const store::StoredPolicy& p);

// {"schedule":{"id","name","time_zone","source"},"at","current":{"user","start","end"}|null,
//  "next":{"at","from","to"}|null}
json::object ScheduleOnCallToJson(const ScheduleOnCall& s, Time at);

// {"service","at","escalation_policy":{"id","name"},"schedule":<primary>|null,"current","next",
//  "levels":[{"level","users":[{"user","schedule_id","until"}]}],
//  "escalation":[{"level","after_minutes","notify_at","users":[..]}]}
json::object ServiceOnCallToJson(const ServiceOnCall& s);

// {"since","until","engineers":[{"email","business_hours",..,"total_hours"}]}, by email.
json::object HoursReportToJson(const std::map<std::string, schedule::HoursBreakdown>& hours,
                               Time since, Time until);

// {"since","until","schedules":[{"schedule_id","time_zone","gaps":[{"start","end"}]}]}
json::object GapsToJson(const std::vector<ScheduleGaps>& gaps, Time since, Time until);

}  // namespace im::engine

// im's JSON for on-call schedules, escalation policies and shifts: the one place that decides
// their field names (PagerDuty's words), used by the store, the HTTP API, `--json` on the CLI
// and the YAML definitions file (which is the same document written in YAML).
#pragma once

#include <string_view>

#include "common/json.h"
#include "schedule/escalation.h"
#include "schedule/hours.h"
#include "schedule/model.h"

namespace im::schedule {

// {"id","name","time_zone","schedule_layers":[{"name","start","end","rotation_virtual_start",
//  "rotation_turn_length_seconds","users":[email..],"restrictions":[{"type":"daily_restriction"|
//  "weekly_restriction","start_time_of_day":"HH:MM:SS","duration_seconds","start_day_of_week"}]}],
//  "overrides":[{"id","start","end","user"}]}
json::object ScheduleToJson(const Schedule& schedule);

// Reads what ScheduleToJson writes. Also accepts, for people writing it by hand:
// "rotation_turn_length" and "duration" as durations ("1d", "12h"), "daily"/"weekly" as
// restriction types, a missing "rotation_virtual_start" (= start) and "name" (= id).
// Errors are kInvalidArgument "<path>.<field>: <what>", e.g.
// "schedules[0].schedule_layers[1].start: cannot read 'x'; use RFC 3339". Checks the shape only;
// Validate checks the meaning.
[[nodiscard]] Result<Schedule> ScheduleFromJson(const json::value& v, std::string_view path);

// {"id","name","num_loops","services":[name..],"escalation_rules":[{"escalation_delay_in_minutes",
//  "targets":[{"type":"user"|"schedule","id"}]}]}
json::object PolicyToJson(const EscalationPolicy& policy);
[[nodiscard]] Result<EscalationPolicy> PolicyFromJson(const json::value& v, std::string_view path);

// {"user","start","end"}: instants printed with the shift's own offsets.
json::object ShiftToJson(const Shift& shift);

// {"business_hours","evening_hours","night_weekend_hours","total_hours"} in hours rounded to
// 1/100, and the same as whole "*_seconds".
json::object HoursToJson(const HoursBreakdown& hours);

// Prefixes an error's message with a path: "<path>.<message>" (or "<path>: <message>" when the
// message does not start with a field name), so errors from Validate name the full field.
Error AtPath(const Error& error, std::string_view path);

}  // namespace im::schedule

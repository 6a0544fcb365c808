// Opsgenie rotations (`/v2/schedules/{id}/rotations`) as layers of the PagerDuty-shaped model.
// Opsgenie puts the participants of every rotation of a schedule on call at the same time,
// while a Schedule here has one person on call; give each concurrent rotation its own Schedule.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "schedule/model.h"

namespace im::schedule {

struct OpsgenieRotation {
  struct Participant {
    std::string type;      // "user" or "none" (a turn with nobody); teams must be expanded first
    std::string username;  // the user's email
  };
  // `timeRestriction` of type "time-of-day": every day from start to end (end <= start wraps
  // past midnight; end == start is the whole day).
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

  std::string name;
  Time start_date;
  std::optional<Time> end_date;
  std::string type;  // "hourly" | "daily" | "weekly"
  int length = 1;    // turns last `length` units of `type`
  std::vector<Participant> participants;
  std::optional<TimeOfDay> time_of_day;
  std::vector<WeekdayWindow> weekday_windows;
};

// The layer that renders like the rotation: the turn anchor is startDate, hourly turns are
// elapsed time and daily/weekly ones wall-clock (docs/oncall.md). kInvalidArgument names the
// bad field (e.g. "rotations.type: unknown 'monthly'").
[[nodiscard]] Result<Layer> LayerFromOpsgenie(const OpsgenieRotation& rotation);

// "monday" → 1 .. "sunday" → 7 (any case); 0 when unknown.
int IsoDayFromName(std::string_view name);

}  // namespace im::schedule

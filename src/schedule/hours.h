// On-call load: time on call per engineer, split by when it falls in the engineer's own day.
// Business = Mon–Fri 09:00–18:00; evening = Mon–Fri 06:00–09:00 and 18:00–24:00;
// night/weekend = Mon–Fri 00:00–06:00 and all of Saturday and Sunday. Public holidays are not
// known here and count as the weekday they fall on.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/error.h"
#include "schedule/valid_schedule.h"
#include "schedule/zone.h"

namespace im::schedule {

struct HoursBreakdown {
  Duration business{0};
  Duration evening{0};
  Duration night_weekend{0};

  Duration Total() const { return business + evening + night_weekend; }
  HoursBreakdown& operator+=(const HoursBreakdown& other);
  bool operator==(const HoursBreakdown&) const = default;
};

// Splits [start, end) by wall-clock time in `zone`. Amounts are elapsed time, so a night that
// DST shortens counts 1 hour less.
HoursBreakdown SplitHours(Time start, Time end, Zone zone);

// Time each engineer is on call in [since, until) on the final `schedules`, split in the
// engineer's zone: `user_zones` maps email → IANA zone; engineers not in it use the zone of the
// schedule being counted. Being on call on two schedules at once counts on both.
// kInvalidArgument names an unknown zone ("user_zones[ann@example.com]").
[[nodiscard]] Result<std::map<std::string, HoursBreakdown>> OnCallHours(
    const std::vector<const ValidSchedule*>& schedules, Time since, Time until,
    const std::map<std::string, std::string>& user_zones);

}  // namespace im::schedule

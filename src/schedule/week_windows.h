// Sets of wall-clock windows within a week, as offsets from Monday 00:00; used to intersect
// restrictions when converting other providers' rotations into layers.
#pragma once

#include <chrono>
#include <vector>

#include "schedule/model.h"

namespace im::schedule {

// Sorted, disjoint [start, end) offsets within [0, 7 days).
using WeekWindows = std::vector<std::pair<std::chrono::seconds, std::chrono::seconds>>;

// The windows of restrictions (daily ones repeat on all seven days); empty list = whole week.
WeekWindows ToWeekWindows(const std::vector<Restriction>& restrictions);

WeekWindows Intersect(const WeekWindows& a, const WeekWindows& b);

// One weekly restriction per window.
std::vector<Restriction> ToWeeklyRestrictions(const WeekWindows& windows);

}  // namespace im::schedule

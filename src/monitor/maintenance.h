// Maintenance windows: while one is on, a monitor's failures are recorded but no outage opens
// and nobody is paged. A window is one-off (two instants) or weekly (days of the week and a
// wall-clock time range in an IANA zone, which follows that zone's DST changes).
//
// Written forms (CLI flag, API and YAML field, all the same text):
//   once 2026-12-05T01:00:00Z 2026-12-05T03:00:00Z
//   weekly sat,sun 02:00-04:00 Europe/Berlin      (an end before the start runs past midnight)
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/error.h"

namespace im::monitor {

struct MaintenanceWindow {
  enum class Kind { kOnce, kWeekly };
  Kind kind = Kind::kOnce;
  // kOnce: [start, end).
  Time start{}, end{};
  // kWeekly: ISO weekdays (1 = Monday .. 7 = Sunday) on which the window starts, the local
  // start time and length (a window from 22:00 to 02:00 lasts 4 h of wall-clock time).
  std::vector<int> weekdays;
  std::chrono::minutes local_start{0};
  std::chrono::minutes local_end{0};
  std::string time_zone;
  std::string text;  // as written, normalized
};

// Parses the written form; kInvalidArgument naming `field` and the part that is wrong.
Result<MaintenanceWindow> ParseMaintenanceWindow(std::string_view text,
                                                 std::string_view field = "maintenance");

// True when `t` falls inside the window. A weekly window starts at its local start time on
// each of its days and ends at its local end time (the next day when the end is earlier);
// local times DST skips map to the instant the clocks jump, repeated ones to the first.
bool InWindow(const MaintenanceWindow& w, Time t);

// True when `t` falls inside any of the windows.
bool InMaintenance(const std::vector<MaintenanceWindow>& windows, Time t);

}  // namespace im::monitor

// Queries on one schedule: who is on call at an instant, the shifts in a window, the next
// hand-offs, and the gaps. Pure functions of the schedule and the instants given.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "schedule/model.h"
#include "schedule/valid_schedule.h"

namespace im::schedule {

struct RenderOptions {
  // PagerDuty's `overflow`: false cuts shifts at since/until; true returns the shifts that
  // cross them whole (looking at most kMaxReach beyond the window).
  bool overflow = false;
  // PagerDuty's render `time_zone`: only the printed offsets change (Shift::*_utc_offset);
  // the instants, and the restrictions (always in the schedule's zone), do not. "" = schedule's.
  std::string time_zone;
};

// How far beyond a window queries look for the real start or end of a shift, and how far
// ahead NextHandoffs looks. A user on call without a break for longer is reported up to here.
inline constexpr Duration kMaxReach = std::chrono::days(366);

// The final schedule over [since, until): layers, then overrides, back-to-back stretches of one
// user merged. kInvalidArgument when until <= since or the render zone is unknown.
[[nodiscard]] Result<std::vector<Shift>> RenderShifts(const ValidSchedule& schedule, Time since,
                                                      Time until,
                                                      const RenderOptions& options = {});

// Who is on call at `at`, with the whole stretch they are on call for (offsets in the
// schedule's zone); nullopt when nobody is.
std::optional<Shift> OnCallAt(const ValidSchedule& schedule, Time at);

// The next `count` changes of the on-call person strictly after `after` (fewer if the schedule
// runs out within kMaxReach). Going off call and coming back on are hand-offs to/from "".
std::vector<Handoff> NextHandoffs(const ValidSchedule& schedule, Time after, int count);

// The stretches of [since, until) with nobody on call.
std::vector<Gap> Gaps(const ValidSchedule& schedule, Time since, Time until);

}  // namespace im::schedule

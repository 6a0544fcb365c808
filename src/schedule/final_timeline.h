// The final schedule: layers stacked (later wins), overrides on top (newer wins), and
// back-to-back stretches of the same user merged into one.
#pragma once

#include <string>
#include <vector>

#include "schedule/valid_schedule.h"

namespace im::schedule {

struct Segment {
  Time start;
  Time end;
  const std::string* user;  // points into the ValidSchedule
};

// Who is on call over [since, until), clipped to it, sorted, non-overlapping; gaps are absent.
std::vector<Segment> FinalTimeline(const ValidSchedule& schedule, Time since, Time until);

}  // namespace im::schedule

// Renders PagerDuty schedule layers the way the REST API documents them: each layer rotates its
// users every rotation_turn_length_seconds from rotation_virtual_start, clipped to the layer's
// start/end and to its restrictions (a "from" and a "to" wall-clock time in the schedule's time
// zone, so both ends follow DST); the final schedule stacks the layers (a later layer wins where
// it has someone) and puts overrides on top. Written from PagerDuty's documentation, independent
// of src/schedule, so the simulator can catch our engine's mistakes.
// Assumption (undocumented, providers.md §9): turns of whole days hand off at the same local time
// (PagerDuty describes a "handoff time"); other turn lengths are absolute seconds.
#pragma once

#include <string>
#include <vector>

#include "common/clock.h"
#include "sim/pagerduty/model.h"

namespace im::sim::pagerduty {

struct Span {
  Time start{}, end{};
  std::string user_id;
};

std::vector<Span> RenderLayer(const Layer& layer, const std::string& time_zone, Time since,
                              Time until);
std::vector<Span> RenderOverrides(const Schedule& s, Time since, Time until);
std::vector<Span> RenderFinal(const Schedule& s, Time since, Time until);

// Percentage of [since, until) that `spans` cover (spans must not overlap).
double Coverage(const std::vector<Span>& spans, Time since, Time until);

}  // namespace im::sim::pagerduty

// incident.io schedule rotations (`/v2/schedules`: handovers, layers, working intervals) as
// layers of the PagerDuty-shaped model.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "schedule/model.h"
#include "schedule/zone.h"

namespace im::schedule {

struct IncidentIoRotation {
  struct Handover {
    int interval = 1;
    std::string interval_type;  // "hourly" | "daily" | "weekly"
  };
  struct WorkingInterval {
    std::string weekday;     // "monday" .. "sunday"
    std::string start_time;  // "09:00"
    std::string end_time;    // "17:00"; at or before start_time wraps past midnight
  };

  std::string name;
  Time handover_start_at;  // the first hand-over; turns count from here
  std::optional<Time>
      effective_from;                // this version applies from here (default: handover_start_at)
  std::optional<Time> effective_to;  // until the next version takes over
  std::vector<Handover> handovers;   // repeated in order; each moves to the next user
  int layer_count = 1;               // how many people the rotation puts on call at once
  std::vector<std::string> users;    // emails, in order
  std::vector<WorkingInterval> working_intervals;  // empty = around the clock
};

// The layers for rotation layer `layer_index` (0-based) of the rotation: in turn k it puts
// users[(k * layer_count + layer_index) % n] on call. One layer when all handovers are equal;
// otherwise one layer per handover, each restricted to its slot of the cycle, which must then
// add up to one day or one week. `zone` is the schedule's, which places the slots and the
// working intervals. Rotation layers are on call at once: give each its own Schedule.
[[nodiscard]] Result<std::vector<Layer>> LayersFromIncidentIo(const IncidentIoRotation& rotation,
                                                              int layer_index, Zone zone);

}  // namespace im::schedule

// Validate: checks a Schedule once and returns a ValidSchedule, the only thing the queries take.
// Checking up front (zone located, turn lengths positive, restrictions in range) lets every
// query be a pure function that cannot fail on bad data.
#pragma once

#include <chrono>

#include "common/error.h"
#include "schedule/model.h"
#include "schedule/zone.h"

namespace im::schedule {

// Immutable after Validate, so one instance may be queried from many threads at once.
class ValidSchedule {
 public:
  const Schedule& spec() const { return spec_; }
  Zone zone() const { return zone_; }
  // An upper bound on the length of one turn or override; queries look this far around an
  // instant to find where a shift really starts and ends.
  Duration horizon() const { return horizon_; }

 private:
  friend Result<ValidSchedule> Validate(Schedule schedule);
  ValidSchedule(Schedule spec, Zone zone, Duration horizon)
      : spec_(std::move(spec)), zone_(zone), horizon_(horizon) {}

  Schedule spec_;
  Zone zone_;
  Duration horizon_;
};

// Errors are kInvalidArgument and name the field in PagerDuty's words, e.g.
// "schedule_layers[1].rotation_turn_length_seconds: must be positive (got 0)".
[[nodiscard]] Result<ValidSchedule> Validate(Schedule schedule);

// Parses a restriction's "HH:MM:SS" (or "HH:MM") into seconds after midnight.
[[nodiscard]] Result<std::chrono::seconds> ParseTimeOfDay(std::string_view text);

}  // namespace im::schedule

// Turn arithmetic for one layer: which turn holds an instant, where turn k starts, whose it is.
// The DST rule (docs/oncall.md): a turn length that is a whole number of days hands off at the
// same wall-clock time in the schedule's zone; any other length is elapsed time.
#pragma once

#include <cstdint>
#include <string>

#include "schedule/model.h"
#include "schedule/zone.h"

namespace im::schedule {

class Rotation {
 public:
  // `layer` must outlive the Rotation and have passed Validate. Not thread-safe (zone cache).
  Rotation(const Layer& layer, Zone zone);

  bool wall_clock() const { return wall_clock_; }
  // The turn holding `t` (negative before the virtual start). O(1): no walk from the anchor.
  int64_t TurnAt(Time t) const;
  // The instant turn k begins; turn k ends where turn k+1 begins.
  Time TurnStart(int64_t k) const;
  // The user of turn k ("" for a turn with nobody).
  const std::string& UserOf(int64_t k) const;

 private:
  const Layer* layer_;
  mutable ZoneCursor zone_;  // a cache only; a Rotation is made per computation
  bool wall_clock_;
  int64_t length_us_;       // turn length in microseconds
  LocalTime local_anchor_;  // wall-clock virtual start (wall-clock turns only)
};

// Floor division that rounds toward minus infinity.
inline int64_t FloorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

}  // namespace im::schedule

#include "schedule/rotation.h"

namespace im::schedule {
Rotation::Rotation(const Layer& layer, Zone zone)
    : layer_(&layer),
      zone_(zone),
      wall_clock_(layer.rotation_turn_length.count() % 86400 == 0),
      length_us_(std::chrono::duration_cast<Duration>(layer.rotation_turn_length).count()),
      local_anchor_(wall_clock_ ? zone_.ToLocal(layer.rotation_virtual_start) : LocalTime{}) {}

int64_t Rotation::TurnAt(Time t) const {
  if (!wall_clock_) {
    return FloorDiv((t - layer_->rotation_virtual_start).count(), length_us_);
  }
  // Estimate from wall-clock time, then correct by at most a step where DST moves the
  // boundary across `t` (a skipped hand-off time maps to the jump instant).
  int64_t k = FloorDiv((zone_.ToLocal(t) - local_anchor_).count(), length_us_);
  while (TurnStart(k + 1) <= t) ++k;
  while (TurnStart(k) > t) --k;
  return k;
}

Time Rotation::TurnStart(int64_t k) const {
  if (!wall_clock_) return layer_->rotation_virtual_start + Duration(k * length_us_);
  return zone_.ToInstant(local_anchor_ + Duration(k * length_us_));
}

const std::string& Rotation::UserOf(int64_t k) const {
  const auto n = static_cast<int64_t>(layer_->users.size());
  int64_t i = k % n;
  if (i < 0) i += n;
  return layer_->users[static_cast<size_t>(i)];
}

}  // namespace im::schedule

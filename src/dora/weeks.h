// ISO weeks (Monday to Monday, local midnight) in an IANA zone, for weekly series: the weeks
// that overlap a period, each as its UTC start instant and a label like "2026-W05".
#pragma once

#include <date/tz.h>

#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/error.h"

namespace im::dora {

// Looks up an IANA zone; kInvalidArgument naming `field` when unknown.
Result<const date::time_zone*> FindZone(std::string_view name, std::string_view field = "zone");

class WeekGrid {
 public:
  // The ISO weeks in `zone` overlapping [since, until); since < until.
  static WeekGrid Make(Time since, Time until, const date::time_zone* zone);

  size_t size() const { return labels_.size(); }
  const std::string& label(size_t i) const { return labels_[i]; }
  Time start(size_t i) const { return bounds_[i]; }
  Time end(size_t i) const { return bounds_[i + 1]; }
  // The week holding `t`, or -1 when `t` is outside every week.
  int Index(Time t) const;

 private:
  std::vector<Time> bounds_;  // size() + 1 instants, increasing
  std::vector<std::string> labels_;
};

}  // namespace im::dora

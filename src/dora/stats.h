// Summaries of durations (restore, acknowledge and lead times). Percentiles are nearest-rank:
// the p-th percentile of n sorted values is the value at 1-based rank ceil(p/100 · n), so it is
// always a value that was measured. The median is the 50th percentile by that rule: for an even
// count, the lower of the two middle values.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "common/clock.h"

namespace im::dora {

struct DurationSummary {
  int64_t count = 0;                          // the sample size
  std::optional<Duration> mean, median, p90;  // nullopt when count is 0
};

// Nearest-rank percentile of `values` (0 < p ≤ 100); reorders `values`. nullopt when empty.
std::optional<int64_t> NearestRank(std::vector<int64_t>& values, int p);

// Mean (rounded toward zero to the microsecond), median and p90 of microsecond values;
// reorders `values`.
DurationSummary Summarize(std::vector<int64_t>& values);

}  // namespace im::dora

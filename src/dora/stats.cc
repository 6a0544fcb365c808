// Nearest-rank percentiles with nth_element: O(n) per percentile, no full sort.
#include "dora/stats.h"

#include <algorithm>

namespace im::dora {

std::optional<int64_t> NearestRank(std::vector<int64_t>& values, int p) {
  if (values.empty()) return std::nullopt;
  const size_t n = values.size();
  size_t rank = (static_cast<size_t>(p) * n + 99) / 100;  // ceil(p·n/100), 1-based
  rank = std::clamp<size_t>(rank, 1, n);
  auto nth = values.begin() + static_cast<std::ptrdiff_t>(rank - 1);
  std::nth_element(values.begin(), nth, values.end());
  return *nth;
}

DurationSummary Summarize(std::vector<int64_t>& values) {
  DurationSummary s;
  s.count = static_cast<int64_t>(values.size());
  if (values.empty()) return s;
  __int128 sum = 0;
  for (int64_t v : values) sum += v;
  s.mean = Duration(static_cast<int64_t>(sum / static_cast<__int128>(values.size())));
  s.median = Duration(*NearestRank(values, 50));
  s.p90 = Duration(*NearestRank(values, 90));
  return s;
}

}  // namespace im::dora

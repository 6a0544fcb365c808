// Uptime and response-time figures of one monitor over the last 24 h, 7 d and 30 d, computed
// from its recorded check results. Pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"

namespace im::monitor {

// One recorded check, as the statistics need it.
struct CheckSample {
  Time at;
  bool ok = false;
  Duration response_time{0};
};

struct WindowStats {
  std::string name;  // "24h", "7d", "30d"
  int64_t checks = 0;
  int64_t failures = 0;
  std::optional<double> uptime_percent;  // none without checks
  // Nearest-rank percentiles of the response times of all checks in the window.
  std::optional<Duration> p50, p95, p99;
};

// The p-th percentile (0 < p <= 100) by nearest rank of `values`, which it sorts.
std::optional<Duration> Percentile(std::vector<Duration>& values, double p);

// Statistics over [now - window, now] for the windows 24 h, 7 d and 30 d.
std::vector<WindowStats> ComputeStats(const std::vector<CheckSample>& samples, Time now);

}  // namespace im::monitor

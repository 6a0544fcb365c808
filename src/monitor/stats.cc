#include "monitor/stats.h"

#include <algorithm>
#include <cmath>

namespace im::monitor {

std::optional<Duration> Percentile(std::vector<Duration>& values, double p) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  auto rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
  rank = std::clamp<size_t>(rank, 1, values.size());
  return values[rank - 1];
}

std::vector<WindowStats> ComputeStats(const std::vector<CheckSample>& samples, Time now) {
  using std::chrono::days;
  using std::chrono::hours;
  const std::pair<const char*, Duration> windows[] = {
      {"24h", hours(24)}, {"7d", days(7)}, {"30d", days(30)}};
  std::vector<WindowStats> out;
  for (const auto& [name, length] : windows) {
    WindowStats w{.name = name};
    std::vector<Duration> times;
    for (const auto& s : samples) {
      if (s.at < now - length || s.at > now) continue;
      w.checks++;
      if (!s.ok) w.failures++;
      times.push_back(s.response_time);
    }
    if (w.checks > 0) {
      w.uptime_percent =
          100.0 * static_cast<double>(w.checks - w.failures) / static_cast<double>(w.checks);
    }
    w.p50 = Percentile(times, 50);
    w.p95 = Percentile(times, 95);
    w.p99 = Percentile(times, 99);
    out.push_back(std::move(w));
  }
  return out;
}

}  // namespace im::monitor

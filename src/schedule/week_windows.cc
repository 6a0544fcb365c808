#include "schedule/week_windows.h"

#include <algorithm>

namespace im::schedule {
namespace {

using std::chrono::seconds;

// Adds [start, start + length) modulo a week, split where it wraps past Sunday midnight.
void AddWrapped(seconds start, seconds length, WeekWindows& out) {
  const seconds end = start + length;
  if (end <= kWeek) {
    out.emplace_back(start, end);
  } else {
    out.emplace_back(start, kWeek);
    out.emplace_back(seconds(0), std::min(end - kWeek, kWeek));
  }
}

WeekWindows Normalize(WeekWindows windows) {
  std::sort(windows.begin(), windows.end());
  WeekWindows merged;
  for (const auto& w : windows) {
    if (!merged.empty() && w.first <= merged.back().second) {
      merged.back().second = std::max(merged.back().second, w.second);
    } else {
      merged.push_back(w);
    }
  }
  return merged;
}

}  // namespace

WeekWindows ToWeekWindows(const std::vector<Restriction>& restrictions) {
  if (restrictions.empty()) return {{seconds(0), kWeek}};
  WeekWindows out;
  for (const Restriction& r : restrictions) {
    if (r.type == Restriction::Type::kDaily) {
      for (int d = 0; d < 7; ++d) AddWrapped(kDay * d + r.start_time_of_day, r.duration, out);
    } else {
      AddWrapped(kDay * (r.start_day_of_week - 1) + r.start_time_of_day, r.duration, out);
    }
  }
  return Normalize(std::move(out));
}

WeekWindows Intersect(const WeekWindows& a, const WeekWindows& b) {
  WeekWindows out;
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const seconds s = std::max(a[i].first, b[j].first);
    const seconds e = std::min(a[i].second, b[j].second);
    if (s < e) out.emplace_back(s, e);
    if (a[i].second < b[j].second)
      ++i;
    else
      ++j;
  }
  return out;
}

std::vector<Restriction> ToWeeklyRestrictions(const WeekWindows& windows) {
  std::vector<Restriction> out;
  for (const auto& [start, end] : windows) {
    const int day = static_cast<int>(start / kDay);
    out.push_back({Restriction::Type::kWeekly, start - kDay * day, end - start, day + 1});
  }
  return out;
}

}  // namespace im::schedule

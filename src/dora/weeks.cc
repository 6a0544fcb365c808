// Week boundaries from the tz database: local Monday midnights mapped to instants (a midnight
// that DST skips maps to the instant the clocks jump, so weeks never overlap or leave gaps).
#include "dora/weeks.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace im::dora {
namespace {

Time MondayStart(date::local_days monday, const date::time_zone* zone) {
  return date::floor<std::chrono::microseconds>(
      zone->to_sys(date::local_seconds(monday), date::choose::earliest));
}

std::string IsoLabel(date::local_days monday) {
  // The ISO year of a week is the year of its Thursday.
  const date::year_month_day thursday{monday + date::days(3)};
  const date::local_days jan4{thursday.year() / date::January / 4};
  const date::local_days week1 = jan4 - (date::weekday(jan4) - date::Monday);
  const int week = static_cast<int>((monday - week1).count() / 7) + 1;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-W%02d", static_cast<int>(thursday.year()), week);
  return buf;
}

}  // namespace

Result<const date::time_zone*> FindZone(std::string_view name, std::string_view field) {
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return Fail(ErrorCode::kInvalidArgument, std::string(field) + ": unknown time zone '" +
                                                 std::string(name) +
                                                 "'; give an IANA zone like Europe/Berlin");
  }
}

WeekGrid WeekGrid::Make(Time since, Time until, const date::time_zone* zone) {
  WeekGrid g;
  const auto local = zone->to_local(date::floor<std::chrono::seconds>(since));
  const date::local_days day = date::floor<date::days>(local);
  date::local_days monday = day - (date::weekday(day) - date::Monday);
  g.bounds_.push_back(MondayStart(monday, zone));
  while (g.bounds_.back() < until) {
    g.labels_.push_back(IsoLabel(monday));
    monday += date::days(7);
    g.bounds_.push_back(MondayStart(monday, zone));
  }
  return g;
}

int WeekGrid::Index(Time t) const {
  if (bounds_.size() < 2 || t < bounds_.front() || t >= bounds_.back()) return -1;
  auto it = std::upper_bound(bounds_.begin(), bounds_.end(), t);
  return static_cast<int>(it - bounds_.begin()) - 1;
}

}  // namespace im::dora

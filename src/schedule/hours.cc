#include "schedule/hours.h"

#include <algorithm>
#include <array>

#include "schedule/final_timeline.h"

namespace im::schedule {
namespace {

using std::chrono::hours;

Duration Overlap(Time a_start, Time a_end, Time b_start, Time b_end) {
  const Time s = std::max(a_start, b_start);
  const Time e = std::min(a_end, b_end);
  return s < e ? e - s : Duration(0);
}

}  // namespace

HoursBreakdown& HoursBreakdown::operator+=(const HoursBreakdown& other) {
  business += other.business;
  evening += other.evening;
  night_weekend += other.night_weekend;
  return *this;
}

HoursBreakdown SplitHours(Time start, Time end, Zone tz) {
  HoursBreakdown out;
  if (start >= end) return out;
  ZoneCursor zone(tz);
  LocalDays day = LocalDay(zone.ToLocal(start));
  Time midnight = zone.ToInstant(LocalTime(day));
  while (midnight < end) {
    const LocalDays next = day + date::days(1);
    const Time next_midnight = zone.ToInstant(LocalTime(next));
    if (IsoWeekday(day) >= 6) {
      out.night_weekend += Overlap(start, end, midnight, next_midnight);
    } else {
      const Time six = zone.ToInstant(LocalTime(day) + hours(6));
      const Time nine = zone.ToInstant(LocalTime(day) + hours(9));
      const Time eighteen = zone.ToInstant(LocalTime(day) + hours(18));
      out.night_weekend += Overlap(start, end, midnight, six);
      out.evening += Overlap(start, end, six, nine);
      out.business += Overlap(start, end, nine, eighteen);
      out.evening += Overlap(start, end, eighteen, next_midnight);
    }
    day = next;
    midnight = next_midnight;
  }
  return out;
}

Result<std::map<std::string, HoursBreakdown>> OnCallHours(
    const std::vector<const ValidSchedule*>& schedules, Time since, Time until,
    const std::map<std::string, std::string>& user_zones) {
  std::map<std::string, Zone, std::less<>> zones;  // each zone located once per call
  for (const auto& [email, name] : user_zones) {
    auto zone = LocateZone(name, "user_zones[" + email + "]");
    if (!zone) return std::unexpected(zone.error());
    zones.emplace(email, *zone);
  }
  std::map<std::string, HoursBreakdown> out;
  for (const ValidSchedule* schedule : schedules) {
    for (const Segment& s : FinalTimeline(*schedule, since, until)) {
      auto it = zones.find(*s.user);
      const Zone zone = it == zones.end() ? schedule->zone() : it->second;
      out[*s.user] += SplitHours(s.start, s.end, zone);
    }
  }
  return out;
}

}  // namespace im::schedule

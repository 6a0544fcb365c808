// Time zones for the on-call engine: locating IANA zones and moving between instants and
// wall-clock (local) time, with one written rule for the local times DST skips or repeats.
#pragma once

#include <date/tz.h>

#include <chrono>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/error.h"

namespace im::schedule {

using Zone = const date::time_zone*;  // never null once located; owned by the tz database
using LocalTime = date::local_time<std::chrono::microseconds>;
using LocalDays = date::local_days;

// Looks up an IANA zone ("Europe/Berlin"); kInvalidArgument naming `field` when unknown.
Result<Zone> LocateZone(std::string_view name, std::string_view field = "time_zone");

// The wall-clock time in `zone` at instant `t`.
LocalTime ToLocal(Time t, Zone zone);

// The instant a wall-clock time happens in `zone`. A local time that DST skips (02:30 on a
// spring-forward night) maps to the instant the clocks jump (03:00 new time); a local time
// that happens twice (01:30 on a fall-back night) maps to its first occurrence.
Time ToInstant(LocalTime local, Zone zone);

// The zone's offset from UTC at `t` (e.g. -4h for New York in summer).
std::chrono::seconds UtcOffset(Time t, Zone zone);

// RFC 3339 with the given offset: "2026-03-08T03:00:00-04:00", "...+00:00" (microseconds when
// not zero). PagerDuty prints rendered entries this way.
std::string FormatInOffset(Time t, std::chrono::seconds utc_offset);

// ToLocal and ToInstant with a one-period cache: runs of conversions close in time (rendering
// a window) skip the tz database search. Not thread-safe; make one per computation.
class ZoneCursor {
 public:
  explicit ZoneCursor(Zone zone) : zone_(zone) {}
  Zone zone() const { return zone_; }
  LocalTime ToLocal(Time t);
  Time ToInstant(LocalTime local);  // same rule as the free ToInstant

 private:
  void Load(Time t);

  Zone zone_;
  Time begin_{};  // [begin_, end_) has offset_; empty until the first Load
  Time end_{};
  Duration offset_{0};
};

// The local midnight that starts the day holding `local`.
inline LocalDays LocalDay(LocalTime local) { return date::floor<date::days>(local); }

// ISO weekday (1 = Monday .. 7 = Sunday) of a local day.
inline int IsoWeekday(LocalDays day) { return static_cast<int>(date::weekday(day).iso_encoding()); }

}  // namespace im::schedule

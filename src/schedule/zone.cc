#include "schedule/zone.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace im::schedule {

Result<Zone> LocateZone(std::string_view name, std::string_view field) {
  if (name.empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                std::string(field) + ": is empty; give an IANA zone like Europe/Berlin");
  }
  try {
    return date::locate_zone(name);
  } catch (const std::runtime_error&) {
    return Fail(ErrorCode::kInvalidArgument, std::string(field) + ": unknown time zone '" +
                                                 std::string(name) +
                                                 "'; give an IANA zone like Europe/Berlin");
  }
}

LocalTime ToLocal(Time t, Zone zone) { return zone->to_local(t); }

Time ToInstant(LocalTime local, Zone zone) {
  // choose::earliest never throws: skipped times give the transition instant, repeated ones
  // the first occurrence (date/tz.h to_sys_impl).
  return zone->to_sys(local, date::choose::earliest);
}

namespace {

// sys_info bounds can be ±infinity in seconds; keep them representable in microseconds.
Time ClampToTime(date::sys_seconds s) {
  constexpr int64_t kLimit = int64_t{4'000'000'000'000};  // seconds, about 126,000 years
  return Time(
      std::chrono::seconds(std::clamp<int64_t>(s.time_since_epoch().count(), -kLimit, kLimit)));
}

}  // namespace

void ZoneCursor::Load(Time t) {
  const date::sys_info info = zone_->get_info(date::floor<std::chrono::seconds>(t));
  begin_ = ClampToTime(info.begin);
  end_ = ClampToTime(info.end);
  offset_ = info.offset;
}

LocalTime ZoneCursor::ToLocal(Time t) {
  if (t < begin_ || t >= end_) Load(t);
  return LocalTime(t.time_since_epoch() + offset_);
}

Time ZoneCursor::ToInstant(LocalTime local) {
  // With the cached offset, `local` maps to `guess`. When guess is more than a day inside the
  // cached period, no other offset can map to the same local time (offsets differ by less
  // than a day), so the mapping is unique and the slow path's rule would give the same.
  const Time guess(local.time_since_epoch() - offset_);
  constexpr Duration kMargin = std::chrono::days(1);
  if (guess >= begin_ + kMargin && guess < end_ - kMargin) {
    return guess;
  }
  const Time t = schedule::ToInstant(local, zone_);
  Load(t);
  return t;
}

std::chrono::seconds UtcOffset(Time t, Zone zone) {
  return zone->get_info(date::floor<std::chrono::seconds>(t)).offset;
}

std::string FormatInOffset(Time t, std::chrono::seconds utc_offset) {
  using std::chrono::microseconds;
  const date::local_time<microseconds> local{t.time_since_epoch() + utc_offset};
  const auto day = date::floor<date::days>(local);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss<microseconds> tod{local - day};
  const auto off_min = std::chrono::duration_cast<std::chrono::minutes>(utc_offset).count();
  const long abs_off = off_min < 0 ? -off_min : off_min;
  char buf[64];
  int n =
      std::snprintf(buf, sizeof(buf), "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(ymd.year()),
                    static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                    static_cast<int>(tod.hours().count()), static_cast<int>(tod.minutes().count()),
                    static_cast<int>(tod.seconds().count()));
  if (tod.subseconds().count() != 0) {
    n += std::snprintf(buf + n, sizeof(buf) - n, ".%06ld",
                       static_cast<long>(tod.subseconds().count()));
  }
  std::snprintf(buf + n, sizeof(buf) - n, "%c%02ld:%02ld", off_min < 0 ? '-' : '+', abs_off / 60,
                abs_off % 60);
  return buf;
}

}  // namespace im::schedule

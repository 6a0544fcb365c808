// Rotation, restriction and override rendering (see the header for the rules).
#include "sim/opsgenie/schedule_render.h"

#include <date/tz.h>

#include <algorithm>
#include <array>

#include "common/time.h"

namespace im::sim::opsgenie {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using Local = date::local_time<std::chrono::microseconds>;

struct Window {
  Time start{}, end{};
};

const date::time_zone* ZoneOf(const std::string& name) {
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {  // unknown zone: render in UTC rather than fail
    return date::locate_zone("UTC");
  }
}

Time ToSys(const date::time_zone* zone, Local local) {
  // A local time DST skips maps to the instant the clocks jump; a repeated one to its first
  // occurrence.
  return std::chrono::time_point_cast<std::chrono::microseconds>(
      zone->to_sys(local, date::choose::earliest));
}

date::local_days LocalDay(const date::time_zone* zone, Time t) {
  return date::floor<date::days>(zone->to_local(t));
}

int DayIndex(const std::string& name) {  // monday → 0 .. sunday → 6; -1 unknown
  static constexpr std::array<const char*, 7> kDays = {
      "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};
  for (size_t i = 0; i < kDays.size(); ++i) {
    if (name == kDays[i]) return static_cast<int>(i);
  }
  return -1;
}

// The restriction windows overlapping [since, until), sorted and merged.
std::vector<Window> RestrictionWindows(const Rotation& r, const date::time_zone* zone, Time since,
                                       Time until) {
  std::vector<Window> out;
  auto first = LocalDay(zone, since) - date::days(7), last = LocalDay(zone, until);
  for (auto day = first; day <= last; day += date::days(1)) {
    Local midnight{day};
    if (r.time_of_day) {
      const auto& t = *r.time_of_day;
      auto from = hours(t.start_hour) + minutes(t.start_min);
      auto to = hours(t.end_hour) + minutes(t.end_min);
      if (to <= from) to += hours(24);  // wraps past midnight; equal is the whole day
      out.push_back({ToSys(zone, midnight + from), ToSys(zone, midnight + to)});
    }
    int weekday = static_cast<int>(date::weekday(day).iso_encoding()) - 1;
    for (const auto& w : r.weekday_windows) {
      int start_day = DayIndex(w.start_day), end_day = DayIndex(w.end_day);
      if (start_day < 0 || end_day < 0 || start_day != weekday) continue;
      auto from = hours(w.start_hour) + minutes(w.start_min);
      auto to = date::days((end_day - start_day + 7) % 7) + hours(w.end_hour) + minutes(w.end_min);
      if (to <= from) to += date::days(7);
      out.push_back({ToSys(zone, midnight + from), ToSys(zone, midnight + to)});
    }
  }
  std::sort(out.begin(), out.end(),
            [](const Window& a, const Window& b) { return a.start < b.start; });
  std::vector<Window> merged;
  for (const auto& w : out) {
    if (w.end <= since || w.start >= until) continue;
    if (!merged.empty() && w.start <= merged.back().end) {
      merged.back().end = std::max(merged.back().end, w.end);
    } else {
      merged.push_back(w);
    }
  }
  return merged;
}

}  // namespace

std::vector<Period> RenderRotation(const Rotation& r, const std::string& time_zone, Time since,
                                   Time until) {
  std::vector<Period> out;
  Time lo = std::max(since, r.start_date);
  Time hi = r.end_date ? std::min(until, *r.end_date) : until;
  if (r.participants.empty() || r.length <= 0 || lo >= hi) return out;
  const date::time_zone* zone = ZoneOf(time_zone);
  const bool hourly = r.type == "hourly";
  const Duration unit = hourly              ? Duration(hours(1))
                        : r.type == "daily" ? Duration(hours(24))
                                            : Duration(hours(24 * 7));
  const Duration turn = unit * r.length;
  const Local anchor = zone->to_local(r.start_date);
  auto turn_start = [&](int64_t k) -> Time {
    if (hourly) return r.start_date + k * turn;
    return ToSys(zone, anchor + k * turn);  // wall-clock hand-over (see the header)
  };
  // A wall-clock turn may start up to a DST shift away from its elapsed-time estimate.
  int64_t k = std::max<int64_t>(0, (lo - r.start_date) / turn - 1);
  std::vector<Window> windows;
  const bool restricted = r.time_of_day || !r.weekday_windows.empty();
  if (restricted) windows = RestrictionWindows(r, zone, lo, hi);
  const auto n = static_cast<int64_t>(r.participants.size());
  for (;; ++k) {
    Time s = turn_start(k), e = turn_start(k + 1);
    if (s >= hi) break;
    const Participant& who = r.participants[static_cast<size_t>(k % n)];
    Time cs = std::max(s, lo), ce = std::min(e, hi);
    if (cs >= ce || who.type == "none") continue;
    if (!restricted) {
      out.push_back({cs, ce, who, false});
      continue;
    }
    for (const auto& w : windows) {
      Time a = std::max(cs, w.start), b = std::min(ce, w.end);
      if (a < b) out.push_back({a, b, who, false});
    }
  }
  return out;
}

std::vector<Period> OverridePeriods(const Schedule& s, const Rotation& r, Time since, Time until) {
  std::vector<Period> final = RenderFinal(s, r, since, until);
  std::vector<Period> out;
  for (const auto& p : final) {
    if (p.is_override) out.push_back(p);
  }
  return out;
}

std::vector<Period> RenderFinal(const Schedule& s, const Rotation& r, Time since, Time until) {
  std::vector<Period> periods = RenderRotation(r, s.timezone, since, until);
  for (const auto& o : s.overrides) {  // creation order: a later override cuts earlier ones
    if (!o.rotation_ids.empty() &&
        std::find(o.rotation_ids.begin(), o.rotation_ids.end(), r.id) == o.rotation_ids.end()) {
      continue;
    }
    std::vector<Period> next;
    for (const auto& p : periods) {
      if (p.end <= o.start || p.start >= o.end) {
        next.push_back(p);
        continue;
      }
      if (p.start < o.start) next.push_back({p.start, o.start, p.recipient, p.is_override});
      next.push_back(
          {std::max(p.start, o.start), std::min(p.end, o.end), {"user", o.user_id}, true});
      if (p.end > o.end) next.push_back({o.end, p.end, p.recipient, p.is_override});
    }
    periods = std::move(next);
  }
  return periods;
}

std::vector<Participant> OnCallAt(const Schedule& s, Time at) {
  std::vector<Participant> out;
  for (const auto& r : s.rotations) {
    for (const auto& p : RenderFinal(s, r, at, at + std::chrono::microseconds(1))) {
      bool seen = std::any_of(out.begin(), out.end(), [&](const Participant& x) {
        return x.type == p.recipient.type && x.id == p.recipient.id;
      });
      if (!seen) out.push_back(p.recipient);
    }
  }
  return out;
}

namespace {

// "20260615T090000Z": RFC 3339 at whole seconds without its separators.
std::string IcsUtc(Time t) {
  std::string text = FormatTime(std::chrono::floor<std::chrono::seconds>(t));
  std::erase_if(text, [](char c) { return c == '-' || c == ':'; });
  return text;
}

// RFC 5545 TEXT: backslash, semicolon, comma and newline escaped.
std::string IcsText(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\' || c == ';' || c == ',') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

// One content line, folded after 75 octets (continuations start with a space), with CRLF.
void AddIcsLine(std::string& out, const std::string& line) {
  size_t pos = 0, width = 75;
  while (line.size() - pos > width) {
    size_t cut = width;
    // Never split a UTF-8 sequence: back up over continuation bytes.
    while (cut > 1 && (static_cast<unsigned char>(line[pos + cut]) & 0xC0) == 0x80) --cut;
    out.append(line, pos, cut).append("\r\n ");
    pos += cut;
    width = 74;  // the leading space counts
  }
  out.append(line, pos, std::string::npos).append("\r\n");
}

}  // namespace

std::string IcsCalendar(const std::string& name, const std::vector<IcsEvent>& events, Time stamp) {
  std::string out;
  for (const char* line : {"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//im//Opsgenie simulator//EN",
                           "CALSCALE:GREGORIAN", "METHOD:PUBLISH"}) {
    AddIcsLine(out, line);
  }
  AddIcsLine(out, "X-WR-CALNAME:" + IcsText(name));
  for (const auto& e : events) {
    AddIcsLine(out, "BEGIN:VEVENT");
    AddIcsLine(out, "UID:" + IcsText(e.uid));
    AddIcsLine(out, "DTSTAMP:" + IcsUtc(stamp));
    AddIcsLine(out, "DTSTART:" + IcsUtc(e.start));
    AddIcsLine(out, "DTEND:" + IcsUtc(e.end));
    AddIcsLine(out, "SUMMARY:" + IcsText(e.summary));
    AddIcsLine(out, "END:VEVENT");
  }
  AddIcsLine(out, "END:VCALENDAR");
  return out;
}

}  // namespace im::sim::opsgenie

#include "common/time.h"

// g++ 12 reports a false maybe-uninitialized inside date::parse once it is inlined here.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include <date/date.h>

#include <charconv>
#include <cstdio>
#include <sstream>

namespace im {
namespace {

bool ParseInt(std::string_view s, int64_t& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

Error BadTime(std::string_view text) {
  return Error{ErrorCode::kInvalidArgument,
               "cannot read time '" + std::string(text) +
                   "': use RFC 3339 like 2026-11-22T10:00:00Z or a date like 2026-11-22"};
}

}  // namespace

Result<Time> ParseTime(std::string_view text) {
  // Hand-checked shape first, so date::parse never sees garbage it would half-accept.
  std::string s(text);
  if (s.size() == 10) {
    std::istringstream in(s);
    date::sys_days day;
    in >> date::parse("%F", day);
    if (in.fail() || in.peek() != EOF) return std::unexpected(BadTime(text));
    return Time(day);
  }
  if (s.size() < 20 || (s[10] != 'T' && s[10] != 't' && s[10] != ' ')) {
    return std::unexpected(BadTime(text));
  }
  s[10] = 'T';
  if (s.back() == 'z') s.back() = 'Z';
  std::istringstream in(s);
  date::sys_time<std::chrono::microseconds> t;
  if (s.back() == 'Z') {
    in >> date::parse("%FT%TZ", t);
  } else {
    in >> date::parse("%FT%T%Ez", t);
  }
  if (in.fail() || in.peek() != EOF) return std::unexpected(BadTime(text));
  return t;
}

Result<Time> ParseTimeRelative(std::string_view text, Time now) {
  if (text == "now") return now;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    auto d = ParseDuration(text.substr(1));
    if (!d) return std::unexpected(BadTime(text));
    return text[0] == '-' ? now - *d : now + *d;
  }
  return ParseTime(text);
}

std::string FormatTime(Time t) {
  std::string out;
  AppendTime(out, t);
  return out;
}

void AppendTime(std::string& out, Time t) {
  // By hand rather than date::format or snprintf: this runs for every timestamp of every listed
  // incident, and both formatters were most of `im incidents --json`'s time.
  auto day = std::chrono::floor<std::chrono::days>(t);
  date::year_month_day ymd{date::sys_days(day)};
  int64_t us = (t - day).count();
  int64_t secs = us / 1000000;
  int year = int(ymd.year());
  char buf[32];
  char* p = buf;
  auto two = [&p](int64_t v) {
    *p++ = char('0' + v / 10);
    *p++ = char('0' + v % 10);
  };
  if (year >= 0 && year <= 9999) {
    two(year / 100);
    two(year % 100);
  } else {
    out += std::to_string(year);  // outside RFC 3339's range: written plainly
  }
  *p++ = '-';
  two(unsigned(ymd.month()));
  *p++ = '-';
  two(unsigned(ymd.day()));
  *p++ = 'T';
  two(secs / 3600);
  *p++ = ':';
  two(secs / 60 % 60);
  *p++ = ':';
  two(secs % 60);
  if (int64_t frac = us % 1000000; frac != 0) {
    *p++ = '.';
    for (int64_t div = 100000; div > 0; div /= 10) *p++ = char('0' + frac / div % 10);
  }
  *p++ = 'Z';
  out.append(buf, p);
}

Result<Duration> ParseDuration(std::string_view text) {
  auto bad = [&] {
    return Fail(ErrorCode::kInvalidArgument,
                "cannot read duration '" + std::string(text) +
                    "': use a number with a unit, like 90s, 15m, 4h, 3d or 1h30m");
  };
  // Longer is surely a typo, and far shorter than what overflows microseconds in int64.
  constexpr int64_t kMaxSeconds = int64_t{100} * 366 * 86400;
  auto too_long = [&] {
    return Fail(ErrorCode::kInvalidArgument,
                "duration '" + std::string(text) + "' is longer than 100 years");
  };
  if (text.empty()) return bad();
  int64_t whole = 0;
  if (ParseInt(text, whole)) {
    if (whole < 0) return bad();
    if (whole > kMaxSeconds) return too_long();
    return std::chrono::seconds(whole);
  }
  int64_t total = 0;  // seconds
  size_t i = 0;
  while (i < text.size()) {
    size_t j = i;
    while (j < text.size() && text[j] >= '0' && text[j] <= '9') ++j;
    if (j == i || j == text.size()) return bad();
    int64_t n = 0;
    if (!ParseInt(text.substr(i, j - i), n)) return too_long();  // digits only: too many
    int64_t unit = 0;
    switch (text[j]) {
      case 's': unit = 1; break;
      case 'm': unit = 60; break;
      case 'h': unit = 3600; break;
      case 'd': unit = 86400; break;
      case 'w': unit = 7 * 86400; break;
      default: return bad();
    }
    if (n > kMaxSeconds / unit || total + n * unit > kMaxSeconds) return too_long();
    total += n * unit;
    i = j + 1;
  }
  return std::chrono::seconds(total);
}

std::string FormatDuration(Duration d) {
  using namespace std::chrono;
  std::string out;
  if (d < Duration::zero()) {
    out = "-";
    d = -d;
  }
  auto s = duration_cast<seconds>(d).count();
  if (s == 0) return out + "0s";
  int64_t days = s / 86400, hours = s % 86400 / 3600, minutes = s % 3600 / 60, secs = s % 60;
  if (days) out += std::to_string(days) + "d";
  if (hours) out += std::to_string(hours) + "h";
  if (minutes) out += std::to_string(minutes) + "m";
  if (secs) out += std::to_string(secs) + "s";
  return out;
}

}  // namespace im

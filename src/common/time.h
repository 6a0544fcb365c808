// Time on the wire and at the terminal: RFC 3339 instants and human durations ("15m", "4h").
#pragma once

#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/error.h"

namespace im {

// Parses an RFC 3339 instant ("2026-11-22T10:00:00Z", "...+01:00", fractional seconds allowed)
// or a date alone ("2026-11-22", midnight UTC).
Result<Time> ParseTime(std::string_view text);

// Like ParseTime, but also accepts "now" and a relative offset from now ("-7d", "-2h", "+30m").
Result<Time> ParseTimeRelative(std::string_view text, Time now);

// "2026-11-22T10:00:00Z", or with microseconds when they are not zero.
std::string FormatTime(Time t);
// Appends FormatTime(t) to `out` without a temporary string.
void AppendTime(std::string& out, Time t);

// Parses "90s", "15m", "4h", "3d", "1h30m" or a bare number of seconds.
Result<Duration> ParseDuration(std::string_view text);

// The shortest exact form: "15m", "1h30m", "2d", "45s", "0s".
std::string FormatDuration(Duration d);

// Whole seconds since the epoch, and back; what the store keeps.
inline int64_t ToUnixMicros(Time t) { return t.time_since_epoch().count(); }
inline Time FromUnixMicros(int64_t us) { return Time(std::chrono::microseconds(us)); }

}  // namespace im

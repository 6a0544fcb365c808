// How the CLI writes values for people: counts with thousands separators, rounded rates and
// durations, times relative to now, and names quoted for the shell when a hint prints a command.
// --json output never goes through these: it keeps the raw numbers.
#pragma once

#include <cstdint>
#include <string>

#include "common/clock.h"

namespace im::cli {

// 1247 → "1,247".
std::string FormatCount(int64_t n);

// A fraction as a percentage rounded to one decimal, without a trailing ".0": 0.994 → "99.4%",
// 0.23 → "23%", 0 → "0%".
std::string FormatPercent(double fraction);

// Seconds for people: "1.2s", "45s", "2m05s" (FormatDuration from a minute on).
std::string FormatSeconds(double seconds);

// How long before `now` `then` was: "30s ago", "2m ago", "5h ago", "3d ago"; "just now" for
// under a second or a time ahead of `now` (another machine's clock).
std::string FormatAgo(Time then, Time now);

// `word` as one shell word: as it is when it holds only letters, digits and -_./:@,+=%,
// otherwise in single quotes ("API Gateway" → 'API Gateway'), so a printed command can be
// copied and run.
std::string ShellWord(const std::string& word);

}  // namespace im::cli

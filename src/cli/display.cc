#include "cli/display.h"

#include <cmath>
#include <cstdio>
#include <string_view>

#include "common/time.h"

namespace im::cli {
namespace {

// printf's %.1f without a trailing ".0".
std::string OneDecimalTrimmed(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f", std::round(v * 10) / 10);
  std::string out = buf;
  if (out.ends_with(".0")) out.resize(out.size() - 2);
  if (out == "-0") out = "0";
  return out;
}

}  // namespace

std::string FormatCount(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -(n + 1) + 1ULL : static_cast<uint64_t>(n));
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string FormatPercent(double fraction) { return OneDecimalTrimmed(fraction * 100) + "%"; }

std::string FormatSeconds(double seconds) {
  if (seconds >= 59.5) {
    return FormatDuration(std::chrono::seconds(static_cast<int64_t>(std::llround(seconds))));
  }
  if (seconds >= 10) return std::to_string(std::llround(seconds)) + "s";
  return OneDecimalTrimmed(seconds) + "s";
}

std::string FormatAgo(Time then, Time now) {
  auto s = std::chrono::duration_cast<std::chrono::seconds>(now - then).count();
  if (s < 1) return "just now";
  if (s < 60) return std::to_string(s) + "s ago";
  if (s < 3600) return std::to_string(s / 60) + "m ago";
  if (s < 86400) return std::to_string(s / 3600) + "h ago";
  return std::to_string(s / 86400) + "d ago";
}

std::string ShellWord(const std::string& word) {
  constexpr std::string_view kPlain = "-_./:@,+=%";
  bool plain = !word.empty();
  for (char c : word) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && kPlain.find(c) == std::string_view::npos) plain = false;
  }
  if (plain) return word;
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace im::cli

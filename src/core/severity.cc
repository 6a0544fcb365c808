#include "core/severity.h"

#include <cctype>

namespace im::core {

Result<Severity> ParseSeverity(std::string_view text) {
  std::string s;
  for (char c : text) s.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  if (s.starts_with("SEV-")) {
    s = s.substr(4);
  } else if (s.starts_with("SEV")) {
    s = s.substr(3);
  }
  if (s.size() == 1 && s[0] >= '1' && s[0] <= '4') return static_cast<Severity>(s[0] - '0');
  return Fail(ErrorCode::kInvalidArgument,
              "unknown severity '" + std::string(text) + "': use SEV-1, SEV-2, SEV-3 or SEV-4");
}

std::string_view SeverityName(Severity s) {
  switch (s) {
    case Severity::kSev1: return "SEV-1";
    case Severity::kSev2: return "SEV-2";
    case Severity::kSev3: return "SEV-3";
    case Severity::kSev4: return "SEV-4";
  }
  return "SEV-4";
}

Result<Urgency> ParseUrgency(std::string_view text) {
  if (text == "high") return Urgency::kHigh;
  if (text == "low") return Urgency::kLow;
  return Fail(ErrorCode::kInvalidArgument,
              "unknown urgency '" + std::string(text) + "': use high or low");
}

std::string_view UrgencyName(Urgency u) { return u == Urgency::kHigh ? "high" : "low"; }

Urgency DefaultUrgency(Severity s) {
  return s == Severity::kSev1 || s == Severity::kSev2 ? Urgency::kHigh : Urgency::kLow;
}

}  // namespace im::core

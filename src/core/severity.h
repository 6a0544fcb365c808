// Incident severity SEV-1 (worst) .. SEV-4, and PagerDuty-style urgency derived from it.
#pragma once

#include <string>
#include <string_view>

#include "common/error.h"

namespace im::core {

enum class Severity { kSev1 = 1, kSev2 = 2, kSev3 = 3, kSev4 = 4 };

// Accepts "SEV-1".."SEV-4" (any case, "SEV1" and "1" too).
Result<Severity> ParseSeverity(std::string_view text);
std::string_view SeverityName(Severity s);  // "SEV-1"

enum class Urgency { kHigh, kLow };
Result<Urgency> ParseUrgency(std::string_view text);
std::string_view UrgencyName(Urgency u);  // "high" / "low"
// DESIGN.md: SEV-1/2 → high, SEV-3/4 → low.
Urgency DefaultUrgency(Severity s);

}  // namespace im::core

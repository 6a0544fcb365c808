// Names that identify things across systems: people by email, services by a short name.
#pragma once

#include <string_view>

#include "common/error.h"

namespace im::core {

// A plausible address: one '@', a non-empty local part and a dotted or local domain, no spaces.
// `what` names the field in the error ("actor", "assignee").
Result<void> ValidateEmail(std::string_view email, std::string_view what);

// A service name (docs/cli.md, "Service names"): 1–100 characters of ASCII letters, digits,
// spaces, '-', '_', '.' and '/', starting with a letter or a digit and not ending with a space:
// "api", "payments-db", "API Gateway" (as PagerDuty names are imported). Case counts.
Result<void> ValidateServiceName(std::string_view name);

}  // namespace im::core

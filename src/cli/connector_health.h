// `im connector health NAME`: "Health: Healthy|Degraded|Unhealthy", then one line per live
// check and per part of the connector's state, as the product documentation shows it.
#pragma once

#include <string>

#include "cli/context.h"

namespace im::cli {

int RunConnectorHealth(GlobalOptions& g, const std::string& name);

}  // namespace im::cli

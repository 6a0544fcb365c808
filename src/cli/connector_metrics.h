// `im metrics connector NAME` and `im connector metrics NAME`: one connector's figures, written
// for people as the product documentation shows them (99.4%, 1.2s, 1,247), raw with --json.
#pragma once

#include <string>

#include "cli/context.h"

namespace im::cli {

int RunConnectorMetrics(GlobalOptions& g, const std::string& name);

}  // namespace im::cli

// im sim pagerduty|opsgenie|incidentio: serves a provider simulator until SIGINT/SIGTERM.
#pragma once

#include <CLI/CLI.hpp>

namespace im::cli {

void AddSimCommand(CLI::App& root);

}  // namespace im::cli

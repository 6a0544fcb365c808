// The `im` command line (CLI11): global flags, the subcommands, and exit codes.
#pragma once

#include "app/config.h"

namespace im::cli {

// `variant`: what a non-stock build adds (app::BuildVariant; the stock `im` passes none).
int Main(int argc, char** argv, const app::BuildVariant& variant = {});

}  // namespace im::cli

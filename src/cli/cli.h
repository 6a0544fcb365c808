// The `im` command line (CLI11): global flags, the subcommands, and exit codes.
#pragma once

namespace im::cli {

int Main(int argc, char** argv);

}  // namespace im::cli

// The im binary: everything lives in the libraries; this only hands over to the CLI.
#include "cli/cli.h"

int main(int argc, char** argv) { return im::cli::Main(argc, argv); }

// What every subcommand shares: the global flags, opening the runtime from them, printing
// results (table or --json) and errors (a sentence on stderr, a documented exit code).
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/runtime.h"
#include "common/error.h"
#include "common/json.h"

namespace im::cli {

struct GlobalOptions {
  std::optional<std::string> data_dir;
  std::optional<std::string> config_file;
  std::optional<std::string> actor;  // --as
  std::optional<std::string> log_level;
  bool json = false;
  bool no_migrate = false;  // im serve --no-migrate
  app::BuildVariant variant;
  int exit_code = 0;  // set by the subcommand that ran; returned by Main
};

// Exit codes (docs/cli.md): 0 ok, 1 internal, 2 usage, 3 invalid input, 4 not found,
// 5 conflict with the current state, 6 not authorised, 7 unavailable (retry).
int ExitCodeFor(ErrorCode code);

// Prints "error: <message>" to stderr and returns the exit code.
int ReportError(const Error& error);

Result<app::Config> LoadConfig(const GlobalOptions& g);
Result<std::unique_ptr<app::Runtime>> OpenRuntime(const GlobalOptions& g, bool log_to_file = false);

void PrintJson(const json::value& v);

// A plain text table: a header row and aligned columns.
void PrintTable(const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows);

// Splits "a,b" and repeated flags into one list.
std::vector<std::string> SplitCommas(const std::vector<std::string>& values);

// --limit N: N must be at least 1.
Result<void> CheckLimit(int64_t limit);
// --since T --until T: T since must come first.
Result<void> CheckWindow(const std::optional<Time>& since, const std::optional<Time>& until);

// Checks service names a person typed after `flag` (docs/cli.md, "Service names").
Result<void> CheckServiceNames(const std::vector<std::string>& names, std::string_view flag);

// Every subcommand registers itself through one of these (one file each).
void AddIncidentCommands(CLI::App& root, GlobalOptions& g);
void AddServiceCommands(CLI::App& root, GlobalOptions& g);
void AddTokenCommands(CLI::App& root, GlobalOptions& g);
void AddServeCommand(CLI::App& root, GlobalOptions& g);
void AddLogsCommand(CLI::App& root, GlobalOptions& g);
void AddConnectorCommands(CLI::App& root, GlobalOptions& g);
void AddOncallCommands(CLI::App& root, GlobalOptions& g);
void AddDeployCommands(CLI::App& root, GlobalOptions& g);
void AddMetricsCommands(CLI::App& root, GlobalOptions& g);
void AddReportCommand(CLI::App& root, GlobalOptions& g);
void AddMonitorCommands(CLI::App& root, GlobalOptions& g);
void AddChannelCommands(CLI::App& root, GlobalOptions& g);
void AddNotifyCommands(CLI::App& root, GlobalOptions& g);
void AddIntegrationCommands(CLI::App& root, GlobalOptions& g);

}  // namespace im::cli

#include "cli/context.h"

#include "common/strings.h"
#include "core/email.h"

#include <algorithm>
#include <iostream>

namespace im::cli {

int ExitCodeFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInternal: return 1;
    case ErrorCode::kInvalidArgument: return 3;
    case ErrorCode::kNotFound: return 4;
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kFailedPrecondition: return 5;
    case ErrorCode::kUnauthenticated:
    case ErrorCode::kPermissionDenied: return 6;
    case ErrorCode::kResourceExhausted:
    case ErrorCode::kUnavailable:
    case ErrorCode::kDeadlineExceeded: return 7;
  }
  return 1;
}

int ReportError(const Error& error) {
  std::cerr << "error: " << error.message << "\n";
  return ExitCodeFor(error.code);
}

Result<app::Config> LoadConfig(const GlobalOptions& g) {
  auto config = app::LoadConfig(app::FlagOverrides{.config_file = g.config_file,
                                                   .data_dir = g.data_dir,
                                                   .actor = g.actor,
                                                   .log_level = g.log_level},
                                app::ProcessEnvironment());
  if (!config) return config;
  config->schema = {.migrate = !g.no_migrate, .later = g.variant.later_migrations};
  config->job_modules = g.variant.job_modules;
  return config;
}

Result<std::unique_ptr<app::Runtime>> OpenRuntime(const GlobalOptions& g, bool log_to_file) {
  auto config = LoadConfig(g);
  if (!config) return std::unexpected(config.error());
  if (!log_to_file && !g.log_level) config->log_level = "warn";  // one-shot commands stay quiet
  return app::OpenRuntime(*config, log_to_file);
}

void PrintJson(const json::value& v) { std::cout << json::Serialize(v) << "\n"; }

namespace {
// Display width in terminal columns: counts UTF-8 lead bytes only.
size_t Width(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}
}  // namespace

void PrintTable(const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths(header.size());
  for (size_t i = 0; i < header.size(); ++i) widths[i] = Width(header[i]);
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], Width(row[i]));
    }
  }
  std::string out;
  auto line = [&](const std::vector<std::string>& cells) {
    for (size_t i = 0; i < cells.size(); ++i) {
      out += cells[i];
      if (i + 1 < cells.size()) out.append(widths[i] - Width(cells[i]) + 2, ' ');
    }
    out += "\n";
  };
  line(header);
  for (const auto& row : rows) line(row);
  std::cout << out;
}

std::vector<std::string> SplitCommas(const std::vector<std::string>& values) {
  return SplitCommaLists(values);
}

Result<void> CheckLimit(int64_t limit) {
  if (limit < 1) {
    return Fail(ErrorCode::kInvalidArgument, "--limit must be at least 1 (got " +
                                                 std::to_string(limit) +
                                                 "); leave it out for the default");
  }
  return Ok();
}

Result<void> CheckWindow(const std::optional<Time>& since, const std::optional<Time>& until) {
  if (since && until && *since >= *until) {
    return Fail(ErrorCode::kInvalidArgument,
                "--since must be before --until: swap them, or leave one out");
  }
  return Ok();
}

Result<void> CheckServiceNames(const std::vector<std::string>& names, std::string_view flag) {
  for (const auto& name : names) {
    if (auto ok = core::ValidateServiceName(name); !ok) {
      return std::unexpected(ok.error().Wrap(flag));
    }
  }
  return Ok();
}

}  // namespace im::cli

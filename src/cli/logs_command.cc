// im logs [--component C] [--filter F] [--limit N]
#include <iostream>

#include "app/logging.h"
#include "cli/context.h"

namespace im::cli {
namespace {

struct LogsOptions {
  std::string component, filter;
  int64_t limit = 200;
};

int RunLogs(GlobalOptions& g, const LogsOptions& o) {
  if (auto ok = CheckLimit(o.limit); !ok) return ReportError(ok.error());
  if (!o.component.empty()) {
    if (auto ok = app::CheckLogComponent(o.component); !ok) {
      return ReportError(ok.error().Wrap("--component"));
    }
  }
  auto config = LoadConfig(g);
  if (!config) return ReportError(config.error());
  auto lines = app::ReadLogs(config->data_dir + "/logs/im.log", o.component, o.filter);
  if (!lines) return ReportError(lines.error());
  const auto limit = static_cast<size_t>(o.limit);
  size_t start = lines->size() > limit ? lines->size() - limit : 0;
  if (g.json) {
    json::array items;
    for (size_t i = start; i < lines->size(); ++i) {
      const auto& l = (*lines)[i];
      items.push_back(json::object{
          {"ts", l.time}, {"level", l.level}, {"component", l.component}, {"msg", l.message}});
    }
    PrintJson(json::object{{"lines", std::move(items)}});
    return 0;
  }
  for (size_t i = start; i < lines->size(); ++i) {
    const auto& l = (*lines)[i];
    std::cout << l.time << " " << l.level << " [" << l.component << "] " << l.message << "\n";
  }
  return 0;
}

}  // namespace

void AddLogsCommand(CLI::App& root, GlobalOptions& g) {
  auto o = std::make_shared<LogsOptions>();
  auto* logs = root.add_subcommand("logs", "Read the server's logs (<data-dir>/logs/im.log)");
  logs->add_option("--component", o->component, "connector, http, sla or webhook");
  logs->add_option("--filter", o->filter,
                   "Only lines whose message contains this text (any case), like pagerduty");
  logs->add_option("--limit", o->limit, "The last N matching lines (default 200)");
  logs->callback([&g, o] { g.exit_code = RunLogs(g, *o); });
}

}  // namespace im::cli

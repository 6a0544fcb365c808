// im report --start DATE --end DATE [--service S,..|--team T] [--include-pagerduty ...]
// [--zone Z] --format pdf|html|csv|json [--output FILE] [--paper a4|letter] [--timelines N]:
// a report over whole days (docs/reports.md).
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/context.h"
#include "engine/reports.h"
#include "report/render.h"

namespace im::cli {
namespace {

struct ReportOptions {
  engine::ReportRequest request;
  std::vector<std::string> services;
  bool pagerduty = false, opsgenie = false, incidentio = false, all = false;
  std::string format, output;
};

Result<void> WriteFile(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Fail(ErrorCode::kInvalidArgument, "cannot write " + path);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  out.close();
  if (!out) return Fail(ErrorCode::kInternal, "writing " + path + " failed");
  return Ok();
}

int RunReport(GlobalOptions& g, ReportOptions o) {
  auto format = report::ParseFormat(o.format);
  if (!format) return ReportError(format.error().Wrap("--format"));
  o.request.services = SplitCommas(o.services);
  if (auto ok = CheckServiceNames(o.request.services, "--service"); !ok) {
    return ReportError(ok.error());
  }
  // No --include flag: every source. With some: im's own incidents and those providers'.
  if (!o.all && (o.pagerduty || o.opsgenie || o.incidentio)) {
    o.request.sources = {"im"};
    if (o.pagerduty) o.request.sources.emplace_back("pagerduty");
    if (o.opsgenie) o.request.sources.emplace_back("opsgenie");
    if (o.incidentio) o.request.sources.emplace_back("incidentio");
  }
  auto rt = OpenRuntime(g);
  if (!rt) return ReportError(rt.error());
  engine::Reports reports(*(*rt)->store, *(*rt)->incidents, (*rt)->deployments.get(),
                          (*rt)->oncall.get(), (*rt)->clock);
  auto query = reports.Check(o.request);
  if (!query) return ReportError(query.error());
  auto built = reports.Build(*query);
  if (!built) return ReportError(built.error());
  const std::string base = "im-report-" + query->start_day + "-to-" + query->end_day;
  switch (*format) {
    case report::Format::kJson: {
      std::string text = json::Serialize(report::ToJson(*built)) + "\n";
      if (o.output.empty() || o.output == "-") {
        std::cout << text;
        return 0;
      }
      if (auto ok = WriteFile(o.output, text); !ok) return ReportError(ok.error());
      break;
    }
    case report::Format::kCsv: {
      // One table per file, in a directory (docs/reports.md lists them).
      std::string dir = o.output.empty() ? base : o.output;
      std::error_code ec;
      std::filesystem::create_directories(dir, ec);
      if (ec) return ReportError(Error{ErrorCode::kInvalidArgument, "cannot create " + dir});
      for (const auto& [name, text] : report::ToCsv(*built)) {
        if (auto ok = WriteFile(dir + "/" + name, text); !ok) return ReportError(ok.error());
      }
      o.output = dir + "/";
      break;
    }
    case report::Format::kHtml:
    case report::Format::kPdf: {
      std::string data;
      if (*format == report::Format::kHtml) {
        data = report::ToHtml(*built);
      } else {
        auto pdf = report::ToPdf(*built);
        if (!pdf) return ReportError(pdf.error());
        data = std::move(*pdf);
      }
      if (o.output == "-") {
        std::cout << data;
        return 0;
      }
      if (o.output.empty()) o.output = base + (*format == report::Format::kHtml ? ".html" : ".pdf");
      if (auto ok = WriteFile(o.output, data); !ok) return ReportError(ok.error());
      break;
    }
  }
  std::cerr << "report of " << built->total << " incidents (" << query->start_day << " to "
            << query->end_day << ", " << query->zone << ") written to " << o.output << "\n";
  return 0;
}

}  // namespace

void AddReportCommand(CLI::App& root, GlobalOptions& g) {
  auto o = std::make_shared<ReportOptions>();
  auto* cmd = root.add_subcommand(
      "report",
      "An incident, SLA, on-call and DORA report for whole days, as PDF, HTML, CSV or JSON");
  cmd->add_option("--start", o->request.start, "First day, YYYY-MM-DD")->required();
  cmd->add_option("--end", o->request.end, "Last day (included), YYYY-MM-DD")->required();
  cmd->add_option("--service", o->services, "Only these services (comma-separated or repeated)");
  cmd->add_option("--team", o->request.team, "Only the services of this team");
  cmd->add_flag("--include-pagerduty", o->pagerduty, "im's incidents and PagerDuty's");
  cmd->add_flag("--include-opsgenie", o->opsgenie, "im's incidents and Opsgenie's");
  cmd->add_flag("--include-incidentio", o->incidentio, "im's incidents and incident.io's");
  cmd->add_flag("--include-all", o->all, "Every source (the default without --include flags)");
  cmd->add_option("--zone", o->request.zone, "IANA zone the days are in (default UTC)");
  cmd->add_option("--format", o->format, "pdf, html, csv or json")->required();
  cmd->add_option("--output", o->output,
                  "File to write (a directory for csv; - for standard output). Default: "
                  "im-report-START-to-END.pdf|.html, a directory of that name for csv, "
                  "standard output for json");
  cmd->add_option("--paper", o->request.paper, "a4 (default) or letter");
  cmd->add_option("--timelines", o->request.timeline_limit,
                  "List at most N incidents with their timelines in the appendix (default: all)");
  cmd->callback([&g, o] { g.exit_code = RunReport(g, *o); });
}

}  // namespace im::cli

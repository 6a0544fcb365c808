// im metrics dora [--since --until] [--service S | --team T] [--zone Z] [--json]: the DORA
// report; with --json, the drill-down lists of incidents and deployments behind each number.
// im metrics connector NAME: connector_metrics.cc.
#include <cstdio>
#include <iostream>

#include "cli/connector_metrics.h"
#include "cli/context.h"
#include "common/time.h"
#include "dora/bands.h"

namespace im::cli {
namespace {

struct DoraOptions {
  std::string since, until, service, team, zone;
  bool include_low_urgency = false;
  bool by_source = false;
  int64_t limit = 1000;
};

std::string Dur(const std::optional<Duration>& d) {
  if (!d) return "-";
  return FormatDuration(std::chrono::duration_cast<std::chrono::seconds>(*d));
}

std::string Summary(const dora::DurationSummary& s, bool with_mean) {
  if (s.count == 0) return "no samples";
  return (with_mean ? "mean " + Dur(s.mean) + ", " : std::string()) + "median " + Dur(s.median) +
         ", p90 " + Dur(s.p90) + " (n=" + std::to_string(s.count) + ")";
}

std::string Band(const std::optional<dora::Band>& b) {
  return b ? std::string(dora::BandName(*b)) : "-";
}

std::string ChangeFailure(const dora::DoraReport& r) {
  if (!r.change_failure_rate) return "no deployments";
  char buf[96];
  std::snprintf(buf, sizeof buf, "%.1f%% (%lld of %lld)", *r.change_failure_rate * 100,
                static_cast<long long>(r.failed_deployments),
                static_cast<long long>(r.deployments));
  return buf;
}

void PrintReport(const engine::DoraResult& res) {
  const auto& r = res.report;
  std::string scope = res.services.empty() ? "all services" : "";
  if (!res.team.empty()) scope = "team " + res.team + ": ";
  for (size_t i = 0; i < res.services.size(); ++i) scope += (i ? "," : "") + res.services[i];
  std::cout << "DORA metrics " << FormatTime(r.options.since) << " .. "
            << FormatTime(r.options.until) << " (" << r.zone_name << "), " << scope << "\n";
  char freq[96];
  std::snprintf(freq, sizeof freq, "%.2f/day, %.1f/week (%lld deployments)", r.per_day, r.per_week,
                static_cast<long long>(r.deployments));
  std::string cfr = ChangeFailure(r);
  std::string open = std::to_string(r.open_at_end) + " open at the end (" +
                     std::to_string(r.open_created_in_period) + " declared in the period)";
  PrintTable({"METRIC", "VALUE", "BAND"},
             {{"Deployment frequency", freq, std::string(dora::BandName(r.frequency_band))},
              {"Lead time for changes", Summary(r.lead_time, false), Band(r.lead_time_band)},
              {"Change failure rate", cfr, Band(r.change_failure_band)},
              {"Time to restore (MTTR)", Summary(r.restore, true), Band(r.restore_band)},
              {"Time to acknowledge (MTTA)", Summary(r.acknowledge, true), "-"},
              {"Incidents", open, "-"}});
  const auto& x = r.excluded_low_urgency;
  if (x.restore + x.acknowledge + x.open_at_end > 0) {
    std::cout << "\nLow urgency left out (--include-low-urgency counts them): " << x.restore
              << " restored, " << x.acknowledge << " acknowledged, " << x.open_at_end
              << " open at the end\n";
  }
  if (!res.by_source.empty()) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& [source, s] : res.by_source) {
      rows.push_back({source, Summary(s.restore, true), Summary(s.acknowledge, true),
                      ChangeFailure(s), std::to_string(s.open_at_end)});
    }
    std::cout << "\nBy incident source:\n";
    PrintTable({"SOURCE", "MTTR", "MTTA", "CHANGE FAILURE RATE", "OPEN AT END"}, rows);
  }
  std::cout << "Bands: DORA Accelerate State of DevOps Report " << dora::kBandsReportYear
            << "; see docs/dora.md. --json lists the incidents and deployments behind them.\n";
}

int RunDora(GlobalOptions& g, const DoraOptions& o) {
  if (auto ok = CheckLimit(o.limit); !ok) return ReportError(ok.error());
  if (!o.service.empty()) {
    if (auto ok = CheckServiceNames({o.service}, "--service"); !ok) return ReportError(ok.error());
  }
  auto rt = OpenRuntime(g);
  if (!rt) return ReportError(rt.error());
  engine::DoraQuery q{.service = o.service, .team = o.team, .zone = o.zone};
  const Time now = (*rt)->clock.Now();
  for (auto [text, field, flag] :
       {std::tuple{&o.since, &q.since, "--since"}, std::tuple{&o.until, &q.until, "--until"}}) {
    if (text->empty()) continue;
    auto t = ParseTimeRelative(*text, now);
    if (!t) return ReportError(t.error().Wrap(flag));
    *field = *t;
  }
  if (auto ok = CheckWindow(q.since, q.until); !ok) return ReportError(ok.error());
  if (o.include_low_urgency) q.include_low_urgency = true;
  q.list_incidents = q.list_deployments = g.json;
  q.by_source = o.by_source;
  q.limit = o.limit;
  auto r = (*rt)->deployments->Report(q);
  if (!r) return ReportError(r.error());
  if (g.json) {
    PrintJson(engine::DoraResultToJson(*r));
  } else {
    PrintReport(*r);
  }
  return 0;
}

}  // namespace

void AddMetricsCommands(CLI::App& root, GlobalOptions& g) {
  auto* metrics = root.add_subcommand("metrics", "Metrics computed from the incident record");
  metrics->require_subcommand(1);
  auto o = std::make_shared<DoraOptions>();
  auto* dora = metrics->add_subcommand("dora", "DORA metrics, MTTR and MTTA for a period");
  dora->add_option("--since", o->since, "Start: RFC 3339 or -30d (default 30 days before --until)");
  dora->add_option("--until", o->until, "End, exclusive (default now)");
  dora->add_option("--service", o->service, "Only this service");
  dora->add_option("--team", o->team, "Only the services of this team (the service catalog)");
  dora->add_option("--zone", o->zone, "IANA zone for the weekly series (default dora.zone, UTC)");
  dora->add_flag("--include-low-urgency", o->include_low_urgency,
                 "Count low-urgency incidents in MTTR and MTTA");
  dora->add_flag("--by-source", o->by_source,
                 "Also MTTR, MTTA and change failure rate per incident source (im, pagerduty, "
                 "opsgenie)");
  dora->add_option("--limit", o->limit, "At most this many items per --json list (default 1000)");
  dora->callback([&g, o] { g.exit_code = RunDora(g, *o); });

  auto name = std::make_shared<std::string>();
  auto* connector = metrics->add_subcommand(
      "connector", "A connector's sync success rate, sync time, API calls, rate-limit usage");
  connector->add_option("name", *name, "The connector, like pd-prod")->required();
  connector->callback([&g, name] { g.exit_code = RunConnectorMetrics(g, *name); });
}

}  // namespace im::cli

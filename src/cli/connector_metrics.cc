#include "cli/connector_metrics.h"

#include <iostream>

#include "app/connector_runtime.h"
#include "cli/display.h"
#include "engine/connector_status.h"

namespace im::cli {

int RunConnectorMetrics(GlobalOptions& g, const std::string& name) {
  auto rt = OpenRuntime(g);
  if (!rt) return ReportError(rt.error());
  auto cr = app::OpenConnectors(**rt);
  if (!cr) return ReportError(cr.error());
  auto st = engine::ReadConnectorStatus(*(*cr)->manager, *(*cr)->store, name, (*rt)->clock.Now());
  if (!st) return ReportError(st.error());
  if (!st->config) return ReportError({ErrorCode::kInternal, st->config_error});
  if (g.json) {
    PrintJson(engine::ConnectorMetricsJson(*st));
    return 0;
  }
  const auto& day = st->day;
  const auto& m = st->metrics;
  std::string calls = FormatCount(day.api_calls);
  if (day.api_errors > 0 || day.rate_limited > 0) {
    calls += " (" + FormatCount(day.api_errors) + " errors, " + FormatCount(day.rate_limited) +
             " rate-limited)";
  }
  std::cout << "Connector: " << name << "\n"
            << "Total Incidents: " << FormatCount(m.total_incidents) << "\n"
            << "Sync Success Rate: "
            << (m.syncs ? FormatPercent(m.sync_success_rate) : "- (no syncs yet)") << "\n"
            << "Average Sync Time: " << (m.syncs ? FormatSeconds(m.average_sync_seconds) : "-")
            << "\n"
            << "API Calls (24h): " << calls << "\n"
            << "Rate Limit Usage: "
            << (m.rate_limit_per_minute > 0 ? FormatPercent(m.rate_limit_usage)
                                            : std::string("- (no limit set)"))
            << "\n"
            << "Webhook Events (24h): " << FormatCount(day.webhook_events) << "\n";
  return 0;
}

}  // namespace im::cli

#include "cli/connector_metrics.h"

#include <algorithm>
#include <iostream>

#include "app/connector_runtime.h"
#include "cli/display.h"

namespace im::cli {

int RunConnectorMetrics(GlobalOptions& g, const std::string& name) {
  auto rt = OpenRuntime(g);
  if (!rt) return ReportError(rt.error());
  auto cr = app::OpenConnectors(**rt);
  if (!cr) return ReportError(cr.error());
  auto& store = *(*cr)->store;
  if (auto stored = store.Get(name); !stored) return ReportError(stored.error());
  auto config = (*cr)->manager->Config(name);
  if (!config) return ReportError(config.error());
  const Time now = (*rt)->clock.Now();
  const Time minute = std::chrono::floor<std::chrono::minutes>(now);
  auto day = store.Activity(name, now - std::chrono::hours(24));
  auto all = store.Activity(name, Time{});
  auto this_minute = store.Activity(name, minute);
  auto two_minutes = store.Activity(name, minute - std::chrono::minutes(1));
  auto linked = store.CountLinks(name);
  for (const auto* failed : {&day, &all, &this_minute, &two_minutes}) {
    if (!*failed) return ReportError(failed->error());
  }
  if (!linked) return ReportError(linked.error());
  const double success =
      all->syncs ? 1.0 - static_cast<double>(all->sync_failures) / all->syncs : 1.0;
  const double avg_sync = all->syncs ? all->sync_time_us / 1e6 / all->syncs : 0;
  // The busier of this minute and the last, by every im process, against the key's limit.
  const int64_t per_minute =
      std::max(this_minute->api_calls, two_minutes->api_calls - this_minute->api_calls);
  const int limit = config->rate_limit_per_minute;
  const double usage = limit > 0 ? static_cast<double>(per_minute) / limit : 0;
  if (g.json) {
    PrintJson(json::object{{"connector", name},
                           {"total_incidents", *linked},
                           {"sync_success_rate", success},
                           {"average_sync_seconds", avg_sync},
                           {"api_calls_24h", day->api_calls},
                           {"api_errors_24h", day->api_errors},
                           {"rate_limited_24h", day->rate_limited},
                           {"rate_limit_usage", usage},
                           {"rate_limit_per_minute", limit},
                           {"webhook_events_24h", day->webhook_events}});
    return 0;
  }
  std::string calls = FormatCount(day->api_calls);
  if (day->api_errors > 0 || day->rate_limited > 0) {
    calls += " (" + FormatCount(day->api_errors) + " errors, " + FormatCount(day->rate_limited) +
             " rate-limited)";
  }
  std::cout << "Connector: " << name << "\n"
            << "Total Incidents: " << FormatCount(*linked) << "\n"
            << "Sync Success Rate: " << (all->syncs ? FormatPercent(success) : "- (no syncs yet)")
            << "\n"
            << "Average Sync Time: " << (all->syncs ? FormatSeconds(avg_sync) : "-") << "\n"
            << "API Calls (24h): " << calls << "\n"
            << "Rate Limit Usage: "
            << (limit > 0 ? FormatPercent(usage) : std::string("- (no limit set)")) << "\n"
            << "Webhook Events (24h): " << FormatCount(day->webhook_events) << "\n";
  return 0;
}

}  // namespace im::cli

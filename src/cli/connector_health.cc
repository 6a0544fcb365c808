#include "cli/connector_health.h"

#include <cctype>
#include <iostream>

#include "app/connector_runtime.h"
#include "cli/display.h"
#include "engine/connector_status.h"

namespace im::cli {
namespace {

// Above this share of API calls failing in 24 hours, a connector is Degraded.
constexpr double kDegradedErrorRate = 0.05;

enum class ConnectorHealth { kHealthy, kDegraded, kUnhealthy };

struct ConnectorHealthLine {
  std::string name;
  std::string mark;  // "✓", "✗", or "-" for neither
  std::string detail;
};

std::string HealthMark(bool ok) { return ok ? "✓" : "✗"; }

struct ConnectorHealthReport {
  ConnectorHealth health = ConnectorHealth::kHealthy;
  std::vector<std::string> reasons;  // why it is not healthy
  std::vector<ConnectorHealthLine> lines;

  void Worsen(ConnectorHealth h, std::string reason) {
    if (h > health) health = h;
    reasons.push_back(std::move(reason));
  }
};

std::string_view ConnectorHealthName(ConnectorHealth h) {
  switch (h) {
    case ConnectorHealth::kHealthy: return "Healthy";
    case ConnectorHealth::kDegraded: return "Degraded";
    case ConnectorHealth::kUnhealthy: return "Unhealthy";
  }
  return "Unhealthy";
}

std::string CapitalizedCheckName(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

// The connector's live checks (Connector::Test: the first two are the connection and the
// credentials) and its stored state, judged.
ConnectorHealthReport JudgeHealth(const std::vector<connectors::Check>& checks,
                                  const engine::ConnectorStatus& s, Time now) {
  ConnectorHealthReport r;
  for (size_t i = 0; i < checks.size(); ++i) {
    const auto& c = checks[i];
    r.lines.push_back({CapitalizedCheckName(c.name), HealthMark(c.ok), c.detail});
    if (!c.ok) {
      r.Worsen(i < 2 ? ConnectorHealth::kUnhealthy : ConnectorHealth::kDegraded,
               c.name + ": " + c.detail);
    }
  }
  if (checks.empty()) r.Worsen(ConnectorHealth::kUnhealthy, "the connector ran no checks");

  const auto& st = s.stored;
  if (st.last_webhook_at) {
    r.lines.push_back({"Webhook", HealthMark(true),
                       "Receiving events (last: " + FormatAgo(*st.last_webhook_at, now) + ")"});
  } else {
    r.lines.push_back({"Webhook", "-", "No events received yet"});
  }

  const bool polls = s.config && s.config->direction != connectors::Direction::kOutbound;
  if (!st.last_error.empty()) {
    std::string when = st.last_sync_at ? " " + FormatAgo(*st.last_sync_at, now) : "";
    r.lines.push_back({"Sync Status", HealthMark(false), "Failed" + when + ": " + st.last_error});
    r.Worsen(ConnectorHealth::kUnhealthy, "the last sync failed: " + st.last_error);
  } else if (!polls) {
    r.lines.push_back({"Sync Status", "-", "Outbound only: changes are sent from the outbox"});
  } else if (!st.last_sync_at) {
    r.lines.push_back({"Sync Status", HealthMark(false),
                       "Never synced: run `im connector sync " + st.name + "` or `im serve`"});
    r.Worsen(ConnectorHealth::kDegraded, "never synced");
  } else {
    // `im serve` syncs every sync_interval; two missed in a row (and a minute) is behind.
    const Duration late = 2 * s.config->sync_interval + std::chrono::minutes(1);
    const bool current = now - *st.last_sync_at <= late;
    r.lines.push_back({"Sync Status", HealthMark(current),
                       std::string(current ? "Up to date" : "Behind") +
                           " (last sync: " + FormatAgo(*st.last_sync_at, now) + ")"});
    if (!current) {
      r.Worsen(ConnectorHealth::kDegraded, "the last sync is older than two sync intervals");
    }
  }

  std::string outbox =
      FormatCount(s.outbox.pending) + " waiting, " + FormatCount(s.outbox.parked) + " parked";
  if (s.outbox.parked > 0) {
    outbox += ": fix the cause, then `im connector sync " + st.name + " --retry-parked`";
    r.Worsen(ConnectorHealth::kDegraded, "outbound changes are parked");
  }
  r.lines.push_back({"Outbox", HealthMark(s.outbox.parked == 0), outbox});
  return r;
}

}  // namespace

int RunConnectorHealth(GlobalOptions& g, const std::string& name) {
  auto rt = OpenRuntime(g);
  if (!rt) return ReportError(rt.error());
  auto cr = app::OpenConnectors(**rt);
  if (!cr) return ReportError(cr.error());
  auto c = (*cr)->manager->Open(name);
  if (!c) return ReportError(c.error());
  // The live checks first: their API calls count in the error rate read after them.
  auto checks = (*c)->Test();
  const Time now = (*rt)->clock.Now();
  auto state = engine::ReadConnectorStatus(*(*cr)->manager, *(*cr)->store, name, now);
  if (!state) return ReportError(state.error());
  ConnectorHealthReport report = JudgeHealth(checks, *state, now);
  const auto& day = state->day;
  const double error_rate = state->error_rate_24h;
  if (error_rate > kDegradedErrorRate) {
    report.Worsen(ConnectorHealth::kDegraded, "more than 5% of API calls failed in 24h");
  }
  if (g.json) {
    json::object j = engine::ConnectorStatusJson(*state, now);
    json::array checks_json;
    for (const auto& check : checks) {
      checks_json.push_back(
          json::object{{"name", check.name}, {"ok", check.ok}, {"detail", check.detail}});
    }
    std::string health(ConnectorHealthName(report.health));
    for (auto& ch : health) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    json::array reasons;
    for (const auto& why : report.reasons) reasons.emplace_back(why);
    j["health"] = health;
    j["health_reasons"] = std::move(reasons);
    j["checks"] = std::move(checks_json);
    PrintJson(j);
    return report.health == ConnectorHealth::kUnhealthy ? 7 : 0;
  }
  std::cout << "Health: " << ConnectorHealthName(report.health) << "\n";
  for (const auto& line : report.lines) {
    std::cout << line.name << ": " << line.mark << " " << line.detail << "\n";
  }
  std::cout << "Error Rate: " << FormatPercent(error_rate) << " (" << FormatCount(day.api_errors)
            << " errors in 24h)\n";
  // Like `im connector test`: scripts and monitors see an unusable connector in the exit code.
  return report.health == ConnectorHealth::kUnhealthy ? 7 : 0;
}

}  // namespace im::cli

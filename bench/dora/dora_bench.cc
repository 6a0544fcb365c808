// Times DORA reports over a data directory filled by seed_dora: all services for one year, one
// service, one team, with and without drill-down lists, and recording one deployment (durable,
// with its incremental attribution). Prints min / median / max of N runs.
//   dora_bench DATA_DIR [RUNS]      (IM_DATABASE_URL set: on that PostgreSQL database instead)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <vector>

#include "app/runtime.h"
#include "common/time.h"

namespace {

using namespace std::chrono;

void Measure(const char* what, int runs, const std::function<bool()>& fn) {
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    const auto t0 = steady_clock::now();
    if (!fn()) return;
    ms.push_back(duration<double, std::milli>(steady_clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  std::printf("%-58s min %7.1f ms  median %7.1f ms  max %7.1f ms  (%d runs)\n", what, ms.front(),
              ms[ms.size() / 2], ms.back(), runs);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: dora_bench DATA_DIR [RUNS]\n");
    return 2;
  }
  const int runs = argc > 2 ? std::atoi(argv[2]) : 10;
  im::app::Config config;
  config.data_dir = argv[1];
  config.log_level = "warn";
  if (const char* url = std::getenv("IM_DATABASE_URL")) config.database_url = url;
  auto rt = im::app::OpenRuntime(config, false);
  if (!rt) {
    std::fprintf(stderr, "error: %s\n", rt.error().message.c_str());
    return 1;
  }
  auto& dep = *(*rt)->deployments;
  const im::Time until = *im::ParseTime("2026-01-01T00:00:00Z");
  const im::Time since = until - days(365);
  auto report = [&](im::engine::DoraQuery q, bool print) {
    q.since = since;
    q.until = until;
    auto r = dep.Report(q);
    if (!r) {
      std::fprintf(stderr, "error: %s\n", r.error().message.c_str());
      return false;
    }
    if (print) {
      std::printf(
          "  %lld deployments, %lld failed, %lld restore samples, %lld ack samples, "
          "%lld open at end, %lld low-urgency restores left out, %zu weeks\n",
          static_cast<long long>(r->report.deployments),
          static_cast<long long>(r->report.failed_deployments),
          static_cast<long long>(r->report.restore.count),
          static_cast<long long>(r->report.acknowledge.count),
          static_cast<long long>(r->report.open_at_end),
          static_cast<long long>(r->report.excluded_low_urgency.restore), r->report.weeks.size());
    }
    return true;
  };
  if (!report({}, true) || !report({.service = "svc-007"}, true)) return 1;
  Measure("all DORA metrics, one year, all services", runs, [&] { return report({}, false); });
  Measure("all DORA metrics, one year, one service (svc-007)", runs,
          [&] { return report({.service = "svc-007"}, false); });
  Measure("all DORA metrics, one year, one team (10 services)", runs,
          [&] { return report({.team = "team-03"}, false); });
  Measure("one service with drill-down lists (incidents, deployments)", runs, [&] {
    return report({.service = "svc-007", .list_incidents = true, .list_deployments = true}, false);
  });
  Measure("all services, zone Europe/Berlin, low urgency included", runs,
          [&] { return report({.zone = "Europe/Berlin", .include_low_urgency = true}, false); });
  int n = 0;
  Measure("record one deployment (durable, incremental attribution)", runs, [&] {
    im::dora::Deployment d{.id = "bench-" + std::to_string(n++), .service = "svc-011"};
    d.triggered_at = until - days(100) + hours(n);
    auto r = dep.Record(d, "bench");
    if (!r) std::fprintf(stderr, "error: %s\n", r.error().message.c_str());
    return r.has_value();
  });
  return 0;
}

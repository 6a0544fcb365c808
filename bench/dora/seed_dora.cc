// Fills a data directory for the DORA benchmark, fast: incidents and deployments are written
// with cached prepared statements in transactions of 20,000 rows on one connection with
// synchronous=OFF (a benchmark fixture, not user data), then attributed through the real
// store's CatchUp. Deterministic (fixed seed, fixed end time).
//   seed_dora DATA_DIR INCIDENTS DEPLOYMENTS [SERVICES] [DAYS]
// Services are svc-000.., ten per team (team-00..); data covers the DAYS (default 3 years)
// before 2026-01-01.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "app/runtime.h"
#include "common/time.h"
#include "store/sqlite/deployment_rows.h"
#include "store/sqlite/rows.h"

namespace {

using im::Time;
using namespace std::chrono;

constexpr int kBatch = 20000;

int Die(const im::Error& e) {
  std::fprintf(stderr, "error: %s\n", e.message.c_str());
  return 1;
}

std::string ServiceName(long i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "svc-%03ld", i);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: seed_dora DATA_DIR INCIDENTS DEPLOYMENTS [SERVICES] [DAYS]\n");
    return 2;
  }
  const long incidents = std::atol(argv[2]), deployments = std::atol(argv[3]);
  const long services = argc > 4 ? std::atol(argv[4]) : 200;
  const long span_days = argc > 5 ? std::atol(argv[5]) : 3 * 365;
  im::app::Config config;
  config.data_dir = argv[1];
  config.log_level = "warn";
  auto rt = im::app::OpenRuntime(config, false);  // creates and migrates the database
  if (!rt) return Die(rt.error());
  auto conn = im::store::sqlite::Connection::Open((*rt)->DatabasePath());
  if (!conn) return Die(conn.error());
  auto& c = **conn;
  if (auto ok = c.Exec("PRAGMA synchronous=OFF"); !ok) return Die(ok.error());

  const Time end = *im::ParseTime("2026-01-01T00:00:00Z");
  const Time start = end - days(span_days);
  const auto span = duration_cast<microseconds>(end - start).count();
  std::mt19937_64 rng(42);
  auto uniform = [&](int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(rng() % static_cast<uint64_t>(hi - lo + 1));
  };
  const auto t0 = steady_clock::now();

  auto run_batches = [&](long total, auto&& one) -> im::Result<void> {
    for (long done = 0; done < total;) {
      if (auto ok = c.Exec("BEGIN"); !ok) return ok;
      for (long i = 0; i < kBatch && done < total; ++i, ++done) {
        if (auto ok = one(done); !ok) return ok;
      }
      if (auto ok = c.Exec("COMMIT"); !ok) return ok;
    }
    return {};
  };
  auto ok = run_batches(services, [&](long i) -> im::Result<void> {
    auto st =
        c.Prepare("INSERT OR REPLACE INTO services (name, team, created_at) VALUES (?1, ?2, ?3)");
    if (!st) return std::unexpected(st.error());
    char team[32];
    std::snprintf(team, sizeof team, "team-%02ld", i / 10);
    return (*st)->Bind(1, ServiceName(i)).Bind(2, team).Bind(3, im::ToUnixMicros(start)).Run();
  });
  if (!ok) return Die(ok.error());

  ok = run_batches(incidents, [&](long i) -> im::Result<void> {
    im::core::Incident inc;
    inc.title = "Generated incident " + std::to_string(i);
    inc.severity = static_cast<im::core::Severity>(1 + rng() % 4);
    inc.urgency =
        static_cast<int>(inc.severity) <= 2 ? im::core::Urgency::kHigh : im::core::Urgency::kLow;
    inc.services = {ServiceName(static_cast<long>(rng() % services))};
    if (rng() % 10 == 0) inc.services.push_back(ServiceName(static_cast<long>(rng() % services)));
    if (inc.services.size() == 2 && inc.services[0] == inc.services[1]) inc.services.pop_back();
    inc.created_at = start + microseconds(span / incidents * i + uniform(0, span / incidents));
    inc.created_by = "bench@example.com";
    inc.status = im::core::Status::kOpen;
    if (rng() % 100 < 95) {
      inc.acknowledged_at = inc.created_at + seconds(uniform(10, 1800));
      inc.status = im::core::Status::kMitigated;
    }
    if (rng() % 100 < 98) {
      inc.resolved_at = inc.created_at + seconds(uniform(600, 8 * 3600));
      inc.status = im::core::Status::kResolved;
    }
    inc.updated_at = inc.created_at;
    inc.version = 1;
    auto n = im::store::sqlite::InsertIncidentRow(c, inc);
    if (!n) return std::unexpected(n.error());
    return {};
  });
  if (!ok) return Die(ok.error());
  const auto t1 = steady_clock::now();

  ok = run_batches(deployments, [&](long i) -> im::Result<void> {
    im::dora::Deployment d;
    d.id = "d-" + std::to_string(i);
    d.service = ServiceName(static_cast<long>(rng() % services));
    d.triggered_at = start + microseconds(span / deployments * i + uniform(0, span / deployments));
    d.finished_at = d.triggered_at + seconds(uniform(60, 1200));
    d.status =
        rng() % 100 < 97 ? im::dora::DeployStatus::kSuccess : im::dora::DeployStatus::kFailure;
    d.commit_sha = "c" + std::to_string(rng());
    d.committed_at = d.triggered_at - seconds(uniform(600, 5 * 86400));
    d.source = "seed";
    d.received_at = d.triggered_at;
    auto seq = im::store::sqlite::InsertDeployment(c, d);
    if (!seq) return std::unexpected(seq.error());
    return {};
  });
  if (!ok) return Die(ok.error());
  const auto t2 = steady_clock::now();

  auto attributed = (*rt)->deployment_store->CatchUp(kBatch);
  if (!attributed) return Die(attributed.error());
  const auto t3 = steady_clock::now();
  auto secs = [](auto d) { return duration<double>(d).count(); };
  std::printf(
      "seeded %ld incidents in %.1f s, %ld deployments in %.1f s; attributed %lld incidents "
      "(every one, from scratch) in %.1f s; %ld services in %ld teams\n",
      incidents, secs(t1 - t0), deployments, secs(t2 - t1), static_cast<long long>(*attributed),
      secs(t3 - t2), services, (services + 9) / 10);
  return 0;
}

// Fills a data directory with N generated incidents (and their timelines) in large
// transactions, for benchmarks: seed_incidents DATA_DIR N. With IM_DATABASE_URL set, fills
// that database instead (postgres://…), as `im` would.
#include <cstdio>
#include <cstdlib>
#include <random>

#include "app/runtime.h"
#include "core/lifecycle.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: seed_incidents DATA_DIR COUNT\n");
    return 2;
  }
  im::app::Config config;
  config.data_dir = argv[1];
  config.log_level = "warn";
  if (const char* url = std::getenv("IM_DATABASE_URL")) config.database_url = url;
  auto rt = im::app::OpenRuntime(config, false);
  if (!rt) {
    std::fprintf(stderr, "error: %s\n", rt.error().message.c_str());
    return 1;
  }
  const long total = std::atol(argv[2]);
  const char* services[] = {"api", "db", "payments", "search", "web", "batch"};
  std::mt19937_64 rng(42);
  im::Time start = (*rt)->clock.Now() - std::chrono::days(365);
  long done = 0;
  while (done < total) {
    long batch = std::min(10000L, total - done);
    auto ok = (*rt)->store->Transact([&](im::store::Tx& tx) -> im::Result<void> {
      for (long i = 0; i < batch; ++i) {
        im::Time at = start + std::chrono::seconds((done + i) * 300);
        auto sev = static_cast<im::core::Severity>(1 + rng() % 4);
        auto c = im::core::Declare({.title = "Generated incident " + std::to_string(done + i),
                                    .severity = sev,
                                    .services = {services[rng() % 6]}},
                                   im::core::Actor{.email = "bench@example.com"}, at);
        if (!c) return std::unexpected(c.error());
        auto acked = im::core::Acknowledge(c->incident, {.email = "oncall@example.com"},
                                           at + std::chrono::minutes(rng() % 30));
        auto resolved = im::core::Resolve(acked->incident, {.email = "oncall@example.com"},
                                          at + std::chrono::minutes(30 + rng() % 240));
        auto n = tx.InsertIncident(resolved->incident);
        if (!n) return std::unexpected(n.error());
        auto entries = c->entries;
        entries.insert(entries.end(), acked->entries.begin(), acked->entries.end());
        entries.insert(entries.end(), resolved->entries.begin(), resolved->entries.end());
        if (auto t = tx.AppendTimeline(*n, entries); !t) return t;
      }
      return {};
    });
    if (!ok) {
      std::fprintf(stderr, "error: %s\n", ok.error().message.c_str());
      return 1;
    }
    done += batch;
  }
  std::printf("seeded %ld incidents into %s\n", total, (*rt)->DatabaseAddress().c_str());
  return 0;
}

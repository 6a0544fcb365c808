// Simulator throughput: generating 100,000 PagerDuty incidents and 100,000 Opsgenie alerts,
// GET /incidents over a real loopback server with rate limits off, and webhook delivery to a
// loopback receiver.
// Plain main printing figures (targets: ≤ 2 s, ≥ 5,000 req/s, ≥ 1,000 webhooks/s).
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "http/server.h"
#include "net/curl_http_client.h"
#include "sim/opsgenie/generator.h"
#include "sim/pagerduty/generator.h"
#include "sim/pagerduty/simulator.h"

namespace {

using namespace im;
using Steady = std::chrono::steady_clock;

double Seconds(Steady::time_point since) {
  return std::chrono::duration<double>(Steady::now() - since).count();
}

}  // namespace

int main() {
  SystemClock clock;
  auto t0 = Steady::now();
  auto world = sim::pagerduty::Generate({1, 100000, 90, clock.Now()});
  std::printf("generate 100000 incidents: %.3f s (%zu incidents)\n", Seconds(t0),
              world.incidents.size());
  t0 = Steady::now();
  auto og = sim::opsgenie::Generate({1, 100000, 90, clock.Now()});
  std::printf("generate 100000 Opsgenie alerts: %.3f s (%zu alerts, %zu incidents)\n", Seconds(t0),
              og.alerts.size(), og.incidents.size());

  net::CurlHttpClient client;
  sim::pagerduty::SimulatorOptions o;
  o.incidents = 2000;
  o.rate_limit = false;
  o.api_keys = {{"bench", false}};
  sim::pagerduty::Simulator simulator(o, clock, client, nullptr);
  http::Router router;
  simulator.Register(router);
  http::Server server({.host = "127.0.0.1", .port = 0}, router, nullptr);
  if (!server.Start()) return 1;
  std::string base = "http://127.0.0.1:" + std::to_string(server.port());

  const int kThreads = 4, kPerThread = 5000;
  std::atomic<int> ok{0};
  t0 = Steady::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        auto res = client.Send({.url = base + (std::getenv("BENCH_PATH") ? std::getenv("BENCH_PATH")
                                                                         : "/incidents?limit=25"),
                                .headers = {{"Authorization", "Token token=bench"}}});
        if (res && res->status == 200) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  double secs = Seconds(t0);
  std::printf("GET /incidents?limit=25: %d ok in %.2f s = %.0f req/s (%d client threads)\n",
              ok.load(), secs, ok.load() / secs, kThreads);

  http::Router receiver_router;
  std::atomic<int> received{0};
  receiver_router.Add("POST", "/hook", [&](const net::HttpRequest&) {
    ++received;
    net::HttpResponse res;
    res.status = 202;
    return res;
  });
  http::Server receiver({.host = "127.0.0.1", .port = 0}, receiver_router, nullptr);
  if (!receiver.Start()) return 1;
  simulator.webhooks().SetTarget(
      {"http://127.0.0.1:" + std::to_string(receiver.port()) + "/hook", {"secret"}});
  const int kWebhooks = 5000;
  for (int i = 0; i < kWebhooks; ++i) {
    simulator.webhooks().Enqueue({"w" + std::to_string(i), "inc" + std::to_string(i % 50),
                                  R"({"event":{"event_type":"incident.triggered"}})"});
  }
  t0 = Steady::now();
  simulator.webhooks().RunDue();
  secs = Seconds(t0);
  std::printf("webhook delivery: %d delivered in %.2f s = %.0f/s (one delivery thread)\n",
              received.load(), secs, received.load() / secs);
  receiver.Stop();
  server.Stop();
  return 0;
}

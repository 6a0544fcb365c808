// Changes made in im reaching PagerDuty (the simulator on loopback, in real time), through the
// same parts `im serve` uses: engine::Incidents queues each declare durably in its transaction
// and kicks a connectors::OutboxSender, which sends it.
//   outbound_bench [LATENCY_DECLARES] [DRAIN_DECLARES]     (defaults: 200 1000)
// 1. Latency: one declare at a time, from the call to Declare until the simulator holds the
//    PagerDuty incident (its incident_key is im-<install id>-INC-<n>): p50, p90, p99, max.
// 2. Drain at the rate limit (960 requests a minute on a fresh key, enforced by the simulator
//    and budgeted by the connector): DRAIN_DECLARES declares queued while the sender is
//    stopped, then sent (two requests each: the incident_key look-up and the create); the wall
//    time against the least the limit allows for the requests.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "connectors/outbox_sender.h"
#include "engine/incidents.h"
#include "http/server.h"
#include "local_connectors.h"
#include "net/curl_http_client.h"
#include "sim/pagerduty/simulator.h"

using namespace im;
using Clock_ = std::chrono::steady_clock;

namespace {

double Ms(Clock_::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

bool SimHasKey(sim::pagerduty::Simulator& sim, const std::string& key) {
  std::lock_guard lock(sim.state().mu);
  for (auto it = sim.state().world.incidents.rbegin(); it != sim.state().world.incidents.rend();
       ++it) {
    if (it->incident_key.ends_with("-" + key)) return true;  // im-<install id>-INC-<n>
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  int latency_n = argc > 1 ? std::atoi(argv[1]) : 200;
  int drain_n = argc > 2 ? std::atoi(argv[2]) : 1000;
  SystemClock clock;
  net::CurlHttpClient http;

  sim::pagerduty::SimulatorOptions so;
  so.seed = 5;
  so.incidents = 10;
  so.days = 7;
  so.api_keys = {{"latency-key", false}, {"drain-key", false}};
  so.rate_limit = true;
  sim::pagerduty::Simulator simulator(so, clock, http, nullptr);
  http::Router router;
  simulator.Register(router);
  http::Server server(http::ServerOptions{.port = 0}, router, nullptr);
  if (!server.Start()) return 1;
  std::string service, user;
  {
    std::lock_guard lock(simulator.state().mu);
    service = simulator.state().world.services.front().id;
    user = simulator.state().world.users.front().email;
  }

  bench::LocalConnectors local(clock, http);
  auto& db = local.db;
  auto& links = local.links;
  auto& manager = local.manager;
  auto log = local.ctx.log;
  auto add = [&](const std::string& name, const std::string& key) {
    json::object config{
        {"api_key", key},
        {"base_url", "http://127.0.0.1:" + std::to_string(server.port())},
        {"sync_direction", "outbound"},
        {"custom", json::object{{"from_email", user},
                                {"service_mappings", json::object{{"default", service}}}}}};
    auto ok = manager.Add("pagerduty", name, config);
    if (!ok) std::fprintf(stderr, "%s\n", ok.error().message.c_str());
    return static_cast<bool>(ok);
  };
  engine::Incidents incidents(*db, clock, core::SlaPolicy::Default());
  auto declare = [&]() -> int64_t {
    auto d = incidents.Declare(
        {.title = "Checkout is down", .severity = core::Severity::kSev1, .services = {"checkout"}},
        {.email = user});
    if (!d) {
      std::fprintf(stderr, "declare: %s\n", d.error().message.c_str());
      std::exit(1);
    }
    return d->incident.number;
  };

  // 1. Latency, on a connector of its own (the drain's key stays untouched).
  if (!add("latency", "latency-key")) return 1;
  {
    connectors::OutboxSender sender(links, manager, log);
    incidents.SetOnQueued([&] { sender.Kick(); });
    sender.Start();
    std::vector<double> ms;
    for (int i = 0; i < latency_n; ++i) {
      auto start = Clock_::now();
      std::string key = "INC-" + std::to_string(declare());
      while (!SimHasKey(simulator, key)) std::this_thread::sleep_for(std::chrono::microseconds(50));
      ms.push_back(Ms(Clock_::now() - start));
    }
    incidents.SetOnQueued(nullptr);
    sender.Stop();
    std::sort(ms.begin(), ms.end());
    auto pct = [&](double p) { return ms[static_cast<size_t>(p * (ms.size() - 1))]; };
    std::printf(
        "declare -> PagerDuty incident created, %d declares one at a time: p50 %.2f ms, "
        "p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
        latency_n, pct(0.5), pct(0.9), pct(0.99), ms.back());
  }
  // The latency connector is done: switch it to inbound so the drain's sender skips it.
  (void)manager.Update("latency", [](connectors::ConnectorConfig& c) -> Result<void> {
    c.direction = connectors::Direction::kInbound;
    return Ok();
  });

  // 2. Drain at the rate limit.
  if (!add("drain", "drain-key")) return 1;
  for (int i = 0; i < drain_n; ++i) declare();
  auto before = links.Activity("drain", Time{});
  connectors::OutboxSender sender(links, manager, log);
  auto start = Clock_::now();
  sender.Start();
  for (uint64_t pass = 1;; ++pass) {
    sender.WaitForPasses(pass, std::chrono::hours(1));
    if (links.Outbox("drain", clock.Now())->pending == 0) break;
  }
  double took = std::chrono::duration<double>(Clock_::now() - start).count();
  sender.Stop();
  auto after = links.Activity("drain", Time{});
  int64_t requests = after->api_calls - before->api_calls;
  int64_t limited = after->rate_limited - before->rate_limited;
  // 960 requests a minute. The simulator counts them in fixed one-minute windows from the
  // first request (PagerDuty does not document its algorithm), so the last request can go no
  // earlier than the start of window (requests - 1) / 960; a token bucket would allow
  // (requests - 960) / 16 s.
  double least = static_cast<double>(std::max<int64_t>(0, requests - 1) / 960 * 60);
  double bucket = std::max<int64_t>(0, requests - 960) / 16.0;
  std::printf(
      "drained %d declares with %lld requests (%lld answered 429) in %.1f s: "
      "%.0f requests/min; least the simulator's limit allows %.0f s (ratio %.2f), "
      "a token bucket %.1f s\n",
      drain_n, static_cast<long long>(requests), static_cast<long long>(limited), took,
      requests / took * 60, least, least > 0 ? took / least : 0, bucket);
  server.Stop();
  return 0;
}

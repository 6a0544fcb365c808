// PagerDuty history import against the simulator on loopback, in real time:
//   import_bench [INCIDENTS] [on|off]     (defaults: 50000 on)
// With the rate limit on it reports the requests made and the wall time against the least the
// 960-per-minute limit allows for them; with it off, incidents imported per second.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "http/server.h"
#include "local_connectors.h"
#include "net/curl_http_client.h"
#include "sim/pagerduty/simulator.h"

using namespace im;

int main(int argc, char** argv) {
  int64_t incidents = argc > 1 ? std::atoll(argv[1]) : 50000;
  bool limited = argc > 2 ? std::string(argv[2]) != "off" : true;
  SystemClock clock;
  net::CurlHttpClient http;

  sim::pagerduty::SimulatorOptions so;
  so.seed = 11;
  so.incidents = incidents;
  so.days = 90;
  so.api_keys = {{"bench-key", false}};
  so.rate_limit = limited;
  auto gen_start = std::chrono::steady_clock::now();
  sim::pagerduty::Simulator simulator(so, clock, http, nullptr);
  http::Router router;
  simulator.Register(router);
  http::Server server(http::ServerOptions{.port = 0}, router, nullptr);
  if (!server.Start()) return 1;
  std::printf("simulator: %lld incidents generated in %.2f s\n", static_cast<long long>(incidents),
              std::chrono::duration<double>(std::chrono::steady_clock::now() - gen_start).count());

  bench::LocalConnectors local(clock, http);
  auto& links = local.links;
  auto& manager = local.manager;
  json::object config{{"api_key", "bench-key"},
                      {"base_url", "http://127.0.0.1:" + std::to_string(server.port())},
                      {"rate_limit_per_minute", limited ? 960 : 0},
                      {"custom", json::object{{"history_days", 90}}}};
  if (auto ok = manager.Add("pagerduty", "pd", config); !ok) {
    std::fprintf(stderr, "%s\n", ok.error().message.c_str());
    return 1;
  }
  auto connector = manager.Open("pd");
  auto start = std::chrono::steady_clock::now();
  auto report = (*connector)->Sync({});
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!report) {
    std::fprintf(stderr, "import failed: %s\n", report.error().message.c_str());
    return 1;
  }
  auto activity = links.Activity("pd", Time{});
  int64_t linked = *links.CountLinks("pd");
  std::printf(
      "imported %lld incidents, %lld log entries with %lld requests (%lld rate-limited) "
      "in %.1f s: %.0f incidents/s\n",
      static_cast<long long>(linked), static_cast<long long>(report->log_entries),
      static_cast<long long>(activity->api_calls), static_cast<long long>(activity->rate_limited),
      took, linked / took);
  if (limited) {
    // 960 requests a minute: the first 960 can go at once, each further one needs 1/16 s.
    double least = std::max<int64_t>(0, activity->api_calls - 960) / 16.0;
    std::printf("least the rate limit allows for %lld requests: %.1f s; ratio %.2f\n",
                static_cast<long long>(activity->api_calls), least, least > 0 ? took / least : 0);
  }
  server.Stop();
  return 0;
}

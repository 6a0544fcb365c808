// Opsgenie simulators (a US and an EU host) on real loopback servers and an Opsgenie connector
// over a SQLite store, sharing one fake clock: rate-limit waits and backoff move fake time,
// and the simulator's throttling holds advance it too.
#pragma once

#include <gtest/gtest.h>

#include <atomic>

#include "common/time.h"
#include "connectors/manager.h"
#include "connectors/opsgenie/opsgenie_connector.h"
#include "fakes/fake_clock.h"
#include "fakes/fake_waiter.h"
#include "fakes/temp_dir.h"
#include "fakes/test_backend.h"
#include "http/server.h"
#include "net/curl_http_client.h"
#include "sim/opsgenie/simulator.h"
#include "store/open.h"

namespace im::connectors::testing {

class OgNullClient final : public net::HttpClient {
 public:
  Result<net::HttpResponse> Send(const net::ClientRequest&) override {
    return Fail(ErrorCode::kUnavailable, "webhook delivery is off in this test");
  }
};

struct OgOptions {
  int64_t alerts = 300;
  bool rate_limit = false;
  std::string key_team;    // a team-scoped key: only this team (index into the sim's teams)
  std::string key_region;  // a key of one region only ("us" or "eu")
  std::string region = "us";
};

// One simulated Opsgenie host.
struct OgHost {
  http::Router router;
  std::unique_ptr<sim::opsgenie::Simulator> sim;
  std::unique_ptr<http::Server> server;
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server->port()); }
};

class OpsgenieFixture : public ::testing::Test {
 protected:
  static constexpr char kKey[] = "og-test-key-1234567890";
  static constexpr char kHeaderSecret[] = "a-long-shared-webhook-secret";

  void StartHost(OgHost& host, const OgOptions& o, const std::string& region) {
    sim::opsgenie::SimulatorOptions so;
    so.seed = 11;
    so.incidents = o.alerts;
    so.days = 90;
    so.api_keys = {{.key = kKey, .team = o.key_team, .region = o.key_region}};
    so.rate_limit = o.rate_limit;
    so.region = region;
    host.sim = std::make_unique<sim::opsgenie::Simulator>(so, clock_, null_client_,
                                                          [this](std::chrono::milliseconds d) {
                                                            ++holds_;
                                                            clock_.Advance(d);
                                                          });
    host.sim->Register(host.router);
    host.server =
        std::make_unique<http::Server>(http::ServerOptions{.port = 0}, host.router, nullptr);
    ASSERT_TRUE(host.server->Start());
  }

  void Start(OgOptions o = {}) {
    options_ = o;
    StartHost(us_, o, "us");
    StartHost(eu_, o, "eu");
    address_ = im::testing::TestDatabaseAddress(dir_.File("im.db"));
    auto opened = store::Open(address_, {}, clock_);
    ASSERT_TRUE(opened) << opened.error().message;
    stores_ = std::move(*opened);
    db_ = stores_.main.get();
    connectors_ = stores_.connectors.get();
    schedules_ = stores_.schedules.get();
    budgets_ = std::make_unique<RateBudgets>(clock_, waiter_);
    ASSERT_TRUE(registry_.Register(opsgenie::Type()));
    ctx_ = std::make_unique<ConnectorContext>(ConnectorContext{.store = *db_,
                                                               .connectors = *connectors_,
                                                               .http = http_,
                                                               .budgets = *budgets_,
                                                               .waiter = waiter_,
                                                               .clock = clock_,
                                                               .log = spdlog::default_logger(),
                                                               .schedules = schedules_});
    manager_ = std::make_unique<Manager>(registry_, *ctx_, box_);
  }

  // Adds connector "og" for `region` with `custom` (the hosts point at the simulators).
  void Add(const std::string& region = "us", json::object custom = {}) {
    custom["region"] = region;
    custom["webhook_header"] = json::object{{"name", "X-Og-Secret"}, {"value", kHeaderSecret}};
    json::object config{{"api_key", kKey},
                        {"base_url", region == "eu" ? eu_.url() : us_.url()},
                        {"custom", std::move(custom)}};
    auto added = manager_->Add("opsgenie", "og", config);
    ASSERT_TRUE(added) << added.error().message;
  }

  std::unique_ptr<opsgenie::OpsgenieConnector> Open() {
    auto config = manager_->Config("og");
    EXPECT_TRUE(config) << config.error().message;
    return std::make_unique<opsgenie::OpsgenieConnector>(
        *config, *ctx_, opsgenie::RegionHosts{.us = us_.url(), .eu = eu_.url()});
  }

  sim::opsgenie::Simulator& Sim() { return options_.region == "eu" ? *eu_.sim : *us_.sim; }

  // The simulator's alerts and incidents created since `since` (of `team` when given).
  // What the simulator holds from `since` on (of `team` only when given); `responder` counts
  // the alerts made for incidents, which are part of their incident, not incidents of their own.
  struct Counts {
    size_t alerts = 0, incidents = 0, responder = 0;
  };
  Counts SimCounts(sim::opsgenie::Simulator& sim, Time since, const std::string& team = "") {
    std::lock_guard lock(sim.state().mu);
    Counts n;
    for (const auto& a : sim.state().world.alerts) {
      if (a.deleted || a.created_at < since) continue;
      if (!team.empty() && a.owner_team_id != team) continue;
      ++n.alerts;
      if (!a.incident_id.empty()) ++n.responder;
    }
    for (const auto& i : sim.state().world.incidents) {
      if (i.deleted || i.created_at < since) continue;
      if (!team.empty() && i.owner_team_id != team) continue;
      ++n.incidents;
    }
    return n;
  }

  Time ImportStart() { return clock_.Now() - std::chrono::days(90); }

  im::testing::FakeClock clock_{*ParseTime("2026-06-15T12:00:00Z")};
  im::testing::FakeWaiter waiter_{clock_};
  OgNullClient null_client_;
  OgOptions options_;
  std::atomic<int> holds_{0};  // requests the simulators held (throttling by delay, latency)
  OgHost us_, eu_;
  im::testing::TempDir dir_;
  std::string address_;  // the database: a SQLite file or a PostgreSQL address
  store::Stores stores_;
  store::Store* db_ = nullptr;
  store::ConnectorStore* connectors_ = nullptr;
  store::ScheduleStore* schedules_ = nullptr;
  net::CurlHttpClient http_;
  std::unique_ptr<RateBudgets> budgets_;
  Registry registry_;
  std::unique_ptr<ConnectorContext> ctx_;
  SecretBox box_ = SecretBox::FromKey(std::string(32, 'k'));
  std::unique_ptr<Manager> manager_;
};

}  // namespace im::connectors::testing

// A PagerDuty simulator on a real loopback server and a PagerDuty connector over the test's
// store (SQLite, or PostgreSQL under IM_TEST_BACKEND=postgres: fakes/test_backend.h), sharing
// one fake clock: rate limits and backoff advance fake time, so an import at
// the real 960 requests a minute runs in milliseconds and is measured exactly.
#pragma once

#include <gtest/gtest.h>

#include "common/time.h"
#include "common/version.h"
#include "connectors/manager.h"
#include "connectors/pagerduty/pagerduty_connector.h"
#include "fakes/fake_clock.h"
#include "fakes/fake_waiter.h"
#include "fakes/temp_dir.h"
#include "fakes/test_backend.h"
#include "http/server.h"
#include "net/curl_http_client.h"
#include "sim/pagerduty/simulator.h"
#include "store/open.h"

namespace im::connectors::testing {

// Waiting moves the fake clock instead of sleeping.
// Changes the PagerDuty settings (the custom block) of `c`, inside a Manager::Update.
inline void EditSettings(ConnectorConfig& c,
                         const std::function<void(pagerduty::Settings&)>& edit) {
  auto settings = pagerduty::ParseSettings(c.custom);
  ASSERT_TRUE(settings) << settings.error().message;
  edit(*settings);
  c.custom = pagerduty::SettingsToJson(*settings);
}

using im::testing::FakeWaiter;

class NullClient final : public net::HttpClient {
 public:
  Result<net::HttpResponse> Send(const net::ClientRequest&) override {
    return Fail(ErrorCode::kUnavailable, "webhook delivery is off in this test");
  }
};

struct FixtureOptions {
  int64_t incidents = 300;
  int64_t days = 90;
  bool rate_limit = false;
};

class PagerDutyFixture : public ::testing::Test {
 protected:
  static constexpr char kKey[] = "u+TestKeyForImConnector";

  void Start(FixtureOptions o = {}) {
    sim::pagerduty::SimulatorOptions so;
    so.seed = 7;
    so.incidents = o.incidents;
    so.days = o.days;
    so.api_keys = {{kKey, false}};
    so.rate_limit = o.rate_limit;
    sim_ = std::make_unique<sim::pagerduty::Simulator>(so, clock_, null_client_, nullptr);
    sim_->Register(router_);
    server_ = std::make_unique<http::Server>(http::ServerOptions{.port = 0}, router_, nullptr);
    ASSERT_TRUE(server_->Start());

    address_ = im::testing::TestDatabaseAddress(dir_.File("im.db"));
    auto opened = store::Open(address_, {}, clock_);
    ASSERT_TRUE(opened) << opened.error().message;
    stores_ = std::move(*opened);
    db_ = stores_.main.get();
    connectors_ = stores_.connectors.get();
    schedules_ = stores_.schedules.get();
    budgets_ = std::make_unique<RateBudgets>(clock_, waiter_);
    ASSERT_TRUE(registry_.Register(pagerduty::Type()));
    ctx_ = std::make_unique<ConnectorContext>(ConnectorContext{.store = *db_,
                                                               .connectors = *connectors_,
                                                               .http = http_,
                                                               .budgets = *budgets_,
                                                               .waiter = waiter_,
                                                               .clock = clock_,
                                                               .log = spdlog::default_logger(),
                                                               .schedules = schedules_});
    manager_ = std::make_unique<Manager>(registry_, *ctx_, box_);
    auto added = manager_->Add("pagerduty", "pd", Config());
    ASSERT_TRUE(added) << added.error().message;
  }

  json::object Config() {
    return json::object{{"api_key", kKey},
                        {"base_url", "http://127.0.0.1:" + std::to_string(server_->port())},
                        {"webhook_secret", json::array{"whsec-one"}},
                        {"custom", json::object{{"history_days", 90}}}};
  }

  std::unique_ptr<Connector> Open() {
    auto c = manager_->Open("pd");
    EXPECT_TRUE(c) << c.error().message;
    return std::move(*c);
  }

  // The simulator's incidents created in the import window.
  std::vector<sim::pagerduty::Incident> SimIncidents(Time since) {
    std::lock_guard lock(sim_->state().mu);
    std::vector<sim::pagerduty::Incident> out;
    for (const auto& i : sim_->state().world.incidents) {
      if (i.created_at >= since) out.push_back(i);
    }
    return out;
  }

  // Every request the simulator served carried what PagerDuty's reference requires (Accept,
  // Content-Type), im's User-Agent, and since/until in whole seconds; returns how many.
  size_t ExpectWellFormedRequests() {
    auto requests = sim_->log().Since(0);
    for (const auto& r : requests) {
      SCOPED_TRACE(r.method + " " + r.target);
      EXPECT_TRUE(r.problems.empty()) << r.problems.front();
      std::string agent;
      for (const auto& [name, value] : r.headers) {
        if (net::HeaderNameEquals(name, "User-Agent")) agent = value;
      }
      EXPECT_EQ(agent, "im/" + std::string(kVersion));
      size_t q = r.target.find('?');
      auto query = net::ParseQuery(q == std::string::npos ? "" : r.target.substr(q + 1));
      for (const char* name : {"since", "until"}) {
        auto it = query.find(name);
        if (it == query.end()) continue;
        auto t = ParseTime(it->second);
        EXPECT_TRUE(t) << it->second;
        if (t) {
          EXPECT_EQ(*t, std::chrono::floor<std::chrono::seconds>(*t)) << name << "=" << it->second;
        }
      }
    }
    return requests.size();
  }

  im::testing::FakeClock clock_{*ParseTime("2026-06-15T12:00:00Z")};
  FakeWaiter waiter_{clock_};
  NullClient null_client_;
  http::Router router_;
  std::unique_ptr<sim::pagerduty::Simulator> sim_;
  std::unique_ptr<http::Server> server_;
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

// Monitors over a real SQLite file with a fake clock, and the PagerDuty simulator on a real
// loopback server as the channel's Events API v2 (the same clock drives both).
#pragma once

#include <gtest/gtest.h>

#include "common/time.h"
#include "fakes/fake_clock.h"
#include "fakes/temp_dir.h"
#include "http/server.h"
#include "monitor/channels/channels.h"
#include "monitor/monitors.h"
#include "net/curl_http_client.h"
#include "sim/pagerduty/simulator.h"
#include "store/sqlite/connector_store.h"
#include "store/sqlite/monitor_store.h"
#include "store/sqlite/sqlite_store.h"

namespace im::monitor::testing {

class NoWebhooks final : public net::HttpClient {
 public:
  Result<net::HttpResponse> Send(const net::ClientRequest&) override {
    return Fail(ErrorCode::kUnavailable, "webhook delivery is off in this test");
  }
};

class MonitorFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    sim::pagerduty::SimulatorOptions so;
    so.seed = 11;
    so.incidents = 0;
    so.api_keys = {{"k", false}};
    so.rate_limit = false;
    sim_ = std::make_unique<sim::pagerduty::Simulator>(so, clock_, no_webhooks_, nullptr);
    sim_->Register(router_);
    server_ = std::make_unique<http::Server>(http::ServerOptions{.host = "127.0.0.1", .port = 0},
                                             router_, nullptr);
    ASSERT_TRUE(server_->Start());
    auto db = store::sqlite::SqliteStore::Open(dir_.File("im.db"));
    ASSERT_TRUE(db) << db.error().message;
    db_ = std::move(*db);
    monitor_store_ = std::make_unique<store::sqlite::SqliteMonitorStore>(*db_);
    outbox_store_ = std::make_unique<store::sqlite::SqliteConnectorStore>(*db_);
    install_id_ = *db_->InstallId();
    monitors_ = std::make_unique<Monitors>(
        *monitor_store_, *db_, clock_,
        MonitorsOptions{.install_id = install_id_, .public_url = "https://im.example.com"});
    outbox_ = std::make_unique<ChannelOutbox>(*monitor_store_, *outbox_store_,
                                              ChannelContext{.http = http_, .box = &box_}, clock_,
                                              spdlog::default_logger());
    channels_ = std::make_unique<Channels>(*monitor_store_, *outbox_,
                                           ChannelContext{.http = http_, .box = &box_}, clock_,
                                           install_id_);
  }

  std::string SimUrl() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  std::string RoutingKey(size_t i = 0) {
    std::lock_guard lock(sim_->state().mu);
    return sim_->state().world.services[i].integration_key;
  }
  // The simulator's incidents opened with `dedup_key`.
  std::vector<sim::pagerduty::Incident> SimIncidents(const std::string& dedup_key) {
    std::lock_guard lock(sim_->state().mu);
    std::vector<sim::pagerduty::Incident> out;
    for (const auto& i : sim_->state().world.incidents) {
      if (i.incident_key == dedup_key) out.push_back(i);
    }
    return out;
  }
  void AddPagerDutyChannel(const std::string& name, json::object extra = {}) {
    json::object config{{"integration_key", RoutingKey()}, {"events_url", SimUrl()}};
    for (const auto& kv : extra) config[kv.key()] = kv.value();
    auto added = channels_->Add("pagerduty", name, config);
    ASSERT_TRUE(added) << added.error().message;
  }
  int64_t AddMonitor(json::object def) {
    auto v = monitors_->Add(def);
    EXPECT_TRUE(v) << v.error().message;
    return v ? v->monitor.id : 0;
  }
  // Records one check a minute after the previous one.
  CheckReport Check(int64_t id, bool ok, const std::string& error = "HTTP 503") {
    clock_.Advance(std::chrono::minutes(1));
    auto r = monitors_->Record(id, CheckOutcome{.at = clock_.Now(),
                                                .ok = ok,
                                                .response_time = std::chrono::milliseconds(42),
                                                .error = ok ? "" : error});
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : CheckReport{};
  }
  std::string DedupKey(int64_t monitor) { return MonitorDedupKey(install_id_, monitor); }

  im::testing::FakeClock clock_{*ParseTime("2026-12-04T10:00:00Z")};
  im::testing::TempDir dir_;
  NoWebhooks no_webhooks_;
  http::Router router_;
  std::unique_ptr<sim::pagerduty::Simulator> sim_;
  std::unique_ptr<http::Server> server_;
  net::CurlHttpClient http_;
  connectors::SecretBox box_ = connectors::SecretBox::FromKey(std::string(32, 'k'));
  std::unique_ptr<store::sqlite::SqliteStore> db_;
  std::unique_ptr<store::sqlite::SqliteMonitorStore> monitor_store_;
  std::unique_ptr<store::sqlite::SqliteConnectorStore> outbox_store_;
  std::string install_id_;
  std::unique_ptr<Monitors> monitors_;
  std::unique_ptr<ChannelOutbox> outbox_;
  std::unique_ptr<Channels> channels_;
};

}  // namespace im::monitor::testing

#pragma once

// The fixture of the notification tests: everything in one process: a real SQLite file, the
// engine's declare and acknowledge, the notifier observing the store, channel outboxes sending over
// loopback HTTP to the Slack and Twilio simulators, and im's own escalation, all on one fake clock.
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <thread>

#include "common/time.h"
#include "engine/incidents.h"
#include "engine/oncall.h"
#include "fakes/deadline.h"
#include "fakes/fake_clock.h"
#include "fakes/process.h"
#include "fakes/temp_dir.h"
#include "http/server.h"
#include "monitor/channels/channels.h"
#include "monitor/channels/email_channel.h"
#include "net/curl_http_client.h"
#include "notify/ack_link.h"
#include "notify/escalator.h"
#include "notify/notifier.h"
#include "notify/rule_book.h"
#include "sim/chatops/slack_sim.h"
#include "sim/chatops/sms_sim.h"
#include "store/sqlite/connector_store.h"
#include "store/sqlite/monitor_store.h"
#include "store/sqlite/notify_store.h"
#include "store/sqlite/schedule_store.h"
#include "store/sqlite/sqlite_store.h"

namespace im::notify {

class NotifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sim::chatops::SmsSimOptions sms;
    sms.per_second = 0;  // the channel's own throttle is what is tested
    sms_ = std::make_unique<sim::chatops::SmsSim>(sms, clock_);
    slack_ = std::make_unique<sim::chatops::SlackSim>(
        sim::chatops::SlackSimOptions{.per_second = 0}, clock_);
    slack_->Register(router_);
    sms_->Register(sms_router_);
    server_ = std::make_unique<http::Server>(http::ServerOptions{.host = "127.0.0.1", .port = 0},
                                             router_, nullptr);
    ASSERT_TRUE(server_->Start());
    sms_server_ = std::make_unique<http::Server>(
        http::ServerOptions{.host = "127.0.0.1", .port = 0}, sms_router_, nullptr);
    ASSERT_TRUE(sms_server_->Start());
    auto db = store::sqlite::SqliteStore::Open(dir_.File("im.db"));
    ASSERT_TRUE(db) << db.error().message;
    db_ = std::move(*db);
    monitors_ = std::make_unique<store::sqlite::SqliteMonitorStore>(*db_);
    outbox_store_ = std::make_unique<store::sqlite::SqliteConnectorStore>(*db_);
    notify_store_ = std::make_unique<store::sqlite::SqliteNotifyStore>(*db_);
    schedules_ = std::make_unique<store::sqlite::SqliteScheduleStore>(*db_);
    oncall_ = std::make_unique<engine::OnCall>(*schedules_, clock_);
    incidents_ = std::make_unique<engine::Incidents>(*db_, clock_, core::SlaPolicy::Default());
    notifier_ = std::make_unique<Notifier>(*db_, *oncall_, clock_,
                                           NotifierOptions{.install_id = "abcd1234",
                                                           .public_url = "https://im.example.com",
                                                           .escalation_channels = {"sms"}});
    db_->SetIncidentObserver(notifier_.get());
    ctx_ = std::make_unique<monitor::ChannelContext>(
        monitor::ChannelContext{.http = http_,
                                .box = &box_,
                                .notify = notify_store_.get(),
                                .incidents = db_.get(),
                                .clock = &clock_});
    outbox_ = std::make_unique<monitor::ChannelOutbox>(*monitors_, *outbox_store_, *ctx_, clock_,
                                                       spdlog::default_logger());
    channels_ =
        std::make_unique<monitor::Channels>(*monitors_, *outbox_, *ctx_, clock_, "abcd1234");
    book_ = std::make_unique<RuleBook>(*notify_store_, *monitors_, clock_);
    links_ = std::make_unique<AckLinks>(box_.DeriveKey("ack-link"), clock_);
  }
  void TearDown() override { db_->SetIncidentObserver(nullptr); }

  std::string Url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  void AddSlack(const std::string& name) {
    auto ok = channels_->Add(
        "slack", name,
        json::object{
            {"bot_token", "xoxb-sim-token"}, {"channel", "C0ALERTS"}, {"api_url", Url() + "/api"}});
    ASSERT_TRUE(ok) << ok.error().message;
  }
  void AddSms(const std::string& name, json::object extra = {}) {
    json::object c{{"account_sid", "AC00000000000000000000000000000000"},
                   {"auth_token", "sim-auth-token"},
                   {"from", "+15550000000"},
                   {"to", "+15559999999"},
                   {"api_url", "http://127.0.0.1:" + std::to_string(sms_server_->port())}};

    for (const auto& kv : extra) c[kv.key()] = kv.value();
    auto ok = channels_->Add("sms", name, c);
    ASSERT_TRUE(ok) << ok.error().message;
  }
  void AddRule(const std::string& name, json::object def) {
    auto ok = book_->Add(name, def);
    ASSERT_TRUE(ok) << ok.error().message;
  }
  int64_t Declare(core::Severity sev, const std::string& service, std::string title = "Down") {
    auto r = incidents_->Declare({.title = title, .severity = sev, .services = {service}},
                                 {.email = "dev@example.com"});
    EXPECT_TRUE(r) << r.error().message;
    return r ? r->incident.number : 0;
  }
  int64_t Pending(const std::string& channel) {
    auto l = outbox_store_->ListOutbound("channel:" + channel, "pending", 100000);
    return l ? static_cast<int64_t>(l->size()) : -1;
  }
  std::vector<std::string> Timeline(int64_t n) {
    std::vector<std::string> out;
    auto timeline = db_->GetTimeline(n);
    EXPECT_TRUE(timeline);
    if (!timeline) return out;
    for (const auto& e : *timeline) out.push_back(e.message);
    return out;
  }
  static bool Has(const std::vector<std::string>& lines, const std::string& part) {
    for (const auto& l : lines) {
      if (l.find(part) != std::string::npos) return true;
    }
    return false;
  }
  void ImportPolicy() {
    schedule::EscalationPolicy p{
        .id = "pol",
        .name = "api",
        .rules = {{.delay = std::chrono::minutes(10),
                   .targets = {{schedule::EscalationTarget::Type::kUser, "alice@example.com"}}},
                  {.delay = std::chrono::minutes(10),
                   .targets = {{schedule::EscalationTarget::Type::kUser, "bob@example.com"}}}},
        .services = {"api"}};
    auto ok = oncall_->Import({.policies = {{.policy = p}},
                               .people = {{.email = "alice@example.com", .time_zone = "UTC"},
                                          {.email = "bob@example.com", .time_zone = "UTC"}}});
    ASSERT_TRUE(ok) << ok.error().message;
    ASSERT_TRUE(book_->SetContact({.email = "alice@example.com", .phone = "+15550000001"}));
    ASSERT_TRUE(book_->SetContact({.email = "bob@example.com", .phone = "+15550000002"}));
  }

  im::testing::FakeClock clock_{*ParseTime("2026-12-01T10:00:00Z")};
  im::testing::TempDir dir_;
  http::Router router_, sms_router_;
  std::unique_ptr<sim::chatops::SlackSim> slack_;
  std::unique_ptr<sim::chatops::SmsSim> sms_;
  std::unique_ptr<http::Server> server_, sms_server_;
  std::unique_ptr<store::sqlite::SqliteStore> db_;
  std::unique_ptr<store::sqlite::SqliteMonitorStore> monitors_;
  std::unique_ptr<store::sqlite::SqliteConnectorStore> outbox_store_;
  std::unique_ptr<store::sqlite::SqliteNotifyStore> notify_store_;
  std::unique_ptr<store::sqlite::SqliteScheduleStore> schedules_;
  std::unique_ptr<engine::OnCall> oncall_;
  std::unique_ptr<engine::Incidents> incidents_;
  std::unique_ptr<Notifier> notifier_;
  net::CurlHttpClient http_;
  connectors::SecretBox box_ = connectors::SecretBox::FromKey(std::string(32, 'k'));
  std::unique_ptr<monitor::ChannelContext> ctx_;
  std::unique_ptr<monitor::ChannelOutbox> outbox_;
  std::unique_ptr<monitor::Channels> channels_;
  std::unique_ptr<RuleBook> book_;
  std::unique_ptr<AckLinks> links_;
};

}  // namespace im::notify

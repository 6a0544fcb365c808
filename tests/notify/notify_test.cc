// Notifications end to end in one process: a real SQLite file, the engine's declare and
// acknowledge, the notifier observing the store, channel outboxes sending over loopback HTTP to
// the Slack and Twilio simulators, and im's own escalation, all on one fake clock.
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <thread>

#include "common/time.h"
#include "engine/incidents.h"
#include "engine/oncall.h"
#include "fakes/fake_clock.h"
#include "fakes/temp_dir.h"
#include "http/server.h"
#include "monitor/channels/channels.h"
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
namespace {

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

TEST_F(NotifyTest, RulesQueueOnlyForMatchingSeverityAndService) {
  AddSlack("ops");
  AddSlack("db-team");
  AddRule("sev1", json::object{{"severities", "SEV-1"}, {"channels", "ops"}});
  AddRule("db", json::object{{"services", "db"}, {"channels", "db-team"}, {"events", "resolved"}});
  int64_t a = Declare(core::Severity::kSev1, "api");
  Declare(core::Severity::kSev3, "db");
  EXPECT_EQ(Pending("ops"), 1);
  EXPECT_EQ(Pending("db-team"), 0);  // only on resolve
  ASSERT_TRUE(incidents_->Apply(a, engine::Action::kResolve, {.email = "x@example.com"}));
  EXPECT_EQ(Pending("ops"), 2);
  ASSERT_TRUE(outbox_->FlushAll());
  auto posted = slack_->posted();
  ASSERT_EQ(posted.size(), 2u);
  EXPECT_NE(posted[0].text.find("INC-1 [SEV-1] declared"), std::string::npos);
  EXPECT_NE(posted[1].text.find("resolved"), std::string::npos);
  EXPECT_TRUE(Has(Timeline(a), "Notified slack channel ops: declared"));
}

TEST_F(NotifyTest, UnknownChannelInRuleIsRefusedAndNothingStored) {
  auto r = book_->Add("x", json::object{{"channels", "nope"}});
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().message.starts_with("channels[0]:")) << r.error().message;
  EXPECT_TRUE(book_->List()->empty());
}

TEST_F(NotifyTest, Sev1WarRoomIsCreatedOnceAcrossRacingSenders) {
  AddSlack("ops");
  AddSlack("ops2");
  // Two rules open the same incident's war room, through two channels flushed at once.
  AddRule("a", json::object{{"severities", "SEV-1"}, {"war_room", "ops"}, {"channels", "ops"}});
  AddRule("b", json::object{{"severities", "SEV-1"}, {"war_room", "ops2"}, {"channels", "ops2"}});
  ASSERT_TRUE(book_->SetContact({.email = "dev@example.com", .slack_user = "U0DEV"}));
  auto r = incidents_->Declare({.title = "Payments API down",
                                .severity = core::Severity::kSev1,
                                .services = {"payments"},
                                .assignees = {"dev@example.com"}},
                               {.email = "dev@example.com"});
  ASSERT_TRUE(r);
  std::thread other([&] { (void)outbox_->FlushAll(); });
  (void)outbox_->FlushAll();
  other.join();
  // The loser waits for the claim holder; a later pass finds the room made.
  clock_.Advance(std::chrono::minutes(5));
  ASSERT_TRUE(outbox_->FlushAll());
  EXPECT_EQ(slack_->creates_ok(), 1);
  int rooms = 0;
  for (const auto& c : slack_->conversations()) {
    if (c.name == "inc-1-payments-api-down") {
      rooms++;
      EXPECT_EQ(c.members, std::vector<std::string>{"U0DEV"});
    }
  }
  EXPECT_EQ(rooms, 1);
  auto shown = incidents_->Show(r->incident.number);
  ASSERT_TRUE(shown);
  EXPECT_NE(shown->incident.custom_fields["war_room"].find("#inc-1-payments-api-down"),
            std::string::npos);
  EXPECT_TRUE(Has(Timeline(1), "War room #inc-1-payments-api-down opened"));
  EXPECT_EQ(Pending("ops") + Pending("ops2"), 0);
}

TEST_F(NotifyTest, StormIsThrottledToTheDestinationRate) {
  AddSms("sms", json::object{{"rate_per_minute", 6}, {"burst", 3}});
  AddRule("storm", json::object{{"severities", "SEV-2"}, {"channels", "sms"}});
  for (int i = 0; i < 1000; ++i) Declare(core::Severity::kSev2, "api");
  EXPECT_EQ(Pending("sms"), 1000);
  ASSERT_TRUE(outbox_->FlushAll());
  EXPECT_EQ(sms_->messages().size(), 3u);  // the burst
  for (int i = 0; i < 6; ++i) {            // the server flushes often; tokens come one per 10 s
    clock_.Advance(std::chrono::seconds(10));
    ASSERT_TRUE(outbox_->FlushAll());
  }
  EXPECT_EQ(sms_->messages().size(), 9u);  // + 6 a minute
  EXPECT_EQ(Pending("sms"), 991);          // waiting, not lost
  EXPECT_GT(outbox_->throttled(), 0);
}

TEST_F(NotifyTest, EscalationWalksLevelsOnceAndStopsOnTheAckLink) {
  ImportPolicy();
  AddSms("sms");
  Escalator esc(
      *db_, *notify_store_, *monitors_, *oncall_, links_.get(), clock_,
      {.install_id = "abcd1234", .public_url = "https://im.example.com", .channels = {"sms"}},
      spdlog::default_logger());
  int64_t n = Declare(core::Severity::kSev2, "api", "Latency");
  ASSERT_EQ(*esc.RunDue(), 1);  // level 1 at once
  ASSERT_EQ(*esc.RunDue(), 0);  // not again
  // A second process (restarted after kill -9) sees the same durable state: nothing repeated.
  Escalator restarted(
      *db_, *notify_store_, *monitors_, *oncall_, links_.get(), clock_,
      {.install_id = "abcd1234", .public_url = "https://im.example.com", .channels = {"sms"}},
      spdlog::default_logger());
  ASSERT_EQ(*restarted.RunDue(), 0);
  clock_.Advance(std::chrono::minutes(10));
  ASSERT_EQ(*restarted.RunDue(), 1);  // level 2, not skipped
  ASSERT_TRUE(outbox_->FlushAll());
  auto texts = sms_->messages();
  ASSERT_EQ(texts.size(), 2u);
  EXPECT_EQ(texts[0].to, "+15550000001");
  EXPECT_EQ(texts[1].to, "+15550000002");
  auto lines = Timeline(n);
  EXPECT_TRUE(Has(lines, "Escalation level 1: paging alice@example.com"));
  EXPECT_TRUE(Has(lines, "Escalation level 2: paging bob@example.com"));
  EXPECT_TRUE(Has(lines, "Paged bob@example.com (escalation level 2) via sms channel sms"));
  // Bob's link acknowledges; a tampered or reused link is refused.
  std::string body = texts[1].body;
  size_t at = body.find("/ack/");
  ASSERT_NE(at, std::string::npos);
  std::string token = body.substr(at + 5);
  token = token.substr(0, token.find_first_of(" \n"));
  std::string tampered = token;
  tampered[2] = tampered[2] == 'A' ? 'B' : 'A';
  auto bad = links_->Acknowledge(tampered, *incidents_);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kPermissionDenied);
  auto ok = links_->Acknowledge(token, *incidents_);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->status, core::Status::kMitigated);
  EXPECT_EQ(ok->acknowledged_by, "bob@example.com");
  auto again = links_->Acknowledge(token, *incidents_);
  ASSERT_FALSE(again);
  auto e = notify_store_->GetEscalation(n);
  ASSERT_TRUE(e && *e);
  EXPECT_EQ((*e)->state, "stopped");
  EXPECT_TRUE(Has(Timeline(n), "Escalation stopped at level 2: acknowledged by bob@example.com"));
  clock_.Advance(std::chrono::hours(1));
  ASSERT_EQ(*esc.RunDue(), 0);  // stopped stays stopped
}

TEST_F(NotifyTest, ExpiredAckLinkIsRefused) {
  std::string t = links_->Sign(AckLink{.incident = 1,
                                       .link_id = "x",
                                       .email = "a@example.com",
                                       .expires = clock_.Now() + std::chrono::minutes(1)});
  ASSERT_TRUE(links_->Verify(t));
  clock_.Advance(std::chrono::minutes(2));
  auto v = links_->Verify(t);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ErrorCode::kFailedPrecondition);
}

TEST_F(NotifyTest, ImportedHistoryIsNotAnnounced) {
  AddSlack("ops");
  AddRule("all", json::object{{"channels", "ops"}});
  auto old =
      incidents_->Declare({.title = "Old", .severity = core::Severity::kSev2, .services = {"api"}},
                          {.email = "x@example.com"});
  ASSERT_TRUE(old);
  EXPECT_EQ(Pending("ops"), 1);
  // A write of an incident created two days ago (a provider import) is not announced.
  ASSERT_TRUE(db_->Transact([&](store::Tx& tx) -> Result<void> {
    core::Incident i = old->incident;
    i.number = 0;
    i.created_at = clock_.Now() - std::chrono::hours(48);
    auto n = tx.InsertIncident(i);
    if (!n) return std::unexpected(n.error());
    return Ok();
  }));
  EXPECT_EQ(Pending("ops"), 1);
}

}  // namespace
}  // namespace im::notify

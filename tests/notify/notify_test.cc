// Notifications end to end in one process: a real SQLite file, the engine's declare and
// acknowledge, the notifier observing the store, channel outboxes sending over loopback HTTP to
// the Slack and Twilio simulators, and im's own escalation, all on one fake clock.
#include <set>

#include "notify/notify_fixture.h"

namespace im::notify {
namespace {

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

// The incident numbers an SMS text names ("INC-12").
std::set<int64_t> IncidentsIn(const std::string& text) {
  std::set<int64_t> out;
  for (size_t at = 0; (at = text.find("INC-", at)) != std::string::npos; at += 4) {
    size_t end = at + 4;
    while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]))) end++;
    if (end > at + 4) out.insert(std::stoll(text.substr(at + 4, end - at - 4)));
  }
  return out;
}

// 1,000 incidents against an SMS channel of 6 a minute (bursts of 3): the burst goes at once,
// then one digest per token, each within two segments; every incident is in some text and no
// text is sent beyond the rate.
TEST_F(NotifyTest, StormIsBundledIntoDigestsWithinTheDestinationRate) {
  AddSms("sms", json::object{{"rate_per_minute", 6}, {"burst", 3}});
  AddRule("storm", json::object{{"severities", "SEV-2"}, {"channels", "sms"}});
  for (int i = 0; i < 1000; ++i) Declare(core::Severity::kSev2, "api");
  EXPECT_EQ(Pending("sms"), 1000);
  ASSERT_TRUE(outbox_->FlushAll());
  EXPECT_EQ(sms_->messages().size(), 3u);  // the burst: two alone, then the first digest
  const Time start = clock_.Now();
  for (int i = 0; i < 200 && Pending("sms") > 0; ++i) {  // the server flushes every second
    clock_.Advance(std::chrono::seconds(10));
    ASSERT_TRUE(outbox_->FlushAll());
  }
  EXPECT_EQ(Pending("sms"), 0);
  double minutes = std::chrono::duration<double>(clock_.Now() - start).count() / 60.0;
  auto texts = sms_->messages();
  EXPECT_LE(static_cast<double>(texts.size()), 3 + 6 * minutes);
  EXPECT_LT(texts.size(), 100u);  // bundled: not 1,000 texts
  std::set<int64_t> covered;
  for (const auto& t : texts) {
    EXPECT_LE(t.segments, 2) << t.body;
    for (int64_t n : IncidentsIn(t.body)) covered.insert(n);
  }
  EXPECT_EQ(covered.size(), 1000u);
  EXPECT_EQ(*covered.begin(), 1);
  EXPECT_EQ(*covered.rbegin(), 1000);
  EXPECT_NE(texts[2].body.find("incident updates (throttled): INC-3 declared, INC-4 declared"),
            std::string::npos)
      << texts[2].body;
  EXPECT_TRUE(Has(Timeline(500), "Notified sms channel sms: declared (in a digest of"));
  EXPECT_GT(outbox_->throttled(), 0);
}

// Each person gets a few texts a minute however many incidents page them (GoAlert's anchor),
// the rest in one digest; a page over their limit waits without holding up anyone else.
TEST_F(NotifyTest, PagesToOnePersonAreLimitedAndBundled) {
  ImportPolicy();
  AddSms("sms", json::object{{"rate_per_minute", 600}, {"burst", 100}});
  AddRule("all", json::object{{"severities", "SEV-2"}, {"channels", "sms"}});
  Escalator esc(*db_, *notify_store_, *monitors_, *oncall_, links_.get(), clock_,
                {.install_id = "abcd1234", .channels = {"sms"}}, spdlog::default_logger());
  for (int i = 0; i < 10; ++i) Declare(core::Severity::kSev2, "api");
  ASSERT_EQ(*esc.RunDue(), 10);  // level 1 of each: ten pages to alice
  ASSERT_TRUE(outbox_->FlushAll());
  auto to = [&](const std::string& number) {
    std::vector<std::string> out;
    for (const auto& m : sms_->messages()) {
      if (m.to == number) out.push_back(m.body);
    }
    return out;
  };
  EXPECT_EQ(to("+15559999999").size(), 10u);  // the channel's own number: not a person
  auto alice = to("+15550000001");
  ASSERT_EQ(alice.size(), 3u);  // two pages, then a digest of the other eight
  std::set<int64_t> paged;
  for (const auto& t : alice) {
    for (int64_t n : IncidentsIn(t)) paged.insert(n);
  }
  EXPECT_EQ(paged.size(), 10u);
  EXPECT_NE(alice[2].find("8 incident updates (throttled): INC-3 page (level 1)"),
            std::string::npos)
      << alice[2];
  // One more incident: its announcement goes, alice's page waits for her next token.
  int64_t late = Declare(core::Severity::kSev2, "api");
  ASSERT_EQ(*esc.RunDue(), 1);
  ASSERT_TRUE(outbox_->FlushAll());
  EXPECT_EQ(to("+15559999999").size(), 11u);
  EXPECT_EQ(to("+15550000001").size(), 3u);
  EXPECT_EQ(Pending("sms"), 1);
  clock_.Advance(std::chrono::seconds(30));  // 2 a minute: one token every 30 s
  ASSERT_TRUE(outbox_->FlushAll());
  ASSERT_EQ(to("+15550000001").size(), 4u);
  EXPECT_NE(to("+15550000001")[3].find(core::IncidentId(late)), std::string::npos);
  EXPECT_EQ(Pending("sms"), 0);
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

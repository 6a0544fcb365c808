#include "notify/rule.h"

#include <gtest/gtest.h>

#include "common/crypto.h"
#include "monitor/channels/sms_channel.h"
#include "monitor/channels/webhook_channel.h"

namespace im::notify {
namespace {

core::Incident Make(core::Severity sev, std::string service, std::string source) {
  core::Incident i;
  i.severity = sev;
  i.services = {std::move(service)};
  i.source = std::move(source);
  return i;
}

TEST(RuleTest, MatchesBySeverityServiceTeamAndSource) {
  auto r = ParseRule("r", json::object{{"severities", "SEV-1,SEV-2"},
                                       {"services", json::array{"api"}},
                                       {"sources", "monitor"},
                                       {"channels", "ops"}});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(Matches(*r, "declared", Make(core::Severity::kSev1, "api", "monitor"), {}));
  EXPECT_FALSE(Matches(*r, "declared", Make(core::Severity::kSev3, "api", "monitor"), {}));
  EXPECT_FALSE(Matches(*r, "declared", Make(core::Severity::kSev1, "db", "monitor"), {}));
  EXPECT_FALSE(Matches(*r, "declared", Make(core::Severity::kSev1, "api", "im"), {}));
  EXPECT_FALSE(Matches(*r, "acknowledged", Make(core::Severity::kSev1, "api", "monitor"), {}));
  auto t = ParseRule("t", json::object{{"teams", "payments"}, {"channels", "ops"}});
  ASSERT_TRUE(t);
  EXPECT_TRUE(Matches(*t, "declared", Make(core::Severity::kSev4, "x", "im"), {"payments"}));
  EXPECT_FALSE(Matches(*t, "declared", Make(core::Severity::kSev4, "x", "im"), {"web"}));
}

TEST(RuleTest, RefusalsNameTheField) {
  auto bad_event = ParseRule("r", json::object{{"events", "declared,exploded"}, {"channels", "c"}});
  ASSERT_FALSE(bad_event);
  EXPECT_TRUE(bad_event.error().message.starts_with("events[1]:")) << bad_event.error().message;
  auto bad_sev = ParseRule("r", json::object{{"severities", "SEV-9"}, {"channels", "c"}});
  ASSERT_FALSE(bad_sev);
  EXPECT_TRUE(bad_sev.error().message.starts_with("severities[0]:"));
  auto none = ParseRule("r", json::object{});
  ASSERT_FALSE(none);
  EXPECT_TRUE(none.error().message.starts_with("channels:"));
  auto tier = ParseRule("r", json::object{{"tier", 7}, {"channels", "c"}});
  ASSERT_FALSE(tier);
  EXPECT_TRUE(tier.error().message.starts_with("tier:"));
}

TEST(RuleTest, TierOnePresetMentionsAndPagesTheOnCall) {
  auto r = ParseRule("t1", json::object{{"tier", 1}, {"channels", "slack,sms"}});
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->mention_oncall);
  EXPECT_TRUE(r->page_oncall);
  auto t3 = ParseRule("t3", json::object{{"tier", 3}, {"channels", "mail"}});
  ASSERT_TRUE(t3);
  EXPECT_EQ(t3->events, std::vector<std::string>{"declared"});
}

TEST(RuleTest, WarRoomNamesFollowSlackRules) {
  EXPECT_EQ(WarRoomName(42, "Checkout returns 502 for 30% of requests!"),
            "inc-42-checkout-returns-502-for-30-of-requests");
  EXPECT_LE(WarRoomName(1, std::string(200, 'a')).size(), 80u);
}

TEST(SmsTextTest, StaysWithinTwoSegments) {
  monitor::Notification n{.incident = 7,
                          .event = "page",
                          .title = std::string(500, 'x'),
                          .level = 1,
                          .ack_url = "https://im.example.com/ack/abc.def"};
  std::string text = monitor::SmsText(n);
  EXPECT_LE(monitor::SmsSegments(text), 2);
  EXPECT_NE(text.find("https://im.example.com/ack/abc.def"), std::string::npos);
  n.title = std::string(200, 'x') + "\xC3\xA9";  // é needs UCS-2
  EXPECT_LE(monitor::SmsSegments(monitor::SmsText(n)), 2);
}

// "[SEV-2]" is GSM-7 (brackets are in its extension table, two septets each): a page with a
// full-length signed link keeps its headline in two segments instead of falling to UCS-2.
TEST(SmsTextTest, BracketsAreGsm7AndThePageKeepsItsHeadline) {
  monitor::Notification n{.severity = core::Severity::kSev2,
                          .incident = 12,
                          .event = "page",
                          .title = "Checkout latency",
                          .level = 1,
                          .ack_url = "https://im.example.com/ack/" + std::string(120, 'A')};
  std::string text = monitor::SmsText(n);
  EXPECT_EQ(text, "PAGE [SEV-2] INC-12 Checkout latency (level 1) Ack: " + n.ack_url);
  EXPECT_EQ(monitor::SmsSegments(text), 2);
  EXPECT_EQ(monitor::SmsSegments(std::string(80, '[')), 1);  // 160 septets
  EXPECT_EQ(monitor::SmsSegments(std::string(81, '[')), 2);
  EXPECT_EQ(monitor::SmsSegments(std::string(160, 'a')), 1);
}

TEST(WebhookSignatureTest, MatchesStandardWebhooksExample) {
  // The example of the Standard Webhooks specification (standard-webhooks.md, "Signature
  // scheme"): secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw, msg_p5jXN8AQM9LWM0D4loKWxJek,
  // timestamp 1614265330, body {"test": 2432232314}.
  auto key = Base64Decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  ASSERT_TRUE(key);
  EXPECT_EQ(monitor::StandardWebhookSignature(*key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                                              "{\"test\": 2432232314}"),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

}  // namespace
}  // namespace im::notify

#include <gtest/gtest.h>

#include "connectors/opsgenie/client.h"
#include "connectors/opsgenie/opsgenie_connector.h"
#include "connectors/registry.h"

namespace im::connectors {
namespace {

Result<ConnectorConfig> Parse(json::object config) {
  Registry r;
  EXPECT_TRUE(r.Register(opsgenie::Type()));
  return r.ParseConfig("opsgenie", "og", config);
}

TEST(OpsgenieConfig, DefaultsToTheUsRegionInboundAndFivePriorities) {
  auto c = Parse({{"api_key", "k"}});
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->base_url, "https://api.opsgenie.com");
  EXPECT_EQ(c->direction, Direction::kInbound);
  EXPECT_EQ(c->sync_interval, std::chrono::minutes(5));
  auto s = opsgenie::ParseSettings(c->custom);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->SeverityOf("P1"), core::Severity::kSev1);
  EXPECT_EQ(s->SeverityOf("P4"), core::Severity::kSev4);
  EXPECT_EQ(s->SeverityOf("P5"), core::Severity::kSev4);
  EXPECT_TRUE(s->import_incidents && s->import_alerts);
}

TEST(OpsgenieConfig, EuRegionChoosesTheEuHost) {
  auto c = Parse({{"api_key", "k"}, {"custom", {{"region", "eu"}}}});
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->base_url, "https://api.eu.opsgenie.com");
  auto bad = Parse({{"api_key", "k"}, {"custom", {{"region", "asia"}}}});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("custom.region"), std::string::npos);
}

TEST(OpsgenieConfig, BidirectionalIsRefusedNamingTheAllowedValue) {
  auto c = Parse({{"api_key", "k"}, {"sync_direction", "bidirectional"}});
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("sync_direction"), std::string::npos);
  EXPECT_NE(c.error().message.find("inbound"), std::string::npos) << c.error().message;
}

TEST(OpsgenieConfig, WebhookHeaderValueBecomesTheSealedSecret) {
  auto c = Parse({{"api_key", "k"},
                  {"custom",
                   {{"webhook_header", {{"name", "X-Og-Secret"}, {"value", "0123456789abcdef"}}},
                    {"priority_mapping", {{"P5", "SEV-3"}}},
                    {"import", "alerts"},
                    {"teams", json::array{"payments"}}}}});
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_EQ(c->webhook_secrets.size(), 1u);
  EXPECT_EQ(c->webhook_secrets[0], "0123456789abcdef");
  EXPECT_EQ(json::Serialize(c->custom).find("0123456789abcdef"), std::string::npos);
  auto s = opsgenie::ParseSettings(c->custom);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->webhook_header, "X-Og-Secret");
  EXPECT_EQ(s->SeverityOf("P5"), core::Severity::kSev3);
  EXPECT_FALSE(s->import_incidents);
  EXPECT_EQ(s->teams, std::vector<std::string>{"payments"});
}

TEST(OpsgenieConfig, BadFieldsAreNamed) {
  struct Case {
    json::object custom;
    std::string field;
  };
  for (const auto& c :
       std::vector<Case>{{{{"priority_mapping", {{"P9", "SEV-1"}}}}, "custom.priority_mapping"},
                         {{{"priority_mapping", {{"P1", "SEV-9"}}}}, "custom.priority_mapping.P1"},
                         {{{"import", "everything"}}, "custom.import"},
                         {{{"webhook_header", "x"}}, "custom.webhook_header"},
                         {{{"teams", "payments"}}, "custom.teams"},
                         {{{"colour", "red"}}, "colour"}}) {
    auto r = Parse({{"api_key", "k"}, {"custom", c.custom}});
    ASSERT_FALSE(r) << c.field;
    EXPECT_NE(r.error().message.find(c.field), std::string::npos) << r.error().message;
  }
}

TEST(OpsgenieClient, ThrottledAnswersWaitThePeriodTheHeaderNames) {
  net::HttpResponse refused{.status = 429};
  refused.SetHeader("X-RateLimit-State", "THROTTLED");
  refused.SetHeader("X-RateLimit-Period-In-Sec", "60");
  auto h = opsgenie::OpsgenieRateLimit(refused, Time{});
  EXPECT_TRUE(h.throttled);
  EXPECT_EQ(h.wait, std::optional<Duration>(std::chrono::seconds(60)));
  net::HttpResponse delayed{.status = 200};
  delayed.SetHeader("X-RateLimit-State", "THROTTLED");
  delayed.SetHeader("X-RateLimit-Period-In-Sec", "1");
  h = opsgenie::OpsgenieRateLimit(delayed, Time{});
  EXPECT_FALSE(h.throttled);  // held and answered: not repeated
  EXPECT_EQ(h.reset_seconds, std::optional<int64_t>(1));
  net::HttpResponse ok{.status = 200};
  ok.SetHeader("X-RateLimit-State", "OK");
  EXPECT_FALSE(opsgenie::OpsgenieRateLimit(ok, Time{}).throttled);
}

TEST(OpsgenieClient, ErrorBodySaysWhatToDo) {
  net::HttpResponse r{.status = 402};
  r.body = R"({"message":"Your plan does not include the Incident API","took":0.01,)"
           R"("requestId":"r-1"})";
  Error e = opsgenie::OpsgenieError(r, "GET /v1/incidents");
  EXPECT_EQ(e.code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(e.message.find("Incident API"), std::string::npos);
  EXPECT_NE(e.message.find("r-1"), std::string::npos);
  EXPECT_NE(e.message.find("custom.import"), std::string::npos);
}

TEST(OpsgenieClient, AnAcceptedAnswerIsNotAResult) {
  json::object accepted{{"result", "Request will be processed"}, {"took", 0.1}};
  auto d = opsgenie::DataOf(accepted, "GET /v2/alerts");
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().message.find("Request will be processed"), std::string::npos);
}

}  // namespace
}  // namespace im::connectors

#include "connectors/connector_config.h"

#include <gtest/gtest.h>

namespace im::connectors {
namespace {

json::object Parse(const std::string& text) { return json::Parse(text)->as_object(); }

TEST(ConnectorConfigTest, ReadsTheDesignShape) {
  auto c = ParseConnectorConfig("pagerduty", "pd-prod", Parse(R"({
    "base_url": "https://api.eu.pagerduty.com/", "api_key": "k", "sync_direction": "inbound",
    "sync_interval": "2m", "enable_webhook": true,
    "custom": {"service_id": "PSVC", "from_email": "ops@example.com",
               "urgency_mapping": {"SEV-3": "high"}, "service_mappings": {"default": "PSVC"},
               "auto_resolve": false}})"));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->base_url, "https://api.eu.pagerduty.com");
  EXPECT_EQ(c->direction, Direction::kInbound);
  EXPECT_EQ(c->sync_interval, std::chrono::minutes(2));
  EXPECT_EQ(c->urgency_mapping.at("SEV-3"), "high");
  EXPECT_FALSE(c->auto_resolve);
}

TEST(ConnectorConfigTest, ErrorsNameTheBadField) {
  struct Case {
    std::string json, field;
  };
  for (const auto& c :
       {Case{R"({})", "api_key"},
        Case{R"({"api_key":"k","sync_direction":"sideways"})", "sync_direction"},
        Case{R"({"api_key":"k","sync_interval":"soon"})", "sync_interval"},
        Case{R"({"api_key":"k","base_url":"ftp://x"})", "base_url"},
        Case{R"({"api_key":"k","custom":{"from_email":"nobody"}})", "from_email"},
        Case{R"({"api_key":"k","custom":{"urgency_mapping":{"SEV-9":"high"}}})", "urgency_mapping"},
        Case{R"({"api_key":"k","custom":{"servce_id":"x"}})", "servce_id"},
        Case{R"({"api_key":"k","extra":1})", "extra"},
        Case{R"({"api_key":"k","custom":{"sla_mapping":{"SEV-5":{}}}})", "sla_mapping"},
        Case{R"({"api_key":"k","custom":{"sla_mapping":{"SEV-1":{"akc":"5m"}}}})",
             "sla_mapping.SEV-1"},  // "ack" is acknowledge's short form, "akc" nothing
        Case{R"({"api_key":"k","custom":{"sla_mapping":{"SEV-1":{"resolve":"soon"}}}})",
             "sla_mapping.SEV-1.resolve"},
        Case{R"({"api_key":"k","custom":{"sla_mapping":{"SEV-1":{"resolve":"0s"}}}})",
             "sla_mapping.SEV-1.resolve"},
        Case{R"({"api_key":"k","custom":{"sla_mapping":[]}})", "sla_mapping"}}) {
    auto r = ParseConnectorConfig("pagerduty", "pd", Parse(c.json));
    ASSERT_FALSE(r) << c.json;
    EXPECT_NE(r.error().message.find(c.field), std::string::npos) << r.error().message;
  }
  EXPECT_FALSE(ParseConnectorConfig("pagerduty", "Bad Name", Parse(R"({"api_key":"k"})")));
  EXPECT_FALSE(ParseConnectorConfig("zendesk", "z", Parse(R"({"api_key":"k"})")));
}

TEST(ConnectorConfigTest, SlaMappingRoundTripsAndLeavesOtherTargetsAlone) {
  auto c = ParseConnectorConfig("pagerduty", "pd", Parse(R"({"api_key":"k","custom":{
    "sla_mapping": {"SEV-1": {"acknowledge": "5m", "resolve": "30m"}, "SEV-3": {"resolve": "8h"}}}})"));
  ASSERT_TRUE(c) << c.error().message;
  core::SlaPolicy p = c->sla_mapping.Over(core::SlaPolicy::Default());
  EXPECT_EQ(p.For(core::Severity::kSev1).acknowledge, std::chrono::minutes(5));
  EXPECT_EQ(p.For(core::Severity::kSev1).resolve, std::chrono::minutes(30));
  EXPECT_EQ(p.For(core::Severity::kSev3).acknowledge, std::chrono::hours(2));  // default kept
  EXPECT_EQ(p.For(core::Severity::kSev3).resolve, std::chrono::hours(8));
  EXPECT_EQ(p.For(core::Severity::kSev2).resolve, std::chrono::hours(4));
  json::object out = ConnectorConfigToJson(*c, false);
  EXPECT_EQ(json::Serialize(out.at("custom").at("sla_mapping")),
            R"({"SEV-1":{"acknowledge":"5m","resolve":"30m"},"SEV-3":{"resolve":"8h"}})");
  // What is written back parses to the same mapping.
  auto again = ParseConnectorConfig("pagerduty", "pd", out);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->sla_mapping.resolve[2], std::chrono::hours(8));
  EXPECT_FALSE(again->sla_mapping.acknowledge[2]);
}

TEST(ConnectorConfigTest, JsonRedactsSecrets) {
  auto c = ParseConnectorConfig(
      "pagerduty", "pd",
      Parse(R"({"api_key":"u+abcdefghijklmnop","webhook_secret":"s3cr3t-value-xyz"})"));
  ASSERT_TRUE(c);
  std::string text = json::Serialize(ConnectorConfigToJson(*c, false));
  EXPECT_EQ(text.find("abcdefghijklmnop"), std::string::npos);
  EXPECT_EQ(text.find("s3cr3t-value"), std::string::npos);
  EXPECT_NE(text.find("****mnop"), std::string::npos);
}

}  // namespace
}  // namespace im::connectors

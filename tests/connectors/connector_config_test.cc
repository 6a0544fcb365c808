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
        Case{R"({"api_key":"k","extra":1})", "extra"}}) {
    auto r = ParseConnectorConfig("pagerduty", "pd", Parse(c.json));
    ASSERT_FALSE(r) << c.json;
    EXPECT_NE(r.error().message.find(c.field), std::string::npos) << r.error().message;
  }
  EXPECT_FALSE(ParseConnectorConfig("pagerduty", "Bad Name", Parse(R"({"api_key":"k"})")));
  EXPECT_FALSE(ParseConnectorConfig("zendesk", "z", Parse(R"({"api_key":"k"})")));
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

#include "connectors/connector_config.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "connectors/pagerduty/settings.h"
#include "connectors/registry.h"

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
  auto settings = pagerduty::ParseSettings(c->custom);
  ASSERT_TRUE(settings) << settings.error().message;
  EXPECT_EQ(settings->urgency_mapping.at("SEV-3"), "high");
  EXPECT_FALSE(settings->auto_resolve);
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

namespace im::connectors {
namespace {

// A type that only reads from its provider, with one field of its own.
ConnectorType ReadOnlyType() {
  return ConnectorType{
      .name = "readonly",
      .display_name = "ReadOnly",
      .default_base_url = "https://api.readonly.example",
      .base_url_example = "https://api.readonly.example",
      .api_key_help = "a ReadOnly key",
      .capabilities = {.directions = {Direction::kInbound}},
      .parse_custom = [](const json::object& custom, ConnectorConfig& c) -> Result<void> {
        if (auto ok = json::RejectUnknownFields(custom, {"region"}); !ok) {
          return BadCustomField("(fields)", ok.error().message);
        }
        auto region = json::GetOptionalString(custom, "region");
        if (!region || (*region && **region != "us" && **region != "eu")) {
          return BadCustomField("region", "must be \"us\" or \"eu\"");
        }
        c.custom["region"] = region->value_or("us");
        if (c.base_url.empty() && c.custom["region"] == "eu") {
          c.base_url = "https://api.eu.readonly.example";
        }
        return Ok();
      },
      .factory = [](ConnectorConfig, ConnectorContext&) -> std::unique_ptr<Connector> {
        return nullptr;
      },
  };
}

TEST(ConnectorRegistryTest, ADirectionTheTypeCannotServeIsRefusedNamingTheAllowedOnes) {
  Registry r;
  ASSERT_TRUE(r.Register(ReadOnlyType()));
  auto c = r.ParseConfig("readonly", "ro", Parse(R"({"api_key":"k"})"));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->direction, Direction::kInbound);  // the type's default, not bidirectional
  EXPECT_FALSE(SendsChanges(*c));
  for (const char* dir : {"outbound", "bidirectional"}) {
    auto bad = r.ParseConfig(
        "readonly", "ro", Parse(std::string(R"({"api_key":"k","sync_direction":")") + dir + "\"}"));
    ASSERT_FALSE(bad) << dir;
    EXPECT_NE(bad.error().message.find("'sync_direction' must be inbound for ReadOnly connectors"),
              std::string::npos)
        << bad.error().message;
  }
}

TEST(ConnectorRegistryTest, TheTypeReadsItsOwnCustomFieldsAndTheCoreItsOwn) {
  Registry r;
  ASSERT_TRUE(r.Register(ReadOnlyType()));
  auto c = r.ParseConfig("readonly", "ro", Parse(R"({"api_key":"k","custom":{"region":"eu",
      "history_days": 30, "sla_mapping": {"SEV-1": {"resolve": "1h"}}}})"));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->base_url, "https://api.eu.readonly.example");  // chosen by the type
  EXPECT_EQ(c->history_days, 30);
  EXPECT_EQ(json::Serialize(c->custom), R"({"region":"eu"})");
  // Written back, the custom block holds both, and reads the same again.
  auto again = r.ParseConfig("readonly", "ro", ConnectorConfigToJson(*c, true));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(json::Serialize(ConnectorConfigToJson(*again, true)),
            json::Serialize(ConnectorConfigToJson(*c, true)));
  auto bad =
      r.ParseConfig("readonly", "ro", Parse(R"({"api_key":"k","custom":{"region":"mars"}})"));
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("custom.region"), std::string::npos) << bad.error().message;
  // PagerDuty's fields are not a ReadOnly connector's.
  bad = r.ParseConfig("readonly", "ro", Parse(R"({"api_key":"k","custom":{"service_id":"P1"}})"));
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("service_id"), std::string::npos) << bad.error().message;
}

TEST(ConnectorRegistryTest, DebugLoggingIsTheConfigTheServerOrTheTypesOwnSwitch) {
  ConnectorConfig c;
  ::unsetenv("IM_TEST_TYPE_DEBUG");
  EXPECT_FALSE(DebugLogging(c, false, "IM_TEST_TYPE_DEBUG"));
  EXPECT_TRUE(DebugLogging(c, true, "IM_TEST_TYPE_DEBUG"));
  ::setenv("IM_TEST_TYPE_DEBUG", "yes", 1);  // only "true" switches it on
  EXPECT_FALSE(DebugLogging(c, false, "IM_TEST_TYPE_DEBUG"));
  ::setenv("IM_TEST_TYPE_DEBUG", "true", 1);
  EXPECT_TRUE(DebugLogging(c, false, "IM_TEST_TYPE_DEBUG"));
  ::unsetenv("IM_TEST_TYPE_DEBUG");
  c.debug = true;
  EXPECT_TRUE(DebugLogging(c, false, "IM_TEST_TYPE_DEBUG"));
}

TEST(ConnectorRegistryTest, TypesAreRegisteredOnceAndUnknownOnesAreNamed) {
  Registry r;
  ASSERT_TRUE(r.Register(ReadOnlyType()));
  EXPECT_EQ(r.Register(ReadOnlyType()).error().code, ErrorCode::kAlreadyExists);
  auto unknown = r.Find("zendesk");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("supported types are: readonly"), std::string::npos);
  // The built-in registry has PagerDuty, described by its entry.
  auto pd = BuiltinConnectorTypes().Find("pagerduty");
  ASSERT_TRUE(pd);
  EXPECT_EQ((*pd)->display_name, "PagerDuty");
  EXPECT_TRUE((*pd)->capabilities.maps_services);
  EXPECT_EQ((*pd)->capabilities.webhook_signature, "pagerduty-v3");
}

}  // namespace
}  // namespace im::connectors

// The incident.io connector's configuration and its client's reading of incident.io's answers:
// defaults, the read-only direction, signing secrets, custom fields, the rate-limit headers
// and error bodies, and the status-category mapping of one incident.
#include <gtest/gtest.h>

#include "common/time.h"
#include "connectors/incidentio/client.h"
#include "connectors/incidentio/incidentio_connector.h"
#include "connectors/registry.h"

namespace im::connectors {
namespace {

Result<ConnectorConfig> IioParse(json::object config) {
  Registry r;
  EXPECT_TRUE(r.Register(incidentio::Type()));
  return r.ParseConfig("incidentio", "iio", config);
}

TEST(IncidentIoConfig, DefaultsToTheApiHostInboundFiveMinutesAnd1200PerMinute) {
  auto c = IioParse({{"api_key", "k"}});
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->base_url, "https://api.incident.io");
  EXPECT_EQ(c->direction, Direction::kInbound);
  EXPECT_EQ(c->sync_interval, std::chrono::minutes(5));
  EXPECT_EQ(c->rate_limit_per_minute, 1200);
  EXPECT_EQ(c->history_days, 90);
}

TEST(IncidentIoConfig, AWriteDirectionIsRefusedNamingTheAllowedValue) {
  for (const char* d : {"outbound", "bidirectional"}) {
    auto c = IioParse({{"api_key", "k"}, {"sync_direction", d}});
    ASSERT_FALSE(c) << d;
    EXPECT_NE(c.error().message.find("inbound"), std::string::npos) << c.error().message;
  }
}

TEST(IncidentIoConfig, SigningSecretsMustBeBase64WithOrWithoutThePrefix) {
  EXPECT_TRUE(IioParse({{"api_key", "k"},
                        {"webhook_secret", json::array{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                                                       "C2FVsBQIhrscChlQIMV+b5sSYspob7oD"}}}));
  auto bad = IioParse({{"api_key", "k"}, {"webhook_secret", "whsec_***not base64***"}});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("whsec_"), std::string::npos) << bad.error().message;
  EXPECT_FALSE(IioParse({{"api_key", "k"}, {"webhook_secret", "whsec_"}}));
}

TEST(IncidentIoConfig, CustomFieldsAreCheckedAndNamed) {
  auto c = IioParse({{"api_key", "k"},
                     {"custom",
                      {{"severity_mapping", {{"Sev 0", "SEV-1"}}},
                       {"mitigated_statuses", json::array{"Monitoring"}}}}});
  ASSERT_TRUE(c) << c.error().message;
  auto s = incidentio::ParseSettings(c->custom);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->severity_mapping.at("Sev 0"), core::Severity::kSev1);
  EXPECT_TRUE(s->Mitigated("monitoring"));
  auto bad_sev = IioParse({{"api_key", "k"}, {"custom", {{"severity_mapping", {{"X", "P1"}}}}}});
  ASSERT_FALSE(bad_sev);
  EXPECT_NE(bad_sev.error().message.find("custom.severity_mapping.X"), std::string::npos)
      << bad_sev.error().message;
  auto unknown = IioParse({{"api_key", "k"}, {"custom", {{"region", "eu"}}}});
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("custom.region"), std::string::npos);
  EXPECT_FALSE(IioParse({{"api_key", "k"}, {"custom", {{"mitigated_statuses", "Monitoring"}}}}));
}

TEST(IncidentIoClient, RateLimitHeadersAndErrorBodiesAreRead) {
  Time now = *ParseTime("2026-06-15T12:00:00Z");
  net::HttpResponse ok;
  ok.status = 200;
  ok.SetHeader("X-RateLimit-Remaining", "17");
  ok.SetHeader("X-RateLimit-Reset", "1781524830");  // now + 30 s
  auto hint = incidentio::IncidentIoRateLimit(ok, now);
  EXPECT_EQ(hint.remaining, 17);
  EXPECT_EQ(hint.reset_seconds, 1);  // a bucket refilled 20/s: the next token, not the full one
  net::HttpResponse bad;
  bad.status = 422;
  bad.body = R"({"type":"validation_error","status":422,"request_id":"r-1","errors":[)"
             R"({"code":"invalid","message":"must be a date","source":{"field":"created_at"}}]})";
  auto e = incidentio::IncidentIoError(bad, "GET /v2/incidents");
  EXPECT_NE(e.message.find("created_at: must be a date"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("r-1"), std::string::npos);
  net::HttpResponse denied;
  denied.status = 401;
  denied.body = "garbage";
  auto d = incidentio::IncidentIoError(denied, "GET /v1/severities");
  EXPECT_EQ(d.code, ErrorCode::kUnauthenticated);
  EXPECT_NE(d.message.find("api_key"), std::string::npos);
}

TEST(IncidentIoMapping, StatusFollowsTheCategoryAndUnknownOnesAreOpen) {
  incidentio::Settings s;
  incidentio::IioContext ctx{.connector = "iio", .fallback_actor = "incidentio@iio.connector"};
  ctx.default_service = "incidentio";
  struct Row {
    std::string category;
    core::Status status;
    std::string mttr;
  };
  for (const auto& r :
       std::vector<Row>{{"triage", core::Status::kOpen, "included"},
                        {"live", core::Status::kOpen, "included"},
                        {"paused", core::Status::kOpen, "included"},
                        {"learning", core::Status::kResolved, "included"},
                        {"closed", core::Status::kClosed, "included"},
                        {"declined", core::Status::kClosed, "excluded"},
                        {"canceled", core::Status::kClosed, "excluded"},
                        {"merged", core::Status::kClosed, "excluded"},
                        {"some_future_category", core::Status::kOpen, "included"}}) {
    incidentio::IioIncident i;
    i.id = "01A";
    i.category = r.category;
    i.created_at = *ParseTime("2026-06-01T00:00:00Z");
    i.updated_at = i.created_at + std::chrono::hours(1);
    auto o = incidentio::Observe(i, s, ctx);
    EXPECT_EQ(o.status, r.status) << r.category;
    EXPECT_EQ(o.custom_fields.at("mttr"), r.mttr) << r.category;
  }
  auto parsed = incidentio::ParseIncident(json::object{{"id", "01B"}});
  ASSERT_FALSE(parsed);  // no created_at
  EXPECT_NE(parsed.error().message.find("created_at"), std::string::npos);
}

}  // namespace
}  // namespace im::connectors

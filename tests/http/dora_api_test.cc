// Deployments and DORA metrics over HTTP: a real ServerApp on a SQLite file, over loopback.
// The webhook takes an HMAC-signed body or a bearer token; bad input is a 400 naming the field
// with nothing stored; a second delivery of the same id changes nothing.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "app/server_app.h"
#include "common/crypto.h"
#include "common/json.h"
#include "common/time.h"
#include "fakes/raw_http.h"
#include "fakes/temp_dir.h"
#include "http/test_server_config.h"
#include "report/report_data.h"

namespace im::app {
namespace {

using im::testing::Fetch;

class DoraApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Config config = TestServerConfig(dir_.path());
    config.dora.webhook_secrets = {{"ci", "ci-secret"}};
    auto rt = OpenRuntime(config, true);
    ASSERT_TRUE(rt) << rt.error().message;
    rt_ = std::move(*rt);
    auto token = rt_->tokens->Create("test", "alice@example.com");
    ASSERT_TRUE(token);
    auth_ = "Authorization: Bearer " + token->secret + "\r\n";
    server_ = std::make_unique<ServerApp>(*rt_);
    ASSERT_TRUE(server_->Start());
  }

  std::optional<im::testing::RawResponse> Signed(const std::string& body,
                                                 const std::string& secret = "ci-secret") {
    return Fetch(server_->port(), "POST", "/webhooks/deployments", body,
                 "X-Im-Signature: sha256=" + HexEncode(HmacSha256(secret, body)) + "\r\n");
  }
  size_t Stored() { return rt_->deployment_store->List({})->size(); }

  im::testing::TempDir dir_;
  std::unique_ptr<Runtime> rt_;
  std::unique_ptr<ServerApp> server_;
  std::string auth_;
};

const char* kDeploy =
    R"({"id":"gh-run-1","service":"api","triggeredAt":"2026-03-02T10:00:00Z",)"
    R"("finishedAt":"2026-03-02T10:05:00Z","status":"success","commitSha":"abc123",)"
    R"("committedAt":"2026-03-02T08:00:00Z","url":"https://ci.example.com/1"})";

TEST_F(DoraApiTest, ASignedDeliveryIsStoredOnceAndReadBack) {
  auto first = Signed(kDeploy);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 201) << first->body;
  auto again = Signed(kDeploy);
  ASSERT_EQ(again->status, 200) << again->body;
  EXPECT_NE(again->body.find("\"duplicate\":true"), std::string::npos) << again->body;
  EXPECT_EQ(Stored(), 1u);
  auto got = Fetch(server_->port(), "GET", "/api/v1/deployments/gh-run-1");
  ASSERT_TRUE(got);
  ASSERT_EQ(got->status, 200) << got->body;
  auto v = json::Parse(got->body);
  ASSERT_TRUE(v);
  EXPECT_NE(got->body.find("webhook:ci"), std::string::npos) << got->body;  // who sent it
  EXPECT_NE(got->body.find("abc123"), std::string::npos);
}

TEST_F(DoraApiTest, UnsignedWrongSignatureAndTokenAuth) {
  auto none = Fetch(server_->port(), "POST", "/webhooks/deployments", kDeploy);
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 401);
  auto wrong = Signed(kDeploy, "not-the-secret");
  EXPECT_EQ(wrong->status, 401);
  EXPECT_NE(wrong->body.find("X-Im-Signature"), std::string::npos) << wrong->body;
  // A signature that matches nothing is refused even with a good token next to it.
  std::string both = auth_ + "X-Im-Signature: sha256=00\r\n";
  EXPECT_EQ(Fetch(server_->port(), "POST", "/webhooks/deployments", kDeploy, both)->status, 401);
  EXPECT_EQ(Stored(), 0u);
  auto token = Fetch(server_->port(), "POST", "/webhooks/deployments", kDeploy, auth_);
  ASSERT_EQ(token->status, 201) << token->body;
  EXPECT_EQ(Stored(), 1u);
}

TEST_F(DoraApiTest, BadBodiesAre400NamingTheFieldAndStoreNothing) {
  struct Case {
    const char* body;
    const char* field;
  } cases[] = {
      {R"({"service":"api","triggeredAt":"2026-03-02T10:00:00Z"})", "id"},
      {R"({"id":"x","triggeredAt":"2026-03-02T10:00:00Z"})", "service"},
      {R"({"id":"x","service":"api"})", "triggeredAt"},
      {R"({"id":"x","service":"api","triggeredAt":"yesterday-ish"})", "triggeredAt"},
      {R"({"id":"x","service":"api","triggeredAt":"2026-03-02T10:00:00Z","status":"ok"})",
       "status"},
      {R"({"id":"x","service":"api","triggeredAt":"2026-03-02T10:00:00Z","commitSHA":"a"})",
       "commitSHA"},
      {R"({"id":"x","service":"api","triggeredAt":"2026-03-02T10:00:00Z",)"
       R"("committedAt":"2026-03-02T08:00:00Z","mergedAt":"2026-03-02T09:00:00Z"})",
       "mergedAt"},
      {R"([1,2])", "object"},
      {R"({"id":)", ""},
  };
  for (const auto& c : cases) {
    auto r = Signed(c.body);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << c.body << " → " << r->body;
    EXPECT_NE(r->body.find(c.field), std::string::npos) << c.body << " → " << r->body;
  }
  EXPECT_EQ(Stored(), 0u);
}

TEST_F(DoraApiTest, MetricsAndDrillDownOverHttp) {
  ASSERT_EQ(Signed(kDeploy)->status, 201);
  auto inc = Fetch(server_->port(), "POST", "/api/v1/incidents",
                   R"({"title":"api 500s","severity":"SEV-2","services":["api"]})", auth_);
  ASSERT_EQ(inc->status, 201) << inc->body;
  // Declared now, far from the deploy: linked by hand, with who did it.
  auto link = Fetch(server_->port(), "PUT", "/api/v1/incidents/INC-1/deployment",
                    R"({"deployment":"gh-run-1"})", auth_);
  ASSERT_TRUE(link);
  ASSERT_EQ(link->status, 200) << link->body;
  EXPECT_NE(link->body.find("linked by hand by alice@example.com"), std::string::npos)
      << link->body;
  auto m = Fetch(server_->port(), "GET",
                 "/api/v1/metrics/dora?since=2026-03-01T00:00:00Z&until=2026-03-08T00:00:00Z"
                 "&include=incidents,deployments");
  ASSERT_TRUE(m);
  ASSERT_EQ(m->status, 200) << m->body;
  auto v = json::Parse(m->body);
  ASSERT_TRUE(v) << m->body;
  const auto& o = v->as_object();
  EXPECT_EQ(o.at("deployment_frequency").at("deployments").as_int64(), 1);
  EXPECT_EQ(o.at("change_failure_rate").at("failed_deployments").as_int64(), 1);
  EXPECT_EQ(o.at("lead_time").at("median_seconds").to_number<double>(), 7500.0);  // 2 h 05
  EXPECT_NE(m->body.find("gh-run-1"), std::string::npos);  // the deployment behind it
  auto bad = Fetch(server_->port(), "GET", "/api/v1/metrics/dora?since=never");
  EXPECT_EQ(bad->status, 422);  // a bad value, as everywhere in the API
  // By source: the one incident was declared in im, and failed the one deployment.
  auto by = Fetch(server_->port(), "GET",
                  "/api/v1/metrics/dora?since=2026-03-01T00:00:00Z&until=2026-03-08T00:00:00Z"
                  "&include=sources");
  ASSERT_TRUE(by);
  ASSERT_EQ(by->status, 200) << by->body;
  auto bv = json::Parse(by->body);
  ASSERT_TRUE(bv) << by->body;
  EXPECT_EQ(
      bv->at("by_source").at("im").at("change_failure_rate").at("failed_deployments").as_int64(),
      1);
  EXPECT_FALSE(bv->as_object().contains("incident_list"));
  auto unknown = Fetch(server_->port(), "GET", "/api/v1/metrics/dora?include=everything");
  EXPECT_EQ(unknown->status, 422);
  EXPECT_NE(unknown->body.find("incidents, deployments and sources"), std::string::npos)
      << unknown->body;
}

// An incident declared after a deployment shows it on its first read (the incident page's),
// before anything has read DORA figures.
TEST_F(DoraApiTest, AnIncidentDeclaredAfterADeployShowsItOnItsFirstRead) {
  const std::string at = FormatTime(rt_->clock.Now() - std::chrono::minutes(30));
  auto deploy =
      Fetch(server_->port(), "POST", "/webhooks/deployments",
            R"({"id":"gh-run-7","service":"api","triggeredAt":")" + at + R"(","status":"success"})",
            auth_);
  ASSERT_EQ(deploy->status, 201) << deploy->body;
  auto inc = Fetch(server_->port(), "POST", "/api/v1/incidents",
                   R"({"title":"api 500s","severity":"SEV-2","services":["api"]})", auth_);
  ASSERT_EQ(inc->status, 201) << inc->body;
  auto got = Fetch(server_->port(), "GET", "/api/v1/incidents/INC-1/deployment");
  ASSERT_TRUE(got);
  ASSERT_EQ(got->status, 200) << got->body;
  auto v = json::Parse(got->body);
  ASSERT_TRUE(v) << got->body;
  ASSERT_TRUE(v->at("deployment").is_string()) << got->body;
  EXPECT_EQ(v->at("deployment").as_string(), "gh-run-7");
  EXPECT_NE(got->body.find("same service api, 30 min after deploy gh-run-7"), std::string::npos)
      << got->body;
}

// `im serve` attributes new incidents in the background (job dora-attribution), from its
// start: one added before the server started is attributed though nothing read it.
TEST(DoraAttributionJobTest, TheServerAttributesIncidentsThatNoReadAskedFor) {
  im::testing::TempDir dir;
  auto rt = OpenRuntime(TestServerConfig(dir.path()), true);
  ASSERT_TRUE(rt) << rt.error().message;
  Runtime& r = **rt;
  dora::Deployment d{
      .id = "d-1", .service = "api", .triggered_at = r.clock.Now() - std::chrono::minutes(10)};
  ASSERT_TRUE(r.deployments->Record(d, "cli"));
  auto declared = r.incidents->Declare(
      core::DeclareRequest{
          .title = "api down", .severity = core::Severity::kSev2, .services = {"api"}},
      core::Actor{.email = "alice@example.com"});
  ASSERT_TRUE(declared) << declared.error().message;
  const int64_t n = declared->incident.number;
  // The store itself does not catch up on a read: nothing has attributed it yet.
  auto before = r.deployment_store->AttributionOf(n);
  ASSERT_TRUE(before) << before.error().message;
  ASSERT_FALSE(*before);
  ServerApp server(r);
  ASSERT_TRUE(server.Start());
  std::optional<store::Attribution> after;
  for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
       !after && std::chrono::steady_clock::now() < deadline;) {
    auto a = r.deployment_store->AttributionOf(n);
    ASSERT_TRUE(a) << a.error().message;
    after = *a;
    if (!after) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(after) << "not attributed within 20 s of the server's start";
  EXPECT_EQ(after->deployment_id, "d-1");
  server.Stop();
}

// GET /api/v1/reports: the report of `im report` in each format, and its refusals.
TEST_F(DoraApiTest, ReportsComeInEveryFormatAndRefuseBadParameters) {
  auto ok = rt_->store->Transact([&](store::Tx& tx) -> Result<void> {
    for (auto& i : im::testing::HandReportIncidents()) {
      for (const auto& s : i.services) {
        if (auto e = tx.EnsureService(s, i.created_at); !e) return std::unexpected(e.error());
      }
      if (auto n = tx.InsertIncident(i); !n) return std::unexpected(n.error());
    }
    return Ok();
  });
  ASSERT_TRUE(ok) << ok.error().message;
  const std::string base = "/api/v1/reports?start=2025-08-01&end=2025-08-31";
  auto j = Fetch(server_->port(), "GET", base);
  ASSERT_EQ(j->status, 200) << j->body;
  auto v = json::Parse(j->body);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->at("summary").at("incidents").as_int64(), 5);
  auto im_only = Fetch(server_->port(), "GET", base + "&include=opsgenie");
  EXPECT_EQ(json::Parse(im_only->body)->at("summary").at("incidents").as_int64(), 4);
  auto pdf = Fetch(server_->port(), "GET", base + "&format=pdf&paper=letter");
  ASSERT_EQ(pdf->status, 200);
  EXPECT_TRUE(pdf->body.starts_with("%PDF-"));
  EXPECT_EQ(pdf->headers["content-type"], "application/pdf");
  auto csv = Fetch(server_->port(), "GET", base + "&format=csv&table=sla");
  ASSERT_EQ(csv->status, 200);
  EXPECT_TRUE(csv->body.starts_with("severity,incidents,"));
  auto html = Fetch(server_->port(), "GET", base + "&format=html&service=web");
  ASSERT_EQ(html->status, 200);
  EXPECT_NE(html->body.find("2 incidents were declared"), std::string::npos);
  EXPECT_EQ(Fetch(server_->port(), "GET", base + "&format=csv&table=nope")->status, 422);
  EXPECT_EQ(
      Fetch(server_->port(), "GET", "/api/v1/reports?start=2025-08-31&end=2025-08-01")->status,
      422);
  EXPECT_EQ(Fetch(server_->port(), "GET", "/api/v1/reports")->status, 422);
  EXPECT_EQ(Fetch(server_->port(), "GET", base + "&service=nope")->status, 404);
  EXPECT_EQ(Fetch(server_->port(), "GET", base + "&include=jira")->status, 422);
}

}  // namespace
}  // namespace im::app

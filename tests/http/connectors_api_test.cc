// POST /connectors/{name}/webhook end to end: a real ServerApp on port 0 over a SQLite file,
// signed PagerDuty deliveries sent over loopback HTTP from several connections at once.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "app/connector_runtime.h"
#include "app/logging.h"
#include "app/server_app.h"
#include "common/json.h"
#include "common/webhook_signature.h"
#include "fakes/raw_http.h"
#include "fakes/temp_dir.h"
#include "http/test_server_config.h"

namespace im::app {
namespace {

using im::testing::RawConnection;

constexpr char kSecret[] = "whsec-api-test";

std::string Event(const std::string& id, const std::string& incident) {
  json::object data{
      {"id", incident},
      {"type", "incident"},
      {"number", 1},
      {"status", "triggered"},
      {"title", "Checkout down " + incident},
      {"urgency", "high"},
      {"created_at", "2026-06-15T11:00:00Z"},
      {"service",
       json::object{{"id", "PSVC1"}, {"summary", "Checkout API"}, {"type", "service_reference"}}}};
  return json::Serialize(
      json::object{{"event", json::object{{"id", id},
                                          {"event_type", "incident.triggered"},
                                          {"resource_type", "incident"},
                                          {"occurred_at", "2026-06-15T11:00:00Z"},
                                          {"data", std::move(data)}}}});
}

std::string Signed(const std::string& body, const std::string& secret = kSecret) {
  return "X-PagerDuty-Signature: " + PagerDutySignature(secret, body) + "\r\n" +
         "X-Webhook-Id: wh-" + std::to_string(std::hash<std::string>{}(body)) + "\r\n";
}

class WebhookApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Config config = TestServerConfig(dir_.path());
    auto rt = OpenRuntime(config, true);
    ASSERT_TRUE(rt) << rt.error().message;
    rt_ = std::move(*rt);
    auto connectors = OpenConnectors(*rt_);
    ASSERT_TRUE(connectors) << connectors.error().message;
    connectors_ = std::move(*connectors);
    // Nothing listens at base_url: polling fails quietly; only webhooks bring data here.
    auto added = connectors_->manager->Add("pagerduty", "pd",
                                           json::object{{"api_key", "k"},
                                                        {"base_url", "http://127.0.0.1:9"},
                                                        {"sync_direction", "inbound"},
                                                        {"webhook_secret", kSecret}});
    ASSERT_TRUE(added) << added.error().message;
    server_ = std::make_unique<ServerApp>(*rt_);
    ASSERT_TRUE(server_->Start());
  }

  int Post(RawConnection& c, const std::string& body, const std::string& headers) {
    if (!c.Send("POST", "/connectors/pd/webhook", body, headers)) return -1;
    auto res = c.Read();
    return res ? res->status : -1;
  }

  im::testing::TempDir dir_;
  std::unique_ptr<Runtime> rt_;
  std::unique_ptr<ConnectorRuntime> connectors_;
  std::unique_ptr<ServerApp> server_;
};

TEST_F(WebhookApiTest, ConcurrentDeliveriesAreEachStoredOnceBeforeTheir202) {
  constexpr int kConnections = 8, kEach = 25;
  std::atomic<int> accepted{0}, other{0};
  std::vector<std::thread> senders;
  for (int t = 0; t < kConnections; ++t) {
    senders.emplace_back([&, t] {
      RawConnection c(server_->port());
      for (int k = 0; k < kEach; ++k) {
        std::string id = "P" + std::to_string(t) + "-" + std::to_string(k);
        std::string body = Event("E" + id, id);
        int status = Post(c, body, Signed(body));
        (status == 202 ? accepted : other)++;
        // A 202 means stored: the incident is linked by the time the answer arrives.
        auto linked = connectors_->store->FindLinkedIncident("pd", id);
        if (!linked || !*linked) other++;
      }
    });
  }
  for (auto& s : senders) s.join();
  EXPECT_EQ(accepted, kConnections * kEach);
  EXPECT_EQ(other, 0);
  EXPECT_EQ(*connectors_->store->CountLinks("pd"), kConnections * kEach);
  EXPECT_EQ(rt_->store->ListIncidents({})->size(), size_t{kConnections * kEach});
}

TEST_F(WebhookApiTest, DuplicatesBadSignaturesAndBadBodiesStoreNothingNew) {
  RawConnection c(server_->port());
  std::string body = Event("E1", "PX1");
  ASSERT_EQ(Post(c, body, Signed(body)), 202);
  auto again =
      c.Send("POST", "/connectors/pd/webhook", body, Signed(body)) ? c.Read() : std::nullopt;
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 202);
  EXPECT_NE(again->body.find("\"duplicates\":1"), std::string::npos) << again->body;

  std::string other = Event("E2", "PX2");
  EXPECT_EQ(Post(c, other, Signed(other, "not-the-secret")), 401);
  EXPECT_EQ(Post(c, other, ""), 401);
  // Signed but not an event im can apply: stored and answered 202 (PagerDuty counts any other
  // 4xx as a dropped delivery), changing no incident.
  std::string broken = "{\"event\": [1, 2";
  EXPECT_EQ(Post(c, broken, Signed(broken)), 202);
  std::string no_id = R"({"event":{"event_type":"incident.triggered","data":{}}})";
  EXPECT_EQ(Post(c, no_id, Signed(no_id)), 202);
  RawConnection fresh(server_->port());
  EXPECT_EQ(Post(fresh, other, Signed(other)), 202);  // the connection and server go on

  EXPECT_EQ(*connectors_->store->CountLinks("pd"), 2);
  EXPECT_EQ(rt_->store->ListIncidents({})->size(), 2u);
  auto day = connectors_->store->Activity("pd", Time{});
  ASSERT_TRUE(day);
  EXPECT_EQ(day->webhook_events, 4);      // E1, the two signed oddities, E2
  EXPECT_EQ(day->webhook_unreadable, 1);  // the one that is not JSON
}

// issue 13: a secret stored by another process (`im connector webhook --enable` beside a
// running server) verifies the next delivery at once, not after the server's config cache
// expires; and once a delivery signed with the newest secret of a rotation has arrived, the
// server drops the old ones.
TEST_F(WebhookApiTest, ASecretStoredElsewhereVerifiesAtOnceAndRotationsEnd) {
  RawConnection c(server_->port());
  std::string first = Event("E1", "PX1");
  ASSERT_EQ(Post(c, first, Signed(first)), 202);  // the server now holds the config
  auto cli = OpenConnectors(*rt_);                // what another process would do
  ASSERT_TRUE(cli);
  ASSERT_TRUE((*cli)->manager->Update("pd", [&](connectors::ConnectorConfig& cfg) -> Result<void> {
    cfg.webhook_secrets.push_back("whsec-new");
    cfg.webhook_secret_retire_at = rt_->clock.Now() + std::chrono::hours(48);
    return Ok();
  }));
  std::string second = Event("E2", "PX2");
  EXPECT_EQ(Post(c, second, Signed(second, "whsec-new")), 202);
  // The old secret is dropped by the server's poller (every second): wait for it, bounded.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  auto secrets = [&] { return (*cli)->manager->Config("pd")->webhook_secrets; };
  while (secrets().size() > 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling the store, bounded
  }
  EXPECT_EQ(secrets(), std::vector<std::string>{"whsec-new"});
  EXPECT_FALSE((*cli)->manager->Config("pd")->webhook_secret_retire_at);
  std::string third = Event("E3", "PX3");
  EXPECT_EQ(Post(c, third, Signed(third)), 401);  // the old secret no longer signs
  EXPECT_EQ(Post(c, third, Signed(third, "whsec-new")), 202);
}

TEST_F(WebhookApiTest, AnUnknownConnectorIs404) {
  RawConnection c(server_->port());
  std::string body = Event("E1", "PX1");
  ASSERT_TRUE(c.Send("POST", "/connectors/nope/webhook", body, Signed(body)));
  auto res = c.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404) << res->body;
}

// `im logs --component webhook --filter pagerduty` reads these lines: one per delivery, with the
// provider, the connector and the answer (refusals as warnings, so a quiet server keeps them).
TEST_F(WebhookApiTest, DeliveriesAreLoggedUnderTheWebhookComponent) {
  RawConnection c(server_->port());
  std::string body = Event("E1", "PX1");
  ASSERT_EQ(Post(c, body, Signed(body, "not-the-secret")), 401);
  ASSERT_TRUE(c.Send("POST", "/connectors/nope/webhook", body, Signed(body)));
  ASSERT_TRUE(c.Read());
  auto lines = ReadLogs((dir_.path() / "logs" / "im.log").string(), "webhook", "PagerDuty");
  ASSERT_TRUE(lines) << lines.error().message;
  ASSERT_EQ(lines->size(), 1u);
  EXPECT_EQ(lines->front().level, "warning");
  EXPECT_EQ(lines->front().message.rfind("pagerduty pd: delivery answered 401 (0 applied", 0), 0u)
      << lines->front().message;
  auto unknown = ReadLogs((dir_.path() / "logs" / "im.log").string(), "webhook", "nope");
  ASSERT_TRUE(unknown);
  ASSERT_EQ(unknown->size(), 1u);
  EXPECT_NE(unknown->front().message.find("delivery to unknown connector nope"), std::string::npos);
  EXPECT_FALSE(CheckLogComponent("webhooks"));
  EXPECT_TRUE(CheckLogComponent("connector.pd"));
}

}  // namespace
}  // namespace im::app

// Signed v3 webhooks into the PagerDuty connector: signature checks, rotation, duplicates and
// out-of-order delivery.
#include "common/webhook_signature.h"
#include "pagerduty_fixture.h"

namespace im::connectors::testing {
namespace {

class PagerDutyWebhookTest : public PagerDutyFixture {
 protected:
  std::string Event(const std::string& id, const std::string& type, const std::string& at,
                    const std::string& status, const std::string& incident = "PINC001") {
    json::object data{{"id", incident},
                      {"type", "incident"},
                      {"number", 77},
                      {"status", status},
                      {"title", "Checkout down"},
                      {"urgency", "high"},
                      {"created_at", "2026-06-15T11:00:00Z"},
                      {"service", json::object{{"id", "PSVC1"},
                                               {"summary", "Checkout API"},
                                               {"type", "service_reference"}}}};
    return json::Serialize(json::object{{"event", json::object{{"id", id},
                                                               {"event_type", type},
                                                               {"resource_type", "incident"},
                                                               {"occurred_at", at},
                                                               {"data", std::move(data)}}}});
  }

  WebhookReply Deliver(const std::string& body, const std::string& secret = "whsec-one",
                       const std::string& webhook_id = "wh-1") {
    net::HttpRequest req;
    req.method = "POST";
    req.body = body;
    req.headers = {{"X-Webhook-Id", webhook_id}};
    if (!secret.empty())
      req.headers.emplace_back("X-PagerDuty-Signature", PagerDutySignature(secret, body));
    return Open()->HandleWebhook(req);
  }

  core::Incident Linked(const std::string& id = "PINC001") {
    auto n = connectors_->FindLinkedIncident("pd", id);
    EXPECT_TRUE(n && *n);
    return *db_->GetIncident(n->value_or(0));
  }
};

TEST_F(PagerDutyWebhookTest, BadOrMissingSignatureIs401AndStoresNothing) {
  Start({.incidents = 10});
  auto body = Event("e1", "incident.triggered", "2026-06-15T11:00:00Z", "triggered");
  EXPECT_EQ(Deliver(body, "wrong-secret").status, 401);
  EXPECT_EQ(Deliver(body, "").status, 401);
  EXPECT_FALSE(*connectors_->FindLinkedIncident("pd", "PINC001"));
}

TEST_F(PagerDutyWebhookTest, AppliesLifecycleAndIgnoresDuplicates) {
  Start({.incidents = 10});
  auto trig = Event("e1", "incident.triggered", "2026-06-15T11:00:00Z", "triggered");
  EXPECT_EQ(Deliver(trig).status, 202);
  EXPECT_EQ(Linked().status, core::Status::kOpen);
  EXPECT_EQ(Linked().services, std::vector<std::string>{"Checkout API"});
  auto dup = Deliver(trig);
  EXPECT_EQ(dup.status, 202);
  EXPECT_EQ(dup.duplicates, 1);
  EXPECT_EQ(
      Deliver(Event("e2", "incident.acknowledged", "2026-06-15T11:05:00Z", "acknowledged")).status,
      202);
  auto acked = Linked();
  EXPECT_EQ(acked.status, core::Status::kMitigated);
  EXPECT_EQ(acked.acknowledged_at, *ParseTime("2026-06-15T11:05:00Z"));
  EXPECT_EQ(Deliver(Event("e3", "incident.resolved", "2026-06-15T11:30:00Z", "resolved")).status,
            202);
  EXPECT_EQ(Linked().status, core::Status::kResolved);
  EXPECT_EQ(Linked().resolved_at, *ParseTime("2026-06-15T11:30:00Z"));
  EXPECT_EQ(db_->GetTimeline(Linked().number)->size(), 3u);
  // Three events applied, counted when they arrived (the clock), not when they occurred (a
  // day earlier here); the duplicate is not counted.
  clock_.Set(*ParseTime("2026-06-16T12:00:00Z"));
  EXPECT_EQ(Deliver(Event("e4", "incident.resolved", "2026-06-15T11:31:00Z", "resolved")).status,
            202);
  auto activity = connectors_->Activity("pd", *ParseTime("2026-06-16T11:00:00Z"));
  ASSERT_TRUE(activity);
  EXPECT_EQ(activity->webhook_events, 1);
  activity = connectors_->Activity("pd", *ParseTime("2026-06-15T00:00:00Z"));
  EXPECT_EQ(activity->webhook_events, 4);
}

TEST_F(PagerDutyWebhookTest, AnOlderEventNeverOverwritesNewerState) {
  Start({.incidents = 10});
  Deliver(Event("e1", "incident.triggered", "2026-06-15T11:00:00Z", "triggered"));
  Deliver(Event("e3", "incident.resolved", "2026-06-15T11:30:00Z", "resolved"));
  auto late = Deliver(Event("e2", "incident.acknowledged", "2026-06-15T11:05:00Z", "acknowledged"));
  EXPECT_EQ(late.status, 202);
  EXPECT_EQ(Linked().status, core::Status::kResolved);
}

TEST_F(PagerDutyWebhookTest, AcceptsEitherSecretDuringRotation) {
  Start({.incidents = 10});
  ASSERT_TRUE(manager_->Update("pd", [](ConnectorConfig& c) -> Result<void> {
    c.webhook_secrets = {"whsec-one", "whsec-two"};
    return Ok();
  }));
  EXPECT_EQ(
      Deliver(Event("e1", "incident.triggered", "2026-06-15T11:00:00Z", "triggered"), "whsec-two")
          .status,
      202);
  EXPECT_EQ(Deliver(Event("e2", "incident.acknowledged", "2026-06-15T11:01:00Z", "acknowledged"),
                    "whsec-one")
                .status,
            202);
  EXPECT_EQ(Linked().status, core::Status::kMitigated);
}

TEST_F(PagerDutyWebhookTest, MalformedEventsAre400) {
  Start({.incidents = 10});
  EXPECT_EQ(Deliver("{not json").status, 400);
  EXPECT_EQ(Deliver(R"({"event":{"id":"x"}})").status, 400);
  EXPECT_EQ(Deliver(Event("e1", "incident.triggered", "yesterday", "triggered")).status, 400);
  EXPECT_EQ(Deliver(Event("e1", "incident.triggered", "2026-06-15T11:00:00Z", "exploded")).status,
            400);
}

}  // namespace
}  // namespace im::connectors::testing

// Signed v3 webhooks into the PagerDuty connector: signature checks, rotation, duplicates and
// out-of-order delivery.
#include <fstream>
#include <iterator>
#include <set>

#include "common/webhook_signature.h"
#include "fakes/sqlite_query.h"
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

  // A copy of a PagerDuty example kept with the tests (tests/testdata/pagerduty).
  static std::string TestData(const std::string& name) {
    std::ifstream in(std::string(IM_TEST_SOURCE_DIR) + "/tests/testdata/pagerduty/" + name);
    EXPECT_TRUE(in) << name;
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

  // The body stored with the event recorded for delivery `webhook_id`.
  std::string StoredBody(const std::string& webhook_id) {
    // The ids here are the test's own (no quote in them).
    return im::testing::QueryText(
        address_, "SELECT body FROM connector_events WHERE webhook_id = '" + webhook_id + "'");
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

// A correctly signed delivery is always stored and answered 2xx (PagerDuty counts any other 4xx
// as dropped and disables the subscription after three): what im cannot apply is recorded with
// its body, and the incident it names is fetched instead.
TEST_F(PagerDutyWebhookTest, SignedButMalformedEventsAreStoredAnd202) {
  Start({.incidents = 10});
  auto not_json = Deliver("{not json", "whsec-one", "wh-a");
  EXPECT_EQ(not_json.status, 202);
  EXPECT_EQ(not_json.applied, 0);
  EXPECT_EQ(Deliver("{not json", "whsec-one", "wh-a").duplicates, 1);  // PagerDuty's retry
  EXPECT_EQ(Deliver(R"({"event":{"id":"x"}})", "whsec-one", "wh-b").status, 202);
  EXPECT_EQ(
      Deliver(Event("e1", "incident.triggered", "yesterday", "triggered"), "whsec-one", "wh-c")
          .status,
      202);
  EXPECT_EQ(Deliver(Event("e2", "incident.triggered", "2026-06-15T11:00:00Z", "exploded"),
                    "whsec-one", "wh-d")
                .status,
            202);
  EXPECT_FALSE(*connectors_->FindLinkedIncident("pd", "PINC001"));  // nothing applied
  auto day = connectors_->Activity("pd", Time{});
  EXPECT_EQ(day->webhook_events, 4);
  EXPECT_EQ(day->webhook_unreadable, 1);
  EXPECT_EQ(StoredBody("wh-a"), "{not json");  // kept as it came
  auto due = connectors_->DueRefetches("pd", clock_.Now(), 10);
  ASSERT_TRUE(due);
  ASSERT_EQ(due->size(), 1u);  // PINC001, named by the two incomplete incident events
  EXPECT_EQ((*due)[0].external_id, "PINC001");
}

// Every example payload in PagerDuty's webhook documentation (copied into tests/testdata):
// stored, 202, counted; incident events fetch their incident.
TEST_F(PagerDutyWebhookTest, EveryDocumentedExampleIsStoredAnd202) {
  Start({.incidents = 10});
  struct Example {
    std::string file, event_type, incident;
  };
  const std::vector<Example> data = {
      {"incident", "incident.triggered", "PGR0VU2"},
      {"incident_action_invocation", "incident.action_invocation.created", "PBAZLIU"},
      {"incident_conference_bridge", "incident.conference_bridge.updated", "PGR0VU2"},
      {"incident_field_values", "incident.custom_field_values.updated", "PBAZLIU"},
      {"incident_note", "incident.annotated", "PGR0VU2"},
      {"incident_responder", "incident.responder.added", "PGR0VU2"},
      {"incident_role_assignment", "incident.role.assigned", "PBAZLIU"},
      {"incident_status_update", "incident.status_update_published", "PGR0VU2"},
      {"incident_task", "incident.task.created", "Q0SDD3HB6SGFTI"},
      {"incident_workflow_instance", "incident.workflow.started", "PBAZLIU"},
      {"service", "service.updated", ""},
      {"service_field_values", "service.custom_field_values.updated", ""}};
  int n = 0;
  for (const auto& e : data) {
    auto parsed = json::Parse(TestData("webhook-v3-event-data." + e.file + ".json"));
    ASSERT_TRUE(parsed) << e.file;
    std::string body = json::Serialize(json::object{
        {"event", json::object{{"id", "ev-" + e.file},
                               {"event_type", e.event_type},
                               {"resource_type", e.event_type.substr(0, e.event_type.find('.'))},
                               {"occurred_at", "2026-06-15T11:00:00Z"},
                               {"agent", nullptr},
                               {"client", nullptr},
                               {"data", *parsed}}}});
    auto reply = Deliver(body, "whsec-one", "wh-" + std::to_string(++n));
    EXPECT_EQ(reply.status, 202) << e.file << ": " << reply.message;
  }
  for (const char* file : {"webhook-v3-payload.incident.priority_updated.json",
                           "webhook-v3-payload.service.updated.json"}) {
    auto reply = Deliver(TestData(file), "whsec-one", "wh-" + std::to_string(++n));
    EXPECT_EQ(reply.status, 202) << file << ": " << reply.message;
  }
  EXPECT_EQ(connectors_->Activity("pd", Time{})->webhook_events, n);
  // The full incident example is applied; each incident named is fetched (once).
  EXPECT_TRUE(*connectors_->FindLinkedIncident("pd", "PGR0VU2"));
  std::set<std::string> fetch;
  auto due = connectors_->DueRefetches("pd", clock_.Now(), 100);
  ASSERT_TRUE(due);
  for (const auto& r : *due) fetch.insert(r.external_id);
  EXPECT_EQ(fetch, (std::set<std::string>{"PGR0VU2", "PBAZLIU", "Q0SDD3HB6SGFTI"}));
  // The service example updated the directory.
  auto services = connectors_->Directory("pd", "service");
  ASSERT_EQ(services->size(), 1u);
  EXPECT_EQ((*services)[0].name, "testing service updates");
}

// The body of PagerDuty's own signature test vector (an incident.priority_updated whose data
// has no created_at) was answered 400; it is stored and its incident fetched.
TEST_F(PagerDutyWebhookTest, TheSignatureVectorsEventIsStoredAndItsIncidentFetched) {
  Start({.incidents = 10});
  auto vector = json::Parse(TestData("webhook-v3-signature.json"));
  ASSERT_TRUE(vector);
  const auto& v = vector->as_object();
  ASSERT_TRUE(manager_->Update("pd", [&](ConnectorConfig& c) -> Result<void> {
    c.webhook_secrets = {std::string(v.at("secret").as_string())};
    return Ok();
  }));
  net::HttpRequest req;
  req.method = "POST";
  req.body = std::string(v.at("raw_body").as_string());
  req.headers = {
      {"X-PagerDuty-Signature", std::string(v.at("x_pagerduty_signature_valid").as_string())},
      {"X-Webhook-Id", "wh-vector"}};
  auto reply = Open()->HandleWebhook(req);
  EXPECT_EQ(reply.status, 202) << reply.message;
  req.headers[0].second = std::string(v.at("x_pagerduty_signature_invalid_example").as_string());
  EXPECT_EQ(Open()->HandleWebhook(req).status, 401);
  auto due = connectors_->DueRefetches("pd", clock_.Now(), 10);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].external_id, "PGR0VU2");
  EXPECT_EQ((*due)[0].reason, "incident.priority_updated");
  // PGR0VU2 is no incident of this PagerDuty: the fetch finds nothing and is done with.
  EXPECT_EQ(*Open()->FollowUp(), 0);
  EXPECT_TRUE(connectors_->DueRefetches("pd", clock_.Now(), 10)->empty());
  EXPECT_FALSE(*connectors_->FindLinkedIncident("pd", "PGR0VU2"));
}

// The same event with each optional field left out, one at a time: always stored and 202; the
// incident is applied from the payload when what im needs is there, else fetched from the API.
TEST_F(PagerDutyWebhookTest, AnEventMissingAnyFieldIsStoredAnd202) {
  Start({.incidents = 10});
  auto full = json::Parse(TestData("webhook-v3-payload.incident.priority_updated.json"));
  ASSERT_TRUE(full);
  const json::object& event = full->at("event").as_object();
  std::vector<std::pair<std::string, std::string>> cuts;  // (object, field)
  for (const auto& kv : event) cuts.emplace_back("event", std::string(kv.key()));
  for (const auto& kv : event.at("data").as_object())
    cuts.emplace_back("data", std::string(kv.key()));
  int n = 0;
  for (const auto& [where, field] : cuts) {
    json::value cut = *full;
    json::object& e = cut.as_object()["event"].as_object();
    if (where == "event") {
      e.erase(field);
    } else {
      e["data"].as_object().erase(field);
    }
    if (field != "id") e["id"] = "ev-" + std::to_string(n);  // each its own event
    auto reply = Deliver(json::Serialize(cut), "whsec-one", "wh-" + std::to_string(n++));
    EXPECT_EQ(reply.status, 202) << where << "." << field << ": " << reply.message;
  }
  EXPECT_EQ(connectors_->Activity("pd", Time{})->webhook_events, n);
}

// The fetch a webhook asked for is durable work: queued with the event, retried while
// PagerDuty fails, done once it answers.
TEST_F(PagerDutyWebhookTest, AFetchAskedForIsRetriedUntilPagerDutyAnswers) {
  Start({.incidents = 10});
  std::string id;
  std::string status;
  {
    std::lock_guard lock(sim_->state().mu);
    const auto& inc = sim_->state().world.incidents.back();
    id = inc.id;
    status = inc.status;
  }
  // An incident event without created_at: recorded, and the incident fetched instead.
  auto body = json::Parse(
      Event("e1", "incident.priority_updated", "2026-06-15T11:00:00Z", "triggered", id));
  body->as_object()["event"].as_object()["data"].as_object().erase("created_at");
  ASSERT_EQ(Deliver(json::Serialize(*body)).status, 202);
  EXPECT_FALSE(*connectors_->FindLinkedIncident("pd", id));
  auto knobs = sim_->knobs().Get();
  knobs.error_rate = 1.0;
  sim_->knobs().Set(knobs);
  EXPECT_EQ(*Open()->FollowUp(), 0);
  auto waiting = connectors_->DueRefetches("pd", clock_.Now() + std::chrono::hours(1), 10);
  ASSERT_EQ(waiting->size(), 1u);
  EXPECT_EQ((*waiting)[0].attempts, 1);
  EXPECT_FALSE((*waiting)[0].last_error.empty());
  EXPECT_TRUE(connectors_->DueRefetches("pd", clock_.Now(), 10)->empty());  // backing off
  knobs.error_rate = 0;
  sim_->knobs().Set(knobs);
  clock_.Advance(std::chrono::seconds(5));
  EXPECT_EQ(*Open()->FollowUp(), 1);
  EXPECT_EQ(*connectors_->CountRefetches("pd"), 0);
  auto linked = Linked(id);
  EXPECT_EQ(linked.status, status == "triggered"      ? core::Status::kOpen
                           : status == "acknowledged" ? core::Status::kMitigated
                                                      : core::Status::kResolved);
}

}  // namespace
}  // namespace im::connectors::testing

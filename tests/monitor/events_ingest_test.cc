// The Events API v2 endpoint's rules: routing key → integration, trigger/ack/resolve by
// dedup_key, PagerDuty's validation errors.
#include "monitor/events_ingest.h"

#include <gtest/gtest.h>

#include <future>

#include "fakes/deadline.h"
#include "monitor_fixture.h"

namespace im::monitor {
namespace {

class EventsIngestTest : public testing::MonitorFixture {
 protected:
  void SetUp() override {
    MonitorFixture::SetUp();
    ingest_ = std::make_unique<EventsIngest>(*monitor_store_, clock_);
    auto i = ingest_->AddIntegration("payments", "warning=SEV-4", "");
    ASSERT_TRUE(i) << i.error().message;
    key_ = i->routing_key;
  }
  EventsIngest::Outcome Send(const std::string& action, const std::string& dedup,
                             const std::string& severity = "critical") {
    std::string e = R"({"routing_key":")" + key_ + R"(","event_action":")" + action + "\"";
    if (!dedup.empty()) e += R"(,"dedup_key":")" + dedup + "\"";
    if (action == "trigger") {
      e += R"(,"payload":{"summary":"Disk full on db1","source":"db1","severity":")" + severity +
           R"(","component":"postgres","custom_details":{"free":"0%"}})";
    }
    auto r = ingest_->Enqueue(e + "}");
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : EventsIngest::Outcome{};
  }

  std::unique_ptr<EventsIngest> ingest_;
  std::string key_;
};

TEST_F(EventsIngestTest, RoutingKeysAre32Characters) { EXPECT_EQ(key_.size(), 32u); }

TEST_F(EventsIngestTest, TriggerAckResolveByDedupKey) {
  auto opened = Send("trigger", "db1-disk");
  ASSERT_TRUE(opened.accepted);
  EXPECT_EQ(opened.accepted->dedup_key, "db1-disk");
  EXPECT_EQ(opened.accepted->outcome, "opened");
  auto inc = db_->GetIncident(opened.accepted->incident);
  EXPECT_EQ(inc->title, "Disk full on db1");
  EXPECT_EQ(inc->services, std::vector<std::string>{"payments"});
  EXPECT_EQ(inc->severity, core::Severity::kSev1);
  EXPECT_NE(inc->description.find("postgres"), std::string::npos);

  EXPECT_EQ(Send("trigger", "db1-disk").accepted->outcome, "deduplicated");
  EXPECT_EQ(Send("acknowledge", "db1-disk").accepted->outcome, "acknowledged");
  EXPECT_EQ(db_->GetIncident(opened.accepted->incident)->status, core::Status::kMitigated);
  EXPECT_EQ(Send("resolve", "db1-disk").accepted->outcome, "resolved");
  EXPECT_EQ(db_->GetIncident(opened.accepted->incident)->status, core::Status::kResolved);
  EXPECT_EQ(Send("resolve", "db1-disk").accepted->outcome, "dropped");
  // After the resolve, the same key opens a new incident.
  auto again = Send("trigger", "db1-disk", "warning");
  EXPECT_EQ(again.accepted->outcome, "opened");
  EXPECT_NE(again.accepted->incident, opened.accepted->incident);
  EXPECT_EQ(db_->GetIncident(again.accepted->incident)->severity, core::Severity::kSev4);
}

TEST_F(EventsIngestTest, TriggerWithoutDedupKeyGetsOne) {
  auto r = Send("trigger", "");
  ASSERT_TRUE(r.accepted);
  EXPECT_EQ(r.accepted->dedup_key.size(), 32u);
}

TEST_F(EventsIngestTest, InvalidEventsAreRefusedWithEveryError) {
  auto r = ingest_->Enqueue(R"({"routing_key":")" + key_ +
                            R"(","event_action":"trigger","payload":{"summary":"x"}})");
  ASSERT_TRUE(r);
  ASSERT_TRUE(r->refused);
  EXPECT_EQ(r->refused->errors.size(), 2u);  // source and severity
  auto bad_key =
      ingest_->Enqueue(R"({"routing_key":"nope","event_action":"resolve","dedup_key":"a"})");
  ASSERT_TRUE(bad_key->refused);
  EXPECT_EQ(bad_key->refused->errors[0], "Invalid routing key");
  EXPECT_TRUE(ingest_->Enqueue("{not json")->refused);
  EXPECT_TRUE(ingest_->Enqueue(R"({"routing_key":"k","event_action":"resolve"})")->refused);
  EXPECT_TRUE(db_->ListIncidents({})->empty());
}

TEST_F(EventsIngestTest, BadSeverityMapIsRefused) {
  auto r = ingest_->AddIntegration("payments", "urgent=SEV-1", "");
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().message.starts_with("--severity-map")) << r.error().message;
}

}  // namespace
}  // namespace im::monitor

namespace im::monitor {
namespace {

TEST_F(EventsIngestTest, EventsV1SendersAreTakenToo) {
  auto r = ingest_->EnqueueV1(R"({"service_key":")" + key_ +
                              R"(","event_type":"trigger","incident_key":"srv01/HTTP",)"
                              R"("description":"FAILURE for production/HTTP on machine srv01",)"
                              R"("client":"Sample Monitoring Service"})");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_TRUE(r->accepted);
  EXPECT_EQ(r->accepted->dedup_key, "srv01/HTTP");
  EXPECT_EQ(db_->GetIncident(r->accepted->incident)->severity, core::Severity::kSev2);
  auto resolved = ingest_->EnqueueV1(R"({"service_key":")" + key_ +
                                     R"(","event_type":"resolve","incident_key":"srv01/HTTP"})");
  EXPECT_EQ(resolved->accepted->outcome, "resolved");
  auto bad = ingest_->EnqueueV1(R"({"service_key":")" + key_ + R"(","event_type":"trigger"})");
  ASSERT_TRUE(bad->refused);
  EXPECT_EQ(bad->refused->errors[0], "'description' is missing or blank");
}

}  // namespace
}  // namespace im::monitor

namespace im::monitor {
namespace {

TEST_F(EventsIngestTest, AsyncEnqueueAnswersOnceTheIncidentIsCommitted) {
  std::promise<Result<EventsIngest::Outcome>> answered;
  ingest_->EnqueueAsync(R"({"routing_key":")" + key_ +
                            R"(","event_action":"trigger","dedup_key":"a1","payload":)"
                            R"({"summary":"s","source":"x","severity":"info"}})",
                        [&](Result<EventsIngest::Outcome> r) { answered.set_value(r); });
  auto f = answered.get_future();
  im::testing::WaitOrFail(f, "the async enqueue");
  auto r = f.get();
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_TRUE(r->accepted);
  EXPECT_EQ(r->accepted->outcome, "opened");
  EXPECT_EQ(db_->GetIncident(r->accepted->incident)->severity, core::Severity::kSev4);
  std::promise<Result<EventsIngest::Outcome>> refused;
  ingest_->EnqueueAsync("{}", [&](Result<EventsIngest::Outcome> o) { refused.set_value(o); });
  auto g = refused.get_future();
  im::testing::WaitOrFail(g, "the refusal");
  EXPECT_TRUE(g.get()->refused);
}

}  // namespace
}  // namespace im::monitor

// The Events API v2 client against the PagerDuty simulator's /v2/enqueue and
// /v2/change/enqueue: dedup-key lifecycle, documented limits trimmed before sending, 429
// retried (the event was not accepted), 400 not retried.
#include "connectors/pagerduty/events_client.h"
#include "connectors/pagerduty/pagerduty_connector.h"
#include "pagerduty_fixture.h"

namespace im::connectors::testing {
namespace {

using pagerduty::AlertEvent;
using pagerduty::ChangeEvent;
using pagerduty::EventsClient;

class EventsClientTest : public PagerDutyFixture {
 protected:
  void Start(FixtureOptions o = {}) {
    PagerDutyFixture::Start(o);
    std::lock_guard lock(sim_->state().mu);
    routing_key_ = sim_->state().world.services.front().integration_key;
    service_id_ = sim_->state().world.services.front().id;
  }

  EventsClient Client() {
    return EventsClient({.base_url = "http://127.0.0.1:" + std::to_string(server_->port())}, http_,
                        waiter_, clock_, spdlog::default_logger());
  }

  // The simulator's incidents for our service with this incident key, oldest first.
  std::vector<sim::pagerduty::Incident> ByKey(const std::string& key) {
    std::lock_guard lock(sim_->state().mu);
    std::vector<sim::pagerduty::Incident> out;
    for (const auto& i : sim_->state().world.incidents) {
      if (i.incident_key == key && i.service_id == service_id_) out.push_back(i);
    }
    return out;
  }

  AlertEvent Trigger(const std::string& dedup) {
    return {.routing_key = routing_key_,
            .action = "trigger",
            .dedup_key = dedup,
            .summary = "disk full on db-1",
            .source = "db-1",
            .severity = "critical"};
  }

  std::string routing_key_, service_id_;
};

TEST_F(EventsClientTest, TriggerAcknowledgeResolveThenTriggerAgainOpensANewIncident) {
  Start({.incidents = 0});
  auto c = Client();
  auto t = c.Send(Trigger("INC-42"));
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->dedup_key, "INC-42");
  EXPECT_EQ(t->attempts, 1);
  ASSERT_EQ(ByKey("INC-42").size(), 1u);
  EXPECT_EQ(ByKey("INC-42")[0].status, "triggered");
  EXPECT_EQ(ByKey("INC-42")[0].title, "disk full on db-1");
  // A second trigger with the same key joins the open incident.
  ASSERT_TRUE(c.Send(Trigger("INC-42")));
  EXPECT_EQ(ByKey("INC-42").size(), 1u);
  ASSERT_TRUE(c.Send(
      AlertEvent{.routing_key = routing_key_, .action = "acknowledge", .dedup_key = "INC-42"}));
  EXPECT_EQ(ByKey("INC-42")[0].status, "acknowledged");
  ASSERT_TRUE(
      c.Send(AlertEvent{.routing_key = routing_key_, .action = "resolve", .dedup_key = "INC-42"}));
  EXPECT_EQ(ByKey("INC-42")[0].status, "resolved");
  ASSERT_TRUE(c.Send(Trigger("INC-42")));
  auto all = ByKey("INC-42");
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].status, "resolved");
  EXPECT_EQ(all[1].status, "triggered");
}

TEST_F(EventsClientTest, ATriggerWithoutKeyGetsPagerDutysKey) {
  Start({.incidents = 0});
  auto t = Client().Send(Trigger(""));
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->dedup_key.size(), 32u);
  EXPECT_EQ(ByKey(t->dedup_key).size(), 1u);
}

TEST_F(EventsClientTest, OverlongFieldsAreTrimmedWithAWarningAndAccepted) {
  Start({.incidents = 0});
  AlertEvent e = Trigger(std::string(300, 'k'));
  // 1,023 ASCII bytes then a 3-byte character: the cut must not split it.
  e.summary = std::string(1023, 's') + "\xE2\x82\xAC" + std::string(100, 't');
  auto t = Client().Send(e);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->dedup_key, std::string(255, 'k'));
  ASSERT_EQ(t->warnings.size(), 2u);
  EXPECT_NE(t->warnings[0].find("dedup_key had 300 bytes"), std::string::npos) << t->warnings[0];
  EXPECT_NE(t->warnings[1].find("summary had 1126 bytes"), std::string::npos) << t->warnings[1];
  auto made = ByKey(std::string(255, 'k'));
  ASSERT_EQ(made.size(), 1u);
  EXPECT_EQ(made[0].title, std::string(1023, 's'));
}

TEST_F(EventsClientTest, InvalidEventsFailBeforeSending) {
  Start({.incidents = 0});
  auto c = Client();
  auto no_key = c.Send(AlertEvent{.routing_key = routing_key_, .action = "resolve"});
  ASSERT_FALSE(no_key);
  EXPECT_EQ(no_key.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(no_key.error().message.find("dedup_key"), std::string::npos);
  auto bad_severity = Trigger("x");
  bad_severity.severity = "fatal";
  EXPECT_FALSE(c.Send(bad_severity));
  EXPECT_FALSE(c.Send(AlertEvent{.routing_key = routing_key_, .action = "snooze"}));
  EXPECT_FALSE(c.Send(ChangeEvent{.routing_key = "R0123", .summary = "deploy"}));
  EXPECT_TRUE(ByKey("x").empty());
}

TEST_F(EventsClientTest, PagerDutysRefusalIsNotRetried) {
  Start({.incidents = 0});
  AlertEvent e = Trigger("k");
  e.routing_key = std::string(32, 'z');  // no such integration
  auto t = Client().Send(e);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(t.error().message.find("400"), std::string::npos) << t.error().message;
  EXPECT_EQ(clock_.Now(), *ParseTime("2026-06-15T12:00:00Z"));  // no backoff happened
}

TEST_F(EventsClientTest, RateLimitedEventsAreRetriedUntilAccepted) {
  Start({.incidents = 0, .rate_limit = true});
  auto c = Client();
  int first_retry = -1;
  for (int i = 0; i < 130 && first_retry < 0; ++i) {
    auto t = c.Send(Trigger("burst-" + std::to_string(i)));
    ASSERT_TRUE(t) << i << ": " << t.error().message;
    if (t->attempts > 1) first_retry = i;
  }
  // The simulator takes about 120 events a minute per routing key; the event it throttled
  // was sent again after the client waited, and PagerDuty holds it exactly once.
  ASSERT_GT(first_retry, 100);
  EXPECT_GE(clock_.Now(), *ParseTime("2026-06-15T12:00:30Z"));
  EXPECT_EQ(ByKey("burst-" + std::to_string(first_retry)).size(), 1u);
}

TEST_F(EventsClientTest, ChangeEventsAreAccepted) {
  Start({.incidents = 0});
  auto t = Client().Send(ChangeEvent{.routing_key = routing_key_,
                                     .summary = "deploy api v2.3.1",
                                     .source = "ci",
                                     .timestamp = clock_.Now(),
                                     .custom_details = {{"sha", "abc123"}},
                                     .links = {{"https://ci.example.com/run/1", "CI run"}}});
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_TRUE(t->warnings.empty());
}

// Deploys announced to PagerDuty as change events become im deployments on the next sync,
// once each, on the mapped service, with what custom_details says.
TEST_F(EventsClientTest, ChangeEventsBecomeDeploymentsOnSync) {
  Start({.incidents = 0});
  store::DeploymentStore& deployments = *stores_.deployments;
  ConnectorContext ctx{.store = ctx_->store,
                       .connectors = ctx_->connectors,
                       .http = ctx_->http,
                       .budgets = ctx_->budgets,
                       .waiter = ctx_->waiter,
                       .clock = ctx_->clock,
                       .log = ctx_->log,
                       .schedules = ctx_->schedules,
                       .deployments = &deployments};
  auto sent = Client().Send(ChangeEvent{
      .routing_key = routing_key_,
      .summary = "deploy api v2.3.1",
      .source = "ci",
      .timestamp = *ParseTime("2026-06-15T11:00:00Z"),
      .custom_details = {{"commit_sha", "abc123"}, {"committed_at", "2026-06-15T09:30:00Z"}},
      .links = {{"https://ci.example.com/run/1", "CI run"}}});
  ASSERT_TRUE(sent) << sent.error().message;
  pagerduty::PagerDutyConnector connector(*manager_->Config("pd"), ctx);
  auto r = connector.Sync({});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->deployments, 1);
  auto list = deployments.List({});
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 1u);
  const auto& d = list->front();
  EXPECT_TRUE(d.id.starts_with("pagerduty:")) << d.id;
  EXPECT_EQ(d.triggered_at, *ParseTime("2026-06-15T11:00:00Z"));
  EXPECT_EQ(d.commit_sha, "abc123");
  EXPECT_EQ(d.committed_at, *ParseTime("2026-06-15T09:30:00Z"));
  EXPECT_EQ(d.url, "https://ci.example.com/run/1");
  EXPECT_EQ(d.source, "pagerduty:pd");
  std::string service_name;
  {
    std::lock_guard lock(sim_->state().mu);
    service_name = sim_->state().world.services.front().name;
  }
  EXPECT_EQ(d.service, pagerduty::SanitizeServiceName(service_name));
  auto again = connector.Sync({});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->deployments, 0);
  EXPECT_EQ(deployments.List({})->size(), 1u);
}

}  // namespace
}  // namespace im::connectors::testing

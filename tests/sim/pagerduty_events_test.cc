// Events API v2: dedup-key semantics, validation and the per-routing-key limit.
#include <gtest/gtest.h>

#include "pagerduty_fixture.h"

namespace im::sim::pagerduty {
namespace {

using PagerDutyEventsTest = PagerDutyFixture;

std::string Event(const std::string& key, const std::string& action, const std::string& dedup) {
  std::string e = R"({"routing_key":")" + key + R"(","event_action":")" + action + "\"";
  if (!dedup.empty()) e += R"(,"dedup_key":")" + dedup + "\"";
  if (action == "trigger") {
    e += R"(,"payload":{"summary":"db down","source":"db1","severity":"critical"})";
  }
  return e + "}";
}

TEST_F(PagerDutyEventsTest, DedupKeyGroupsUntilResolvedThenOpensANewIncident) {
  auto enqueue = [&](const std::string& action) {
    return testing::Call(router_, "POST", "/v2/enqueue", {}, Event(RoutingKey(), action, "db1"));
  };
  size_t before = sim_->state().world.incidents.size();
  auto first = enqueue("trigger");
  ASSERT_EQ(first.status, 202) << first.body;
  auto body = Body(first);
  EXPECT_EQ(body.at("status").as_string(), "success");
  EXPECT_EQ(body.at("message").as_string(), "Event processed");
  EXPECT_EQ(body.at("dedup_key").as_string(), "db1");
  EXPECT_EQ(enqueue("trigger").status, 202);
  EXPECT_EQ(sim_->state().world.incidents.size(), before + 1);  // deduplicated
  EXPECT_EQ(enqueue("acknowledge").status, 202);
  EXPECT_EQ(sim_->state().world.incidents.back().status, "acknowledged");
  EXPECT_EQ(enqueue("resolve").status, 202);
  EXPECT_EQ(sim_->state().world.incidents.back().status, "resolved");
  EXPECT_EQ(enqueue("resolve").status, 202);  // no open alert: accepted, dropped
  EXPECT_EQ(enqueue("trigger").status, 202);
  EXPECT_EQ(sim_->state().world.incidents.size(), before + 2);
  EXPECT_EQ(sim_->state().world.incidents.back().status, "triggered");
}

TEST_F(PagerDutyEventsTest, TriggerWithoutDedupKeyGetsOne) {
  auto res = testing::Call(router_, "POST", "/v2/enqueue", {}, Event(RoutingKey(), "trigger", ""));
  ASSERT_EQ(res.status, 202);
  EXPECT_FALSE(Body(res).at("dedup_key").as_string().empty());
}

TEST_F(PagerDutyEventsTest, InvalidEventsAre400) {
  EXPECT_EQ(testing::Call(router_, "POST", "/v2/enqueue", {}, Event("bad", "trigger", "")).status,
            400);
  EXPECT_EQ(
      testing::Call(router_, "POST", "/v2/enqueue", {}, Event(RoutingKey(), "resolve", "")).status,
      400);
  auto junk = testing::Call(router_, "POST", "/v2/enqueue", {}, "{nope");
  EXPECT_EQ(junk.status, 400);
  EXPECT_EQ(Body(junk).at("status").as_string(), "Unrecognized object");
  auto change = testing::Call(router_, "POST", "/v2/change/enqueue", {},
                              R"({"routing_key":")" + RoutingKey() +
                                  R"(","payload":{"summary":"deploy v2","source":"ci"}})");
  EXPECT_EQ(change.status, 202);
}

TEST_F(PagerDutyEventsTest, About120EventsPerMinutePerRoutingKey) {
  for (int i = 0; i < 120; ++i) {
    ASSERT_EQ(testing::Call(router_, "POST", "/v2/enqueue", {},
                            Event(RoutingKey(), "trigger", "k" + std::to_string(i)))
                  .status,
              202)
        << i;
  }
  EXPECT_EQ(
      testing::Call(router_, "POST", "/v2/enqueue", {}, Event(RoutingKey(), "trigger", "x")).status,
      429);
  EXPECT_EQ(testing::Call(router_, "POST", "/v2/enqueue", {}, Event(RoutingKey(1), "trigger", "x"))
                .status,
            202);
  clock_.Advance(std::chrono::seconds(1));  // two more tokens
  EXPECT_EQ(
      testing::Call(router_, "POST", "/v2/enqueue", {}, Event(RoutingKey(), "trigger", "y")).status,
      202);
}

TEST_F(PagerDutyEventsTest, ChangeEventsAreListedOnTheRestApi) {
  auto sent = testing::Call(
      router_, "POST", "/v2/change/enqueue", {},
      R"({"routing_key":")" + RoutingKey() +
          R"(","payload":{"summary":"deploy api v2","source":"ci","timestamp":"2026-06-15T11:00:00Z",)"
          R"("custom_details":{"commit_sha":"abc123"}},"links":[{"href":"https://ci/1","text":"run"}]})");
  ASSERT_EQ(sent.status, 202) << sent.body;
  auto listed = Get("/change_events?since=2026-06-15T00:00:00Z&until=2026-06-16T00:00:00Z");
  ASSERT_EQ(listed.status, 200) << listed.body;
  auto body = json::Parse(listed.body);
  ASSERT_TRUE(body);
  const auto& events = body->at("change_events").as_array();
  ASSERT_EQ(events.size(), 1u);
  const auto& ce = events[0].as_object();
  EXPECT_EQ(ce.at("type").as_string(), "change_event");
  EXPECT_EQ(ce.at("summary").as_string(), "deploy api v2");
  EXPECT_EQ(ce.at("timestamp").as_string(), "2026-06-15T11:00:00Z");
  EXPECT_EQ(ce.at("custom_details").at("commit_sha").as_string(), "abc123");
  EXPECT_EQ(ce.at("links").at(0).at("href").as_string(), "https://ci/1");
  EXPECT_EQ(ce.at("services").at(0).at("type").as_string(), "service_reference");
  std::string id(ce.at("id").as_string());
  EXPECT_EQ(Get("/change_events/" + id).status, 200);
  // Outside the window, and a time that is not UTC (the spec: 400).
  auto later = json::Parse(Get("/change_events?since=2026-06-15T12:00:00Z").body);
  EXPECT_TRUE(later->at("change_events").as_array().empty());
  EXPECT_EQ(Get("/change_events?since=2026-06-15T12:00:00%2B02:00").status, 400);
  EXPECT_EQ(Get("/change_events").status, 200);
  EXPECT_EQ(Get("/change_events", "").status, 401);
}

}  // namespace
}  // namespace im::sim::pagerduty

// What every Opsgenie answer carries, whatever the route: X-RateLimit-State (OK, or THROTTLED
// with its reason and period), throttling by 429 or by holding the request, measured `took` and
// X-Response-Time, X-Request-ID equal to the body's requestId, request statuses that say
// "RequestNotProcessed", trailing-slash paths, and Opsgenie's error body on 404 and 405.
#include <set>

#include "opsgenie_fixture.h"

namespace im::sim::opsgenie {
namespace {

TEST_F(OpsgenieTest, EveryAnswerCarriesTheRateLimitState) {
  auto ok = Call("GET", "/v2/alerts");
  ASSERT_EQ(ok.status, 200);
  EXPECT_EQ(ok.Header("X-RateLimit-State").value_or(""), "OK");
  EXPECT_FALSE(ok.Header("X-RateLimit-Reason"));
  EXPECT_FALSE(ok.Header("X-RateLimit-Period-In-Sec"));
  for (const auto& res : {Call("GET", "/v2/alerts", "", "wrong"), Call("GET", "/v2/alerts/nope"),
                          Call("POST", "/v2/alerts", R"({"message":"x"})"),
                          Call("GET", "/v2/no-such-thing"), Call("GET", "/v2/schedules")}) {
    EXPECT_EQ(res.Header("X-RateLimit-State").value_or(""), "OK") << res.status << res.body;
  }
}

TEST_F(OpsgenieTest, ThrottleByDelayHoldsTheRequestUntilItsBucketAllowsIt) {
  SetKnobs([](Knobs& k) { k.throttle_by_delay = true; });
  // Search: 15 per second. The 16th is held 1/15 s instead of refused.
  for (int i = 0; i < 15; ++i) {
    auto res = Call("GET", "/v2/alerts?limit=1");
    ASSERT_EQ(res.status, 200);
    EXPECT_EQ(res.Header("X-RateLimit-State").value_or(""), "OK");
  }
  EXPECT_EQ(slept_.count(), 0);
  auto held = Call("GET", "/v2/alerts?limit=1");
  ASSERT_EQ(held.status, 200) << held.body;
  EXPECT_EQ(held.Header("X-RateLimit-State").value_or(""), "THROTTLED");
  EXPECT_EQ(held.Header("X-RateLimit-Reason").value_or(""), "ACCOUNT");
  EXPECT_EQ(held.Header("X-RateLimit-Period-In-Sec").value_or(""), "1");
  EXPECT_EQ(slept_.count(), 67);
  EXPECT_EQ(held.Header("X-Response-Time").value_or(""), "0.067");
  EXPECT_NE(held.body.find("\"took\":0.067"), std::string::npos) << held.body;
  // Sustained at the per-second rate, the per-minute bucket (300, +5/s) runs dry and holds
  // each request 1/5 s.
  std::string period;
  int calls = 0;
  for (; calls < 2000 && period != "60"; ++calls) {
    period = Call("GET", "/v2/alerts?limit=1").Header("X-RateLimit-Period-In-Sec").value_or("");
  }
  EXPECT_EQ(period, "60");
  auto before = slept_;
  auto slow = Call("GET", "/v2/alerts?limit=1");
  EXPECT_EQ(slow.status, 200);
  EXPECT_EQ((slept_ - before).count(), 200);
  EXPECT_EQ(Call("GET", "/v2/teams").Header("X-RateLimit-State").value_or(""), "OK");
}

TEST_F(OpsgenieTest, RequestStatusIsNotProcessedUntilTheRequestIs) {
  SetKnobs([](Knobs& k) { k.async_delay_ms = 2000; });
  auto accepted = Call("POST", "/v2/alerts", R"({"message":"Later"})");
  ASSERT_EQ(accepted.status, 202);
  std::string id = Str(Body(accepted).at("requestId"));
  auto pending = Call("GET", "/v2/alerts/requests/" + id);
  EXPECT_EQ(pending.status, 404);
  EXPECT_EQ(pending.Header("X-Opsgenie-Errortype").value_or(""), "RequestNotProcessed");
  clock_.Advance(std::chrono::seconds(2));
  auto done = Call("GET", "/v2/alerts/requests/" + id);
  EXPECT_EQ(done.status, 200);
  EXPECT_FALSE(done.Header("X-Opsgenie-Errortype"));
  // The incident domain: an alert's request id is not an incident request.
  auto incident = Call("GET", "/v1/incidents/requests/" + id);
  EXPECT_EQ(incident.status, 404);
  EXPECT_EQ(incident.Header("X-Opsgenie-Errortype").value_or(""), "RequestNotProcessed");
}

TEST_F(OpsgenieTest, EveryRouteIsAlsoServedWithATrailingSlash) {
  std::set<std::pair<std::string, std::string>> routes;
  for (const auto& r : router_.routes()) routes.insert({r.method, r.pattern});
  int api_routes = 0;
  for (const auto& [method, pattern] : routes) {
    if (!pattern.starts_with("/v1/") && !pattern.starts_with("/v2/")) continue;
    if (pattern.ends_with("/")) continue;
    ++api_routes;
    EXPECT_TRUE(routes.contains({method, pattern + "/"})) << method << " " << pattern;
  }
  EXPECT_GT(api_routes, 30);
  // The paths the official Node SDK sends.
  EXPECT_EQ(Call("GET", "/v2/alerts/").status, 200);
  EXPECT_EQ(Call("GET", "/v2/users/").status, 200);
  auto created = Call("POST", "/v2/alerts/", R"({"message":"Slash","alias":"slash"})");
  EXPECT_EQ(created.status, 202);
  EXPECT_EQ(Call("POST", "/v2/alerts/slash/close/?identifierType=alias", "{}").status, 202);
  EXPECT_EQ(
      Str(Body(Call("GET", "/v2/alerts/slash/?identifierType=alias")).at("data").at("status")),
      "closed");
}

TEST_F(OpsgenieTest, UnknownPathsAndWrongMethodsAnswerOpsgenieErrorBodies) {
  for (const auto& [method, target, status] : {std::tuple{"GET", "/v2/nothing", 404},
                                               {"GET", "/v3/alerts/a/b/c/d/", 404},
                                               {"POST", "/v2/alerts/x/teleport", 404},
                                               {"PUT", "/v2/alerts", 405},
                                               {"GET", "/v2/alerts/x/close", 405},
                                               {"PATCH", "/v2/users/", 405}}) {
    auto res = Call(method, target);
    EXPECT_EQ(res.status, status) << method << " " << target;
    EXPECT_EQ(res.content_type, "application/json");
    auto body = Body(res);
    EXPECT_TRUE(body.contains("message") && body.contains("took")) << res.body;
    EXPECT_EQ(Str(body.at("requestId")), res.Header("X-Request-ID").value_or("")) << target;
  }
}

TEST_F(OpsgenieTest, TookAndResponseTimeAreMeasuredAndRequestIdsMatch) {
  SetKnobs([](Knobs& k) { k.latency_ms = 250; });
  auto slow = Call("GET", "/v2/alerts?limit=1");
  ASSERT_EQ(slow.status, 200);
  EXPECT_EQ(slow.Header("X-Response-Time").value_or(""), "0.250");
  EXPECT_NE(slow.body.find("\"took\":0.250"), std::string::npos) << slow.body.substr(0, 200);
  SetKnobs([](Knobs& k) {
    k.latency_ms = 0;
    k.burst_429 = 1;
  });
  std::set<std::string> ids;
  for (const auto& res :
       {Call("GET", "/v2/alerts?limit=1"), Call("GET", "/v2/alerts?limit=1"),
        Call("POST", "/v2/alerts", R"({"message":"x"})"), Call("GET", "/v2/alerts", "", "wrong"),
        Call("GET", "/v2/alerts/missing"), Call("GET", "/v2/alerts?limit=0")}) {
    auto body = Body(res);
    std::string id = Str(body.at("requestId"));
    EXPECT_EQ(res.Header("X-Request-ID").value_or(""), id) << res.status;
    EXPECT_TRUE(body.at("took").is_double() || body.at("took").is_int64()) << res.body;
    EXPECT_EQ(res.Header("X-Response-Time").value_or(""), "0.000");
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 6u);  // 429, 200, 202, 401, 404, 422: each its own id
}

}  // namespace
}  // namespace im::sim::opsgenie

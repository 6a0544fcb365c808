// Webhooks v3 from the PagerDuty simulator to a real loopback receiver: signatures (two during
// secret rotation), X-Webhook-Id, and the envelope.
#include <gtest/gtest.h>

#include <mutex>

#include "common/webhook_signature.h"
#include "fakes/fake_clock.h"
#include "http/server.h"
#include "net/curl_http_client.h"
#include "sim/pagerduty/simulator.h"
#include "sim_test_util.h"

namespace im::sim::pagerduty {
namespace {

TEST(PagerDutyWebhookTest, DeliversSignedEventsToTheReceiver) {
  std::mutex mu;
  std::vector<net::HttpRequest> received;
  http::Router receiver;
  receiver.Add("POST", "/hook", [&](const net::HttpRequest& req) {
    std::lock_guard lock(mu);
    received.push_back(req);
    net::HttpResponse res;
    res.status = 202;
    return res;
  });
  http::Server server({.host = "127.0.0.1", .port = 0}, receiver, nullptr);
  ASSERT_TRUE(server.Start());

  im::testing::FakeClock clock(Time(std::chrono::seconds(1'780'000'000)));
  net::CurlHttpClient client;
  SimulatorOptions o;
  o.incidents = 10;
  o.webhook = {"http://127.0.0.1:" + std::to_string(server.port()) + "/hook", {"old", "new"}};
  Simulator sim(o, clock, client, nullptr);
  http::Router router;
  sim.Register(router);

  auto scenario = testing::Call(router, "POST", "/_sim/scenarios/trigger", {},
                                R"({"count":3,"over_seconds":0})");
  ASSERT_EQ(scenario.status, 200) << scenario.body;
  EXPECT_EQ(sim.webhooks().RunDue(), 3u);  // synchronous: delivered when it returns

  std::lock_guard lock(mu);
  ASSERT_EQ(received.size(), 3u);
  std::set<std::string> ids;
  for (const auto& req : received) {
    std::string sig(req.Header("X-PagerDuty-Signature").value_or(""));
    EXPECT_EQ(std::count(sig.begin(), sig.end(), ','), 1) << sig;  // one per secret
    EXPECT_TRUE(VerifyPagerDutySignature(sig, {"old"}, req.body));
    EXPECT_TRUE(VerifyPagerDutySignature(sig, {"new"}, req.body));
    EXPECT_FALSE(VerifyPagerDutySignature(sig, {"other"}, req.body));
    ids.insert(std::string(req.Header("X-Webhook-Id").value_or("")));
    auto body = json::Parse(req.body);
    ASSERT_TRUE(body);
    const auto& event = body->at("event");
    EXPECT_EQ(event.at("event_type").as_string(), "incident.triggered");
    EXPECT_EQ(event.at("resource_type").as_string(), "incident");
    EXPECT_EQ(event.at("data").at("type").as_string(), "incident");
    EXPECT_EQ(event.at("data").at("status").as_string(), "triggered");
  }
  EXPECT_EQ(ids.size(), 3u);
  auto deliveries = testing::Call(router, "GET", "/_sim/webhooks");
  EXPECT_NE(deliveries.body.find("\"delivered\":3"), std::string::npos) << deliveries.body;
  server.Stop();
}

}  // namespace
}  // namespace im::sim::pagerduty

// An Opsgenie simulator on a FakeClock with its routes on a router, called in-process; time the
// simulator holds a request (latency, throttling delay) advances the clock.
#pragma once

#include <gtest/gtest.h>

#include <functional>

#include "common/json.h"
#include "common/time.h"
#include "fakes/fake_clock.h"
#include "sim/opsgenie/simulator.h"
#include "sim_test_util.h"

namespace im::sim::opsgenie {

class OpsgenieTest : public ::testing::Test {
 public:
  OpsgenieTest() : OpsgenieTest(Options()) {}
  explicit OpsgenieTest(SimulatorOptions o) {
    // Held requests (latency, throttling delay) move the fake clock, as they would the real one.
    sim_ = std::make_unique<Simulator>(o, clock_, client_, [this](std::chrono::milliseconds d) {
      slept_ += d;
      clock_.Advance(d);
    });
    sim_->Register(router_);
  }
  static SimulatorOptions Options() {
    SimulatorOptions o;
    o.seed = 9;
    o.incidents = 300;
    o.api_keys = {{"og-key", false}, {"og-ro", true}};
    o.webhook = {"http://receiver/hook", {"s3cret"}};
    return o;
  }
  void SetKnobs(const std::function<void(Knobs&)>& change) {
    Knobs k = sim_->knobs().Get();
    change(k);
    sim_->knobs().Set(k);
  }
  net::HttpResponse Call(const std::string& method, const std::string& target,
                         const std::string& body = "", const std::string& key = "og-key",
                         const std::string& remote = "") {
    return testing::Call(router_, method, target,
                         {{"Authorization", "GenieKey " + key}, {"Host", "api.eu.opsgenie.com"}},
                         body, remote);
  }
  static json::object Body(const net::HttpResponse& res) {
    auto v = json::Parse(res.body);
    EXPECT_TRUE(v && v->is_object()) << res.body;
    return v && v->is_object() ? v->as_object() : json::object{};
  }
  static std::string Str(const json::value& v) { return std::string(v.as_string()); }
  // POSTs and returns the request id of the 202.
  std::string Accepted(const std::string& target, const std::string& body) {
    auto res = Call("POST", target, body);
    EXPECT_EQ(res.status, 202) << res.body;
    auto b = Body(res);
    EXPECT_EQ(Str(b.at("result")), "Request will be processed");
    return Str(b.at("requestId"));
  }
  json::object RequestStatus(const std::string& id, const std::string& domain = "v2/alerts") {
    auto res = Call("GET", "/" + domain + "/requests/" + id);
    EXPECT_EQ(res.status, 200) << res.body;
    return Body(res).at("data").as_object();
  }

  im::testing::FakeClock clock_{*ParseTime("2026-06-15T12:00:00Z")};
  testing::RecordingClient client_;
  http::Router router_;
  std::chrono::milliseconds slept_{0};
  std::unique_ptr<Simulator> sim_;
};

}  // namespace im::sim::opsgenie

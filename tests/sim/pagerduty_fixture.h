// A PagerDuty simulator on a FakeClock with its routes on a router, called in-process.
#pragma once

#include <gtest/gtest.h>

#include <deque>

#include "common/json.h"
#include "common/time.h"
#include "fakes/fake_clock.h"
#include "sim/pagerduty/simulator.h"
#include "sim_test_util.h"

namespace im::sim::pagerduty {

using RecordingClient = testing::RecordingClient;

class PagerDutyFixture : public ::testing::Test {
 public:
  static constexpr char kKey[] = "y_NbAkKc66ryYTWUXYEu";
  static constexpr char kReadOnly[] = "read0nly";

  PagerDutyFixture() {
    SimulatorOptions o;
    o.seed = 42;
    o.incidents = 300;
    o.days = 90;
    o.api_keys = {{kKey, false}, {kReadOnly, true}};
    o.webhook = {"http://receiver/hook", {"secret-1"}};
    sim_ = std::make_unique<Simulator>(o, clock_, client_, nullptr);
    sim_->Register(router_);
  }

  net::HttpResponse Get(const std::string& target, const std::string& key = kKey) {
    return testing::Call(router_, "GET", target, {{"Authorization", "Token token=" + key}});
  }
  net::HttpResponse Send(const std::string& method, const std::string& target,
                         const std::string& body, const std::string& from = "",
                         const std::string& key = kKey) {
    net::Headers h{{"Authorization", "Token token=" + key}};
    if (!from.empty()) h.emplace_back("From", from);
    return testing::Call(router_, method, target, h, body);
  }
  static json::object Body(const net::HttpResponse& res) {
    auto v = json::Parse(res.body);
    EXPECT_TRUE(v && v->is_object()) << res.body;
    return v && v->is_object() ? v->as_object() : json::object{};
  }
  std::string UserEmail() {
    std::lock_guard lock(sim_->state().mu);
    return sim_->state().world.users[1].email;
  }
  std::string ServiceId(size_t i = 0) {
    std::lock_guard lock(sim_->state().mu);
    return sim_->state().world.services[i].id;
  }
  std::string RoutingKey(size_t i = 0) {
    std::lock_guard lock(sim_->state().mu);
    return sim_->state().world.services[i].integration_key;
  }

  im::testing::FakeClock clock_{*ParseTime("2026-06-15T12:00:00Z")};
  RecordingClient client_;
  http::Router router_;
  std::unique_ptr<Simulator> sim_;
};

}  // namespace im::sim::pagerduty

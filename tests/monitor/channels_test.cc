// The PagerDuty channel through the durable outbox, against the PagerDuty simulator on a real
// loopback server: payload, dedup key across a rename, retries, refusals and ordering.
#include "monitor/channels/channels.h"

#include <gtest/gtest.h>

#include "monitor/channels/pagerduty_channel.h"
#include "monitor_fixture.h"

namespace im::monitor {
namespace {

class ChannelsTest : public testing::MonitorFixture {
 protected:
  int64_t AddPagedMonitor(json::object channel_extra = {}) {
    AddPagerDutyChannel("pd", std::move(channel_extra));
    return AddMonitor(json::object{{"name", "web"},
                                   {"url", "https://shop.example.com/health"},
                                   {"service", "checkout"},
                                   {"channels", json::array{"pd"}},
                                   {"region", "eu-west"},
                                   {"failure_threshold", 1},
                                   {"recovery_threshold", 1}});
  }
  connectors::OutboxReport Flush() {
    auto ch = monitor_store_->GetChannel("pd");
    EXPECT_TRUE(ch);
    auto r = outbox_->Flush(*ch);
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : connectors::OutboxReport{};
  }
  // The Events API requests the simulator received, as JSON.
  std::vector<json::object> Events() {
    std::vector<json::object> out;
    for (const auto& r : sim_->log().Since(0)) {
      if (r.target != "/v2/enqueue") continue;
      auto v = json::Parse(r.body);
      if (v && v->is_object()) out.push_back(v->as_object());
    }
    return out;
  }
};

TEST_F(ChannelsTest, TriggerCarriesTheFullPayloadAndResolveFollowsOnRecovery) {
  int64_t id = AddPagedMonitor();
  auto opened = Check(id, false, "HTTP 503");
  ASSERT_EQ(opened.queued, 1);
  EXPECT_EQ(Flush().sent, 1);
  auto events = Events();
  ASSERT_EQ(events.size(), 1u);
  const auto& e = events[0];
  EXPECT_EQ(e.at("event_action").as_string(), "trigger");
  EXPECT_EQ(e.at("dedup_key").as_string(), DedupKey(id));
  EXPECT_EQ(e.at("client").as_string(), "im");
  EXPECT_EQ(e.at("client_url").as_string(), "https://im.example.com/incidents/INC-1");
  const auto& p = e.at("payload").as_object();
  EXPECT_EQ(p.at("summary").as_string(), "web is down: HTTP 503");
  EXPECT_EQ(p.at("source").as_string(), "shop.example.com");
  EXPECT_EQ(p.at("severity").as_string(), "error");  // SEV-2
  EXPECT_EQ(p.at("component").as_string(), "checkout");
  EXPECT_EQ(p.at("group").as_string(), "eu-west");
  EXPECT_EQ(p.at("class").as_string(), "http check");
  EXPECT_EQ(p.at("timestamp").as_string(), FormatTime(clock_.Now()));
  const auto& d = p.at("custom_details").as_object();
  for (const char* f : {"monitor", "url", "status", "response_time_ms", "outage_duration", "region",
                        "error", "im_link"}) {
    EXPECT_TRUE(d.contains(f)) << f;
  }
  EXPECT_EQ(d.at("response_time_ms").as_int64(), 42);
  EXPECT_EQ(e.at("links").as_array().size(), 2u);
  ASSERT_EQ(SimIncidents(DedupKey(id)).size(), 1u);
  EXPECT_EQ(SimIncidents(DedupKey(id))[0].status, "triggered");

  Check(id, true);
  EXPECT_EQ(Flush().sent, 1);
  EXPECT_EQ(Events().back().at("event_action").as_string(), "resolve");
  EXPECT_EQ(SimIncidents(DedupKey(id))[0].status, "resolved");
}

TEST_F(ChannelsTest, AMonitorRenamedMidOutageStillResolvesItsAlert) {
  int64_t id = AddPagedMonitor();
  Check(id, false);
  Flush();
  ASSERT_TRUE(monitors_->Edit("web", json::object{{"name", "storefront"}}));
  Check(id, true);
  Flush();
  auto incidents = SimIncidents(DedupKey(id));
  ASSERT_EQ(incidents.size(), 1u);
  EXPECT_EQ(incidents[0].status, "resolved");
}

TEST_F(ChannelsTest, A429IsRetriedAbout30SecondsLaterWithTheSameDedupKey) {
  int64_t id = AddPagedMonitor();
  Check(id, false);
  sim::Knobs k;
  k.burst_429 = 1;
  sim_->knobs().Set(k);
  auto first = Flush();
  EXPECT_EQ(first.sent, 0);
  EXPECT_EQ(first.retrying, 1);
  clock_.Advance(std::chrono::seconds(29));
  EXPECT_EQ(Flush().sent, 0);  // not due yet
  clock_.Advance(std::chrono::seconds(1));
  EXPECT_EQ(Flush().sent, 1);
  auto events = Events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].at("dedup_key"), events[1].at("dedup_key"));
  EXPECT_EQ(SimIncidents(DedupKey(id)).size(), 1u);
}

TEST_F(ChannelsTest, A400IsParkedNotRetriedAndShownInTheChannelsHealth) {
  auto added = channels_->Add(
      "pagerduty", "pd",
      json::object{{"integration_key", std::string(32, 'x')}, {"events_url", SimUrl()}});
  ASSERT_TRUE(added);
  int64_t id = AddMonitor(json::object{{"name", "web"},
                                       {"url", "https://shop.example.com/"},
                                       {"channels", json::array{"pd"}},
                                       {"failure_threshold", 1}});
  Check(id, false);
  auto r = Flush();
  EXPECT_EQ(r.parked, 1);
  clock_.Advance(std::chrono::hours(1));
  EXPECT_EQ(Flush().sent, 0);
  EXPECT_EQ(Events().size(), 1u);  // tried once
  auto list = channels_->List();
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_TRUE((*list)[0].health.failing);
  EXPECT_EQ((*list)[0].health.parked, 1);
  EXPECT_NE((*list)[0].health.last_error.find("HTTP 400"), std::string::npos)
      << (*list)[0].health.last_error;
  EXPECT_EQ((*list)[0].config.at("integration_key").as_string(), "****xxxx");
}

TEST_F(ChannelsTest, AResolveNeverOvertakesItsTrigger) {
  int64_t id = AddPagedMonitor();
  Check(id, false);
  sim::Knobs down;
  down.error_rate = 1.0;
  sim_->knobs().Set(down);
  EXPECT_EQ(Flush().retrying, 1);
  Check(id, true);  // the resolve is queued behind the trigger that keeps failing
  clock_.Advance(std::chrono::seconds(30));
  auto r = Flush();
  EXPECT_EQ(r.sent, 0);
  EXPECT_EQ(r.retrying, 1);  // only the trigger was tried
  sim_->knobs().Set(sim::Knobs{.rate_limit = false});
  clock_.Advance(std::chrono::seconds(30));
  EXPECT_EQ(Flush().sent, 2);
  auto events = Events();
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(events[events.size() - 2].at("event_action").as_string(), "trigger");
  EXPECT_EQ(events.back().at("event_action").as_string(), "resolve");
  ASSERT_EQ(SimIncidents(DedupKey(id)).size(), 1u);
  EXPECT_EQ(SimIncidents(DedupKey(id))[0].status, "resolved");
}

TEST_F(ChannelsTest, AutoResolveOffLeavesTheAlertOpen) {
  int64_t id = AddPagedMonitor(json::object{{"auto_resolve", false}});
  Check(id, false);
  Flush();
  Check(id, true);
  auto r = Flush();
  EXPECT_EQ(r.skipped, 1);
  EXPECT_EQ(SimIncidents(DedupKey(id))[0].status, "triggered");
}

TEST_F(ChannelsTest, ChannelTestSendsATriggerAndItsResolve) {
  AddPagerDutyChannel("pd");
  auto r = channels_->Test("pd");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->ok) << r->trigger << " / " << r->resolve;
  auto incidents = SimIncidents(r->dedup_key);
  ASSERT_EQ(incidents.size(), 1u);
  EXPECT_EQ(incidents[0].status, "resolved");
}

TEST_F(ChannelsTest, BadChannelConfigIsRefusedNamingTheFieldAndNothingIsStored) {
  auto r = channels_->Add("pagerduty", "pd", json::object{{"integration_key", "short"}});
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().message.starts_with("integration_key")) << r.error().message;
  auto t = channels_->Add("carrier-pigeon", "pd", json::object{});
  ASSERT_FALSE(t);
  EXPECT_TRUE(t.error().message.starts_with("type")) << t.error().message;
  EXPECT_TRUE(monitor_store_->ListChannels()->empty());
}

TEST_F(ChannelsTest, AChannelAMonitorPagesCannotBeRemoved) {
  AddPagedMonitor();
  auto r = channels_->Remove("pd");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("monitor web"), std::string::npos) << r.error().message;
  ASSERT_TRUE(monitors_->Remove("web"));
  EXPECT_TRUE(channels_->Remove("pd"));
}

}  // namespace
}  // namespace im::monitor

namespace im::monitor {
namespace {

TEST_F(ChannelsTest, TheIntegrationKeyIsSealedAtRest) {
  AddPagerDutyChannel("pd");
  auto stored = monitor_store_->GetChannel("pd");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->config.find(RoutingKey()), std::string::npos) << stored->config;
  EXPECT_NE(stored->config.find("sb1:"), std::string::npos) << stored->config;
  auto r = channels_->Test("pd");  // unsealed to send
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->ok) << r->trigger;
}

}  // namespace
}  // namespace im::monitor

namespace im::monitor {
namespace {

TEST_F(ChannelsTest, RemovingAMonitorMidOutageResolvesItsAlert) {
  int64_t id = AddPagedMonitor();
  Check(id, false);
  Flush();
  ASSERT_EQ(SimIncidents(DedupKey(id))[0].status, "triggered");
  ASSERT_TRUE(monitors_->Remove("web"));
  EXPECT_EQ(Flush().sent, 1);
  EXPECT_EQ(SimIncidents(DedupKey(id))[0].status, "resolved");
}

}  // namespace
}  // namespace im::monitor

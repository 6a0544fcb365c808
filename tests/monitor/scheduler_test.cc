// The scheduler on a fake clock: a due monitor is checked by a worker and recorded, and the
// next check waits for the monitor's interval on that clock.
#include "monitor/scheduler.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fakes/deadline.h"
#include "fakes/ports.h"
#include "monitor_fixture.h"

namespace im::monitor {
namespace {

TEST(NextDueTest, OneIntervalAfterTheLastCheckOrNow) {
  const Time now = *ParseTime("2026-12-04T12:00:00Z");
  EXPECT_EQ(NextDue(std::nullopt, std::chrono::seconds(60), now), now);
  EXPECT_EQ(NextDue(now - std::chrono::seconds(20), std::chrono::seconds(60), now),
            now + std::chrono::seconds(40));
  EXPECT_EQ(NextDue(now - std::chrono::minutes(5), std::chrono::seconds(60), now), now);
}

using SchedulerTest = testing::MonitorFixture;

TEST_F(SchedulerTest, ChecksDueMonitorsOnTheirIntervalAndSkipsPausedOnes) {
  im::testing::LoopbackSocket listener;
  ASSERT_TRUE(listener.ok());
  const std::string target = listener.address();
  int64_t id = AddMonitor(
      json::object{{"name", "db"}, {"type", "tcp"}, {"target", target}, {"interval", "30s"}});
  AddMonitor(json::object{{"name", "off"}, {"type", "tcp"}, {"target", target}, {"paused", true}});
  Scheduler scheduler(*monitors_, *outbox_, clock_, spdlog::default_logger(),
                      {.workers = 2,
                       .reload_every = std::chrono::seconds(5),
                       .tick = std::chrono::milliseconds(20)});
  scheduler.Start();
  auto checks = [&] { return monitor_store_->Checks(id, Time{})->size(); };
  ASSERT_TRUE(im::testing::PollUntil([&] { return checks() == 1; }));
  EXPECT_EQ(monitor_store_->GetMonitor(id)->last_check_at, clock_.Now());
  clock_.Advance(std::chrono::seconds(29));
  // Not due for another second of fake time: two more planner passes start nothing.
  auto passes = scheduler.stats().planner_passes;
  ASSERT_TRUE(
      im::testing::PollUntil([&] { return scheduler.stats().planner_passes >= passes + 2; }));
  EXPECT_EQ(scheduler.stats().checks, 1);
  EXPECT_EQ(checks(), 1u);
  clock_.Advance(std::chrono::seconds(1));
  ASSERT_TRUE(im::testing::PollUntil([&] { return checks() == 2; }));
  scheduler.Stop();
  EXPECT_TRUE(monitor_store_->Checks(monitor_store_->GetMonitorByName("off")->id, Time{})->empty());
  EXPECT_EQ(scheduler.stats().record_errors, 0);
}

TEST_F(SchedulerTest, MonitorsDueTogetherAreSpreadOverTheirInterval) {
  im::testing::LoopbackSocket listener;
  ASSERT_TRUE(listener.ok());
  const std::string target = listener.address();
  for (const char* name : {"a", "b", "c", "d"}) {
    AddMonitor(
        json::object{{"name", name}, {"type", "tcp"}, {"target", target}, {"interval", "60s"}});
  }
  Scheduler scheduler(*monitors_, *outbox_, clock_, spdlog::default_logger(),
                      {.workers = 4, .tick = std::chrono::milliseconds(20)});
  scheduler.Start();
  // One at once, then one every 15 s of fake time, not four at once.
  for (int64_t expected = 1; expected <= 4; ++expected) {
    ASSERT_TRUE(im::testing::PollUntil([&] { return scheduler.stats().checks == expected; }));
    auto passes = scheduler.stats().planner_passes;
    ASSERT_TRUE(
        im::testing::PollUntil([&] { return scheduler.stats().planner_passes >= passes + 2; }));
    EXPECT_EQ(scheduler.stats().checks, expected);
    clock_.Advance(std::chrono::seconds(15));
  }
  scheduler.Stop();
  EXPECT_LE(scheduler.stats().max_lateness, std::chrono::seconds(1));
}

}  // namespace
}  // namespace im::monitor

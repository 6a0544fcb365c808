#include "app/jobs.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <future>

#include "common/time.h"
#include "fakes/deadline.h"
#include "fakes/fake_clock.h"
#include "fakes/temp_dir.h"
#include "store/open.h"

namespace im::app {
namespace {

using namespace std::chrono_literals;

TEST(RendezvousOwnerTest, OnlyTheKeysOfAnInstanceThatJoinsOrLeavesMove) {
  std::vector<std::string> three = {"a:1:x", "b:2:y", "c:3:z"};
  std::vector<std::string> four = {"a:1:x", "b:2:y", "c:3:z", "d:4:w"};
  constexpr int kKeys = 3000;
  std::map<std::string, int> share;
  int moved = 0;
  for (int k = 0; k < kKeys; ++k) {
    std::string before = RendezvousOwner(three, k), after = RendezvousOwner(four, k);
    share[before]++;
    if (before != after) {
      moved++;
      EXPECT_EQ(after, "d:4:w") << k;  // a key moves only to the instance that joined
    }
  }
  for (const auto& [id, n] : share) EXPECT_NEAR(n, kKeys / 3, kKeys / 10) << id;
  EXPECT_NEAR(moved, kKeys / 4, kKeys / 10);
  // One leaves: only its keys move.
  std::vector<std::string> two = {"a:1:x", "c:3:z"};
  for (int k = 0; k < kKeys; ++k) {
    std::string before = RendezvousOwner(three, k);
    if (before != "b:2:y") {
      EXPECT_EQ(RendezvousOwner(two, k), before) << k;
    }
  }
  EXPECT_EQ(RendezvousOwner({}, 7), "");
}

class JobsTest : public ::testing::Test {
 protected:
  store::Stores Open() {
    auto s = store::Open("sqlite:" + dir_.File("im.db"), {}, clock_);
    EXPECT_TRUE(s) << s.error().message;
    return std::move(*s);
  }
  std::shared_ptr<spdlog::logger> log_ =
      std::make_shared<spdlog::logger>("jobs", std::make_shared<spdlog::sinks::null_sink_mt>());
  im::testing::TempDir dir_;
  SystemClock clock_;
};

TEST_F(JobsTest, TwoInstancesNeverRunOneJobAtOnceAndBothRunIt) {
  store::Stores sa = Open(), sb = Open();
  JobsOptions options{.heartbeat = 50ms, .ttl = 5s, .instance_ttl = 1s, .tick = 2ms};
  Jobs a(*sa.jobs, clock_, options, log_), b(*sb.jobs, clock_, options, log_);
  ASSERT_TRUE(a.Start());
  ASSERT_TRUE(b.Start());
  std::atomic<int> inside{0}, overlaps{0}, runs_a{0}, runs_b{0};
  auto job = [&](std::atomic<int>& runs) {
    return [&] {
      if (inside.fetch_add(1) != 0) overlaps++;
      std::this_thread::sleep_for(1ms);  // the work a run does
      inside.fetch_sub(1);
      runs++;
    };
  };
  a.Add({.name = "sla-sweep", .module = "sla", .run = job(runs_a)});
  b.Add({.name = "sla-sweep", .module = "sla", .run = job(runs_b)});
  ASSERT_TRUE(im::testing::PollUntil([&] { return runs_a >= 20 && runs_b >= 20; }));
  a.Stop();
  b.Stop();
  EXPECT_EQ(overlaps, 0);
  EXPECT_EQ(a.RunCounts().at("sla-sweep"), runs_a);
}

TEST_F(JobsTest, AJobWithAnIntervalRunsOncePerIntervalAcrossInstances) {
  store::Stores sa = Open(), sb = Open();
  JobsOptions options{.heartbeat = 50ms, .ttl = 5s, .instance_ttl = 1s, .tick = 2ms};
  Jobs a(*sa.jobs, clock_, options, log_), b(*sb.jobs, clock_, options, log_);
  ASSERT_TRUE(a.Start());
  ASSERT_TRUE(b.Start());
  std::atomic<int> runs{0};
  for (Jobs* j : {&a, &b}) {
    j->Add({.name = "retention", .module = "retention", .every = 1h, .run = [&] { runs++; }});
  }
  ASSERT_TRUE(im::testing::PollUntil([&] { return runs >= 1; }));
  // Both keep looking every 2 ms; the hour has not passed, so nobody runs it again.
  auto looked = std::chrono::steady_clock::now() + 200ms;
  ASSERT_TRUE(im::testing::PollUntil([&] { return std::chrono::steady_clock::now() >= looked; }));
  EXPECT_EQ(runs, 1);
}

TEST_F(JobsTest, AnInstanceBehindTheStoredModuleVersionLeavesItsJobs) {
  store::Stores sa = Open(), sb = Open();
  JobsOptions old_options{.heartbeat = 20ms, .ttl = 5s, .instance_ttl = 1s, .tick = 2ms};
  JobsOptions new_options = old_options;
  new_options.modules["escalation"] = JobModuleVersions().at("escalation") + 1;
  Jobs old_jobs(*sa.jobs, clock_, old_options, log_);
  ASSERT_TRUE(old_jobs.Start());
  std::atomic<int> old_runs{0}, new_runs{0};
  old_jobs.Add({.name = "escalation", .module = "escalation", .run = [&] { old_runs++; }});
  ASSERT_TRUE(im::testing::PollUntil([&] { return old_runs >= 3; }));
  Jobs new_jobs(*sb.jobs, clock_, new_options, log_);
  ASSERT_TRUE(new_jobs.Start());
  new_jobs.Add({.name = "escalation", .module = "escalation", .run = [&] { new_runs++; }});
  // Within a heartbeat the old instance reads the new version and stops running the job.
  ASSERT_TRUE(im::testing::PollUntil([&] { return !old_jobs.Runs("escalation"); }));
  int frozen = old_runs;
  ASSERT_TRUE(im::testing::PollUntil([&] { return new_runs >= 30; }));
  EXPECT_LE(old_runs, frozen + 1);    // a run that had its claim before it read the version
  EXPECT_TRUE(old_jobs.Runs("sla"));  // other modules stay shared
  // Monitor shards: both run module monitors at the stored version, so both share them.
  ASSERT_TRUE(im::testing::PollUntil([&] { return old_jobs.LiveRunning("monitors").size() == 2; }));
}

// A long run (a 90-day import of one connector) keeps its claim past the claim ttl, so no other
// instance starts the same job meanwhile, and never holds up another job (another connector's
// polling), here or on another instance.
TEST_F(JobsTest, ALongRunKeepsItsClaimAndStallsNoOtherJob) {
  store::Stores sa = Open(), sb = Open();
  JobsOptions options{.heartbeat = 20ms, .ttl = 200ms, .instance_ttl = 1s, .tick = 2ms};
  Jobs a(*sa.jobs, clock_, options, log_), b(*sb.jobs, clock_, options, log_);
  ASSERT_TRUE(a.Start());
  ASSERT_TRUE(b.Start());
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<int> import_runs{0}, other_runs{0};
  auto import = [&] {
    import_runs++;
    released.wait();  // the import goes on until the test lets it end
  };
  a.Add({.name = "poll:slow", .module = "connectors", .run = import});
  ASSERT_TRUE(im::testing::PollUntil([&] { return import_runs == 1; }));
  b.Add({.name = "poll:slow", .module = "connectors", .run = import});
  for (Jobs* j : {&a, &b}) {
    j->Add({.name = "poll:other", .module = "connectors", .run = [&] { other_runs++; }});
  }
  // Five claim ttls later the import still holds its claim: b has not started it, and the
  // other connector was polled all along.
  auto later = std::chrono::steady_clock::now() + 5 * options.ttl;
  ASSERT_TRUE(im::testing::PollUntil([&] { return std::chrono::steady_clock::now() >= later; }));
  EXPECT_EQ(import_runs, 1);
  EXPECT_GE(other_runs, 50);
  release.set_value();
  ASSERT_TRUE(im::testing::PollUntil([&] { return import_runs >= 3; }));  // free again
  a.Stop();
  b.Stop();
}

}  // namespace
}  // namespace im::app

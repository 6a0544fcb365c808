#include <atomic>
#include <thread>

#include "common/time.h"
#include "store/stores_contract.h"

namespace im::store::testing {
namespace {

using namespace std::chrono_literals;

const Time kJ0 = *ParseTime("2026-12-04T10:00:00Z");

TEST_P(JobStoreContractTest, AClaimIsHeldUntilItExpiresThenTakenOver) {
  ASSERT_TRUE(s_.jobs);
  JobStore& jobs = *s_.jobs;
  EXPECT_TRUE(*jobs.TryClaim("sla-sweep", "a", kJ0, 30s));
  EXPECT_FALSE(*jobs.TryClaim("sla-sweep", "b", kJ0 + 10s, 30s));
  EXPECT_FALSE(*jobs.TryClaim("sla-sweep", "b", kJ0 + 29s, 30s));
  // Expired: b takes it over without anyone checking whether a is still alive.
  EXPECT_TRUE(*jobs.TryClaim("sla-sweep", "b", kJ0 + 30s, 30s));
  EXPECT_FALSE(*jobs.TryClaim("sla-sweep", "a", kJ0 + 31s, 30s));
  auto claims = jobs.ListClaims();
  ASSERT_TRUE(claims);
  ASSERT_EQ(claims->size(), 1u);
  EXPECT_EQ((*claims)[0].owner, "b");
  EXPECT_EQ((*claims)[0].claimed_at, kJ0 + 30s);
  EXPECT_EQ((*claims)[0].expires_at, kJ0 + 60s);
}

TEST_P(JobStoreContractTest, TheHolderRenewsItsClaim) {
  JobStore& jobs = *s_.jobs;
  ASSERT_TRUE(*jobs.TryClaim("poll:pd", "a", kJ0, 30s));
  // A long import renews every few seconds: the claim never lapses.
  for (int i = 1; i <= 10; ++i) {
    Time now = kJ0 + i * 20s;
    EXPECT_TRUE(*jobs.TryClaim("poll:pd", "a", now, 30s)) << i;
    EXPECT_FALSE(*jobs.TryClaim("poll:pd", "b", now + 29s, 30s)) << i;
  }
  auto claims = jobs.ListClaims();
  ASSERT_TRUE(claims);
  EXPECT_EQ((*claims)[0].claimed_at, kJ0);  // renewed, not taken again
  EXPECT_EQ((*claims)[0].expires_at, kJ0 + 200s + 30s);
}

TEST_P(JobStoreContractTest, ReleaseLetsAnotherTakeItAtOnceAndOnlyTheHolderReleases) {
  JobStore& jobs = *s_.jobs;
  ASSERT_TRUE(*jobs.TryClaim("escalation", "a", kJ0, 30s));
  ASSERT_TRUE(jobs.Release("escalation", "b"));  // not b's: nothing changes
  EXPECT_FALSE(*jobs.TryClaim("escalation", "b", kJ0 + 1s, 30s));
  ASSERT_TRUE(jobs.Release("escalation", "a"));
  EXPECT_TRUE(*jobs.TryClaim("escalation", "b", kJ0 + 1s, 30s));
}

TEST_P(JobStoreContractTest, EveryRunsAJobOncePerIntervalAcrossInstances) {
  JobStore& jobs = *s_.jobs;
  ASSERT_TRUE(*jobs.TryClaim("reconcile:pd", "a", kJ0, 30s, 300s));
  ASSERT_TRUE(jobs.Release("reconcile:pd", "a", kJ0 + 5s));
  // Finished at +5 s: nobody runs it again before +305 s.
  EXPECT_FALSE(*jobs.TryClaim("reconcile:pd", "b", kJ0 + 10s, 30s, 300s));
  EXPECT_FALSE(*jobs.TryClaim("reconcile:pd", "a", kJ0 + 304s, 30s, 300s));
  EXPECT_TRUE(*jobs.TryClaim("reconcile:pd", "b", kJ0 + 305s, 30s, 300s));
  auto claims = jobs.ListClaims();
  ASSERT_TRUE(claims);
  EXPECT_EQ((*claims)[0].finished_at, kJ0 + 5s);
}

TEST_P(JobStoreContractTest, TwoInstancesRacingForOneClaimGrantItOnce) {
  Stores other = GetParam().again();
  ASSERT_TRUE(other.jobs);
  constexpr int kJobs = 40;
  std::atomic<int> granted{0}, failed{0};
  auto race = [&](JobStore& jobs, const std::string& owner) {
    for (int i = 0; i < kJobs; ++i) {
      auto r = jobs.TryClaim("job-" + std::to_string(i), owner, kJ0, 30s);
      if (!r) {
        failed++;
      } else if (*r) {
        granted++;
      }
    }
  };
  std::thread ta([&] { race(*s_.jobs, "a"); });
  std::thread tb([&] { race(*other.jobs, "b"); });
  ta.join();
  tb.join();
  EXPECT_EQ(failed, 0);
  EXPECT_EQ(granted, kJobs);  // each job to exactly one of the two
  auto claims = s_.jobs->ListClaims();
  ASSERT_TRUE(claims);
  EXPECT_EQ(claims->size(), static_cast<size_t>(kJobs));
  // And racing to take over expired claims: again one winner each.
  granted = 0;
  auto takeover = [&](JobStore& jobs, const std::string& owner) {
    for (int i = 0; i < kJobs; ++i) {
      auto r = jobs.TryClaim("job-" + std::to_string(i), owner, kJ0 + 31s, 30s);
      if (r && *r) granted++;
    }
  };
  std::thread tc([&] { takeover(*s_.jobs, "c"); });
  std::thread td([&] { takeover(*other.jobs, "d"); });
  tc.join();
  td.join();
  EXPECT_EQ(granted, kJobs);
}

TEST_P(JobStoreContractTest, LiveInstancesAreThoseSeenWithinTheTtl) {
  JobStore& jobs = *s_.jobs;
  ASSERT_TRUE(jobs.Heartbeat({.id = "h2:1:b",
                              .started_at = kJ0,
                              .last_seen = kJ0,
                              .version = "0.1",
                              .modules = {{"monitors", 1}, {"connectors", 2}}}));
  ASSERT_TRUE(jobs.Heartbeat({.id = "h1:1:a", .started_at = kJ0, .last_seen = kJ0 + 8s}));
  auto live = jobs.ListLive(kJ0 + 9s, 10s);
  ASSERT_TRUE(live);
  ASSERT_EQ(live->size(), 2u);
  EXPECT_EQ((*live)[0].id, "h1:1:a");  // sorted by id
  EXPECT_EQ((*live)[1].id, "h2:1:b");
  EXPECT_EQ((*live)[1].version, "0.1");
  EXPECT_EQ((*live)[1].modules, (std::map<std::string, int>{{"connectors", 2}, {"monitors", 1}}));
  live = jobs.ListLive(kJ0 + 11s, 10s);  // h2 missed its heartbeats: dead
  ASSERT_TRUE(live);
  ASSERT_EQ(live->size(), 1u);
  EXPECT_EQ((*live)[0].id, "h1:1:a");
  // Leaving forgets the instance and frees its claims at once.
  ASSERT_TRUE(*jobs.TryClaim("sla-sweep", "h1:1:a", kJ0 + 11s, 30s));
  ASSERT_TRUE(jobs.Leave("h1:1:a"));
  EXPECT_TRUE(jobs.ListLive(kJ0 + 11s, 10s)->empty());
  EXPECT_TRUE(*jobs.TryClaim("sla-sweep", "h3:1:c", kJ0 + 12s, 30s));
}

TEST_P(JobStoreContractTest, ModuleVersionsOnlyRise) {
  JobStore& jobs = *s_.jobs;
  auto v = jobs.RaiseModuleVersions({{"monitors", 1}, {"connectors", 1}});
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, (std::map<std::string, int>{{"connectors", 1}, {"monitors", 1}}));
  v = jobs.RaiseModuleVersions({{"monitors", 2}});  // a newer binary
  ASSERT_TRUE(v);
  EXPECT_EQ(v->at("monitors"), 2);
  v = jobs.RaiseModuleVersions({{"monitors", 1}, {"connectors", 1}});  // an old one starting
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, (std::map<std::string, int>{{"connectors", 1}, {"monitors", 2}}));
  EXPECT_EQ(*jobs.ModuleVersions(), *v);
}

TEST_P(JobStoreContractTest, TheFirstKeyCheckIsKept) {
  auto first = s_.jobs->AgreeKeyCheck("check-1");
  ASSERT_TRUE(first);
  EXPECT_EQ(*first, "check-1");
  Stores other = GetParam().again();
  auto second = other.jobs->AgreeKeyCheck("check-2");
  ASSERT_TRUE(second);
  EXPECT_EQ(*second, "check-1");  // the caller sees the keys differ
}

}  // namespace
}  // namespace im::store::testing

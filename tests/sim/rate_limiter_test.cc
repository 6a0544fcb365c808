// RateLimiter on a FakeClock: fixed windows (PagerDuty REST) and token buckets (incident.io).
#include "sim/common/rate_limiter.h"

#include <gtest/gtest.h>

#include "fakes/fake_clock.h"

namespace im::sim {
namespace {

using std::chrono::seconds;

TEST(RateLimiterTest, FixedWindowAllowsLimitThenRefusesUntilReset) {
  testing::FakeClock clock(Time(seconds(1'000'000)));
  RateLimiter limiter(clock, {RateLimitKind::kFixedWindow, 3, std::chrono::minutes(1)});
  EXPECT_EQ(limiter.Take("k").remaining, 2);
  EXPECT_TRUE(limiter.Take("k").allowed);
  clock.Advance(seconds(20));
  RateDecision last = limiter.Take("k");
  EXPECT_TRUE(last.allowed);
  EXPECT_EQ(last.remaining, 0);
  RateDecision refused = limiter.Take("k");
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.reset_seconds, 40);
  EXPECT_TRUE(limiter.Take("other").allowed);  // per key
  clock.Advance(seconds(40));
  EXPECT_TRUE(limiter.Take("k").allowed);
}

TEST(RateLimiterTest, TokenBucketRefillsContinuously) {
  testing::FakeClock clock(Time(seconds(1'000'000)));
  RateLimiter limiter(clock, {RateLimitKind::kTokenBucket, 1200, std::chrono::minutes(1)});
  for (int i = 0; i < 1200; ++i) ASSERT_TRUE(limiter.Take("k").allowed) << i;
  RateDecision refused = limiter.Take("k");
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_seconds, 1);      // +20 tokens per second
  clock.Advance(std::chrono::milliseconds(100));  // two tokens
  EXPECT_TRUE(limiter.Take("k").allowed);
  EXPECT_TRUE(limiter.Take("k").allowed);
  EXPECT_FALSE(limiter.Take("k").allowed);
}

TEST(RateLimiterTest, ReserveQueuesRequestsBehindAnEmptyBucket) {
  testing::FakeClock clock(Time(seconds(1'000'000)));
  RateLimiter limiter(clock, {RateLimitKind::kTokenBucket, 2, seconds(1)});
  EXPECT_EQ(limiter.Reserve("k"), Duration::zero());
  EXPECT_EQ(limiter.Reserve("k"), Duration::zero());
  EXPECT_EQ(limiter.Reserve("k"), std::chrono::milliseconds(500));   // in debt: one token
  EXPECT_EQ(limiter.Reserve("k"), std::chrono::milliseconds(1000));  // queued behind it
  EXPECT_FALSE(limiter.Take("k").allowed);
  clock.Advance(seconds(1));  // the two reserved tokens exist now, none is left
  EXPECT_FALSE(limiter.Take("k").allowed);
  clock.Advance(std::chrono::milliseconds(500));
  EXPECT_TRUE(limiter.Take("k").allowed);
  EXPECT_EQ(limiter.Reserve("other"), Duration::zero());  // per key
}

}  // namespace
}  // namespace im::sim

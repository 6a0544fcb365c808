#include "connectors/rate_budget.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "common/time.h"
#include "fakes/deadline.h"
#include "fakes/fake_clock.h"

namespace im::connectors {
namespace {

class AdvancingWaiter final : public Waiter {
 public:
  explicit AdvancingWaiter(im::testing::FakeClock& c) : clock_(c) {}
  bool WaitUntil(Time t) override {
    if (t > clock_.Now()) clock_.Set(t);
    return true;
  }

 private:
  im::testing::FakeClock& clock_;
};

TEST(RateBudgetTest, SpendsTheMinuteThenPacesAtTheRate) {
  im::testing::FakeClock clock(*ParseTime("2026-01-01T00:00:00Z"));
  AdvancingWaiter waiter(clock);
  RateBudget budget(clock, waiter, 960);
  Time start = clock.Now();
  for (int i = 0; i < 960; ++i) EXPECT_TRUE(budget.Acquire());
  EXPECT_EQ(clock.Now(), start);  // a full bucket: no waiting
  for (int i = 0; i < 960; ++i) EXPECT_TRUE(budget.Acquire());
  double took = std::chrono::duration<double>(clock.Now() - start).count();
  EXPECT_NEAR(took, 60.0, 0.5);  // the next 960 take one minute
}

TEST(RateBudgetTest, FollowsTheProvidersHeadersAndA429) {
  im::testing::FakeClock clock(*ParseTime("2026-01-01T00:00:00Z"));
  AdvancingWaiter waiter(clock);
  RateBudget budget(clock, waiter, 960);
  budget.Observe(0, 20);  // another process used the key up; resets in 20 s
  Time start = clock.Now();
  EXPECT_TRUE(budget.Acquire());
  EXPECT_GE(clock.Now() - start, std::chrono::seconds(20));
  start = clock.Now();
  budget.BlockUntil(start + std::chrono::seconds(30));
  EXPECT_TRUE(budget.Acquire());
  EXPECT_GE(clock.Now() - start, std::chrono::seconds(30));
}

TEST(RateBudgetTest, OneBudgetPerKey) {
  im::testing::FakeClock clock(*ParseTime("2026-01-01T00:00:00Z"));
  AdvancingWaiter waiter(clock);
  RateBudgets budgets(clock, waiter);
  EXPECT_EQ(&budgets.For("key-a", 960), &budgets.For("key-a", 960));
  EXPECT_NE(&budgets.For("key-a", 960), &budgets.For("key-b", 960));
}

TEST(SleepingWaiterTest, CancelWakesAWaitAndRefusesLaterOnes) {
  SystemClock clock;
  SleepingWaiter waiter(clock);
  std::promise<bool> result;
  auto cancelled = result.get_future();
  std::thread waiting(
      [&] { result.set_value(waiter.WaitUntil(clock.Now() + std::chrono::hours(1))); });
  waiter.Cancel();
  im::testing::WaitOrFail(cancelled, "the cancelled wait to end");  // not the hour
  waiting.join();
  EXPECT_FALSE(cancelled.get());
  EXPECT_FALSE(waiter.WaitUntil(clock.Now() + std::chrono::hours(1)));
  EXPECT_FALSE(waiter.WaitUntil(clock.Now() - std::chrono::seconds(1)));
}

TEST(SleepingWaiterTest, ABudgetThatMustWaitGivesUpWhenCancelled) {
  SystemClock clock;
  SleepingWaiter waiter(clock);
  RateBudget budget(clock, waiter, 1);
  EXPECT_TRUE(budget.Acquire());  // the one request of this minute
  waiter.Cancel();
  EXPECT_FALSE(budget.Acquire());  // the next would wait a minute: refused instead
  RateBudget unlimited(clock, waiter, 0);
  unlimited.BlockUntil(clock.Now() + std::chrono::minutes(5));
  EXPECT_FALSE(unlimited.Acquire());
}

}  // namespace
}  // namespace im::connectors

#include "connectors/rate_budget.h"

#include <gtest/gtest.h>

#include "common/time.h"
#include "fakes/fake_clock.h"

namespace im::connectors {
namespace {

class AdvancingWaiter final : public Waiter {
 public:
  explicit AdvancingWaiter(im::testing::FakeClock& c) : clock_(c) {}
  void WaitUntil(Time t) override {
    if (t > clock_.Now()) clock_.Set(t);
  }

 private:
  im::testing::FakeClock& clock_;
};

TEST(RateBudgetTest, SpendsTheMinuteThenPacesAtTheRate) {
  im::testing::FakeClock clock(*ParseTime("2026-01-01T00:00:00Z"));
  AdvancingWaiter waiter(clock);
  RateBudget budget(clock, waiter, 960);
  Time start = clock.Now();
  for (int i = 0; i < 960; ++i) budget.Acquire();
  EXPECT_EQ(clock.Now(), start);  // a full bucket: no waiting
  for (int i = 0; i < 960; ++i) budget.Acquire();
  double took = std::chrono::duration<double>(clock.Now() - start).count();
  EXPECT_NEAR(took, 60.0, 0.5);  // the next 960 take one minute
}

TEST(RateBudgetTest, FollowsTheProvidersHeadersAndA429) {
  im::testing::FakeClock clock(*ParseTime("2026-01-01T00:00:00Z"));
  AdvancingWaiter waiter(clock);
  RateBudget budget(clock, waiter, 960);
  budget.Observe(0, 20);  // another process used the key up; resets in 20 s
  Time start = clock.Now();
  budget.Acquire();
  EXPECT_GE(clock.Now() - start, std::chrono::seconds(20));
  start = clock.Now();
  budget.BlockUntil(start + std::chrono::seconds(30));
  budget.Acquire();
  EXPECT_GE(clock.Now() - start, std::chrono::seconds(30));
}

TEST(RateBudgetTest, OneBudgetPerKey) {
  im::testing::FakeClock clock(*ParseTime("2026-01-01T00:00:00Z"));
  AdvancingWaiter waiter(clock);
  RateBudgets budgets(clock, waiter);
  EXPECT_EQ(&budgets.For("key-a", 960), &budgets.For("key-a", 960));
  EXPECT_NE(&budgets.For("key-a", 960), &budgets.For("key-b", 960));
}

}  // namespace
}  // namespace im::connectors

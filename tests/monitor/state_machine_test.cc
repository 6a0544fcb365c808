#include "monitor/state_machine.h"

#include <gtest/gtest.h>

#include "common/time.h"
#include "fakes/fake_clock.h"

namespace im::monitor {
namespace {

class StateMachineTest : public ::testing::Test {
 protected:
  // Runs one check a minute later than the last and returns its decision.
  Decision Check(bool ok, bool maintenance = false) {
    clock_.Advance(std::chrono::minutes(1));
    CheckOutcome c{.at = clock_.Now(), .ok = ok, .error = ok ? "" : "HTTP 503"};
    Decision d = Observe(state_, c, thresholds_, maintenance);
    state_ = d.next;
    return d;
  }

  testing::FakeClock clock_{*ParseTime("2026-12-04T10:00:00Z")};
  Thresholds thresholds_;
  MonitorState state_;
};

TEST_F(StateMachineTest, DefaultsAreThreeFailuresAndTwoSuccesses) {
  EXPECT_EQ(thresholds_.failure, 3);
  EXPECT_EQ(thresholds_.recovery, 2);
}

TEST_F(StateMachineTest, OneBlipOpensNothing) {
  EXPECT_EQ(Check(false).transition, Transition::kNone);
  EXPECT_EQ(Check(false).transition, Transition::kNone);
  EXPECT_EQ(Check(true).transition, Transition::kNone);
  EXPECT_EQ(Check(false).transition, Transition::kNone);
  EXPECT_FALSE(state_.down);
  EXPECT_EQ(state_.failures, 1);
}

TEST_F(StateMachineTest, ThirdConsecutiveFailureOpensAtItsTime) {
  Check(false);
  Time first = clock_.Now();
  Check(false);
  Decision d = Check(false);
  EXPECT_EQ(d.transition, Transition::kOpen);
  EXPECT_TRUE(d.on_timeline);
  EXPECT_TRUE(state_.down);
  EXPECT_EQ(state_.failing_since, first);
  EXPECT_EQ(state_.down_since, clock_.Now());
  EXPECT_EQ(state_.last_error, "HTTP 503");
  // More failures do not open it again.
  EXPECT_EQ(Check(false).transition, Transition::kNone);
}

TEST_F(StateMachineTest, RecoveryNeedsTwoConsecutiveSuccesses) {
  for (int i = 0; i < 3; ++i) Check(false);
  ASSERT_TRUE(state_.down);
  state_.incident = 7;
  EXPECT_EQ(Check(true).transition, Transition::kNone);
  EXPECT_EQ(Check(false).transition, Transition::kNone);  // flapping: still down
  EXPECT_TRUE(state_.down);
  EXPECT_EQ(Check(true).transition, Transition::kNone);
  Decision d = Check(true);
  EXPECT_EQ(d.transition, Transition::kResolve);
  EXPECT_FALSE(state_.down);
  EXPECT_EQ(state_.incident, 0);
  EXPECT_FALSE(state_.down_since);
}

TEST_F(StateMachineTest, CustomThresholdsApply) {
  thresholds_ = {.failure = 1, .recovery = 1};
  EXPECT_EQ(Check(false).transition, Transition::kOpen);
  EXPECT_EQ(Check(true).transition, Transition::kResolve);
}

TEST_F(StateMachineTest, MaintenanceRecordsFailuresButOpensNothing) {
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Check(false, true).transition, Transition::kNone);
  EXPECT_EQ(state_.failures, 5);
  EXPECT_FALSE(state_.down);
  // Still failing once the window is over: the next failure opens at once.
  EXPECT_EQ(Check(false, false).transition, Transition::kOpen);
}

TEST_F(StateMachineTest, RecoveryDuringMaintenanceStillResolves) {
  for (int i = 0; i < 3; ++i) Check(false);
  Check(true, true);
  EXPECT_EQ(Check(true, true).transition, Transition::kResolve);
}

TEST_F(StateMachineTest, NewOutageAfterRecoveryOpensAgain) {
  for (int i = 0; i < 3; ++i) Check(false);
  Check(true);
  Check(true);
  ASSERT_FALSE(state_.down);
  Check(false);
  Check(false);
  EXPECT_EQ(Check(false).transition, Transition::kOpen);
}

}  // namespace
}  // namespace im::monitor

// Escalation policies: who is on call per level, and who is paged when over num_loops passes.
#include "schedule/escalation.h"

#include <gtest/gtest.h>

#include "schedule/oncall.h"
#include "schedule_test_util.h"

namespace im::schedule {
namespace {

using namespace std::chrono_literals;
using testing::At;
using testing::MakeLayer;
using testing::OneLayer;
using Target = EscalationTarget;

ScheduleIndex Schedules() {
  ScheduleIndex index;
  index.emplace("primary", OneLayer("UTC", MakeLayer("2026-01-05T00:00:00Z", 24h, {"a", "b"})));
  index.emplace("secondary", OneLayer("UTC", MakeLayer("2026-01-05T00:00:00Z", 7 * 24h, {"c"})));
  return index;
}

EscalationPolicy Policy() {
  EscalationPolicy p;
  p.id = "ep1";
  p.services = {"checkout", "payments"};
  p.num_loops = 1;
  p.rules = {{15min, {{Target::Type::kSchedule, "primary"}}},
             {30min, {{Target::Type::kUser, "mgr"}, {Target::Type::kSchedule, "secondary"}}}};
  return p;
}

TEST(EscalationTest, OnCallPerLevelResolvesSchedulesToUsers) {
  auto levels = OnCallForPolicy(Policy(), Schedules(), At("2026-01-05T12:00:00Z"));
  ASSERT_TRUE(levels.has_value()) << levels.error().message;
  ASSERT_EQ(levels->size(), 2u);
  EXPECT_EQ((*levels)[0].level, 1);
  EXPECT_EQ((*levels)[0].users,
            (std::vector<OnCallUser>{{"a", "primary", At("2026-01-06T00:00:00Z")}}));
  EXPECT_EQ((*levels)[1].level, 2);
  EXPECT_EQ((*levels)[1].users,
            (std::vector<OnCallUser>{{"mgr", "", std::nullopt},
                                     {"c", "secondary", At("2026-01-05T12:00:00Z") + kMaxReach}}));
}

TEST(EscalationTest, PlanLoopsAndResolvesEachStepWhenItPages) {
  // Triggered 10 minutes before primary hands a → b at midnight.
  auto plan = EscalationPlan(Policy(), Schedules(), At("2026-01-05T23:50:00Z"));
  ASSERT_TRUE(plan.has_value()) << plan.error().message;
  ASSERT_EQ(plan->size(), 4u);  // 2 rules × (1 + num_loops)
  const auto& s = *plan;
  EXPECT_EQ(s[0].level, 1);
  EXPECT_EQ(s[0].loop, 0);
  EXPECT_EQ(s[0].notify_at, At("2026-01-05T23:50:00Z"));
  EXPECT_EQ(s[0].users.at(0).user, "a");
  EXPECT_EQ(s[1].level, 2);
  EXPECT_EQ(s[1].notify_at, At("2026-01-06T00:05:00Z"));
  EXPECT_EQ(s[1].users.size(), 2u);
  EXPECT_EQ(s[2].level, 1);
  EXPECT_EQ(s[2].loop, 1);
  EXPECT_EQ(s[2].notify_at, At("2026-01-06T00:35:00Z"));
  EXPECT_EQ(s[2].users.at(0).user, "b");  // the hand-off happened during the escalation
  EXPECT_EQ(s[3].notify_at, At("2026-01-06T00:50:00Z"));
}

TEST(EscalationTest, UnknownScheduleTargetIsNotFound) {
  EscalationPolicy p = Policy();
  p.rules[0].targets.push_back({Target::Type::kSchedule, "ghost"});
  auto levels = OnCallForPolicy(p, Schedules(), At("2026-01-05T12:00:00Z"));
  ASSERT_FALSE(levels.has_value());
  EXPECT_EQ(levels.error().code, ErrorCode::kNotFound);
  EXPECT_NE(levels.error().message.find("ghost"), std::string::npos);
}

TEST(EscalationTest, ValidatePolicyNamesTheBadField) {
  EscalationPolicy p = Policy();
  p.rules[1].delay = 0min;
  auto ok = ValidatePolicy(p, Schedules());
  ASSERT_FALSE(ok.has_value());
  EXPECT_EQ(ok.error().message.rfind("escalation_rules[1].escalation_delay_in_minutes", 0), 0u);
  p.rules.clear();
  EXPECT_FALSE(ValidatePolicy(p, Schedules()).has_value());
}

TEST(EscalationTest, DuplicateTargetsAreListedOnce) {
  EscalationPolicy p = Policy();
  p.rules[0].targets.push_back({Target::Type::kSchedule, "primary"});
  auto levels = OnCallForPolicy(p, Schedules(), At("2026-01-05T12:00:00Z"));
  ASSERT_TRUE(levels.has_value());
  EXPECT_EQ((*levels)[0].users.size(), 1u);
}

TEST(EscalationTest, PolicyForServiceFindsTheLinkedPolicy) {
  std::vector<EscalationPolicy> policies = {Policy()};
  EXPECT_EQ(PolicyForService(policies, "payments"), &policies[0]);
  EXPECT_EQ(PolicyForService(policies, "search"), nullptr);
}

}  // namespace
}  // namespace im::schedule

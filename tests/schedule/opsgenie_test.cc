// Opsgenie rotations convert into layers that render like Opsgenie's timeline.
#include "schedule/opsgenie.h"

#include <gtest/gtest.h>

#include "schedule/oncall.h"
#include "schedule_test_util.h"

namespace im::schedule {
namespace {

using namespace std::chrono_literals;
using testing::At;
using testing::Describe;
using Lines = std::vector<std::string>;

OpsgenieRotation Weekly() {
  OpsgenieRotation r;
  r.name = "ops";
  r.start_date = At("2026-01-05T09:00:00+01:00");
  r.type = "weekly";
  r.length = 1;
  r.participants = {{"user", "a@x.io"}, {"none", ""}, {"user", "b@x.io"}};
  r.time_of_day = OpsgenieRotation::TimeOfDay{18, 0, 8, 0};
  return r;
}

TEST(OpsgenieTest, WeeklyRotationWithTimeOfDayBecomesARestrictedLayer) {
  auto layer = LayerFromOpsgenie(Weekly());
  ASSERT_TRUE(layer.has_value()) << layer.error().message;
  EXPECT_EQ(layer->rotation_turn_length, 7 * 24h);
  EXPECT_EQ(layer->rotation_virtual_start, At("2026-01-05T08:00:00Z"));
  EXPECT_EQ(layer->users, (std::vector<std::string>{"a@x.io", "", "b@x.io"}));
  ASSERT_EQ(layer->restrictions.size(), 1u);
  EXPECT_EQ(layer->restrictions[0].type, Restriction::Type::kDaily);
  EXPECT_EQ(layer->restrictions[0].start_time_of_day, 18h);
  EXPECT_EQ(layer->restrictions[0].duration, 14h);  // wraps past midnight
}

TEST(OpsgenieTest, ConvertedLayerRendersNightsAndANobodyWeek) {
  Schedule s;
  s.time_zone = "Europe/Berlin";
  s.layers = {LayerFromOpsgenie(Weekly()).value()};
  auto valid = testing::MustValidate(s);
  // Nights are 18:00–08:00 Berlin. Week 2 (from Monday Jan 12 09:00) belongs to "none":
  // nobody; the first night of week 3 is b's.
  auto shifts = RenderShifts(valid, At("2026-01-11T12:00:00Z"), At("2026-01-20T00:00:00Z"));
  EXPECT_EQ(Describe(shifts.value()), (Lines{"a@x.io 2026-01-11T17:00:00Z 2026-01-12T07:00:00Z",
                                             "b@x.io 2026-01-19T17:00:00Z 2026-01-20T00:00:00Z"}));
}

TEST(OpsgenieTest, HourlyRotationIsElapsedTime) {
  OpsgenieRotation r = Weekly();
  r.type = "hourly";
  r.length = 12;
  r.time_of_day.reset();
  auto layer = LayerFromOpsgenie(r).value();
  EXPECT_EQ(layer.rotation_turn_length, 12h);
  EXPECT_TRUE(layer.restrictions.empty());
}

TEST(OpsgenieTest, WeekdayWindowsBecomeWeeklyRestrictions) {
  OpsgenieRotation r = Weekly();
  r.time_of_day.reset();
  r.weekday_windows = {{"friday", 18, 0, "monday", 9, 0}, {"Wednesday", 12, 0, "wednesday", 13, 0}};
  auto layer = LayerFromOpsgenie(r).value();
  ASSERT_EQ(layer.restrictions.size(), 2u);
  EXPECT_EQ(layer.restrictions[0].start_day_of_week, 5);
  EXPECT_EQ(layer.restrictions[0].start_time_of_day, 18h);
  EXPECT_EQ(layer.restrictions[0].duration, 63h);
  EXPECT_EQ(layer.restrictions[1].start_day_of_week, 3);
  EXPECT_EQ(layer.restrictions[1].duration, 1h);
}

TEST(OpsgenieTest, RejectsUnknownTypeAndTeamParticipants) {
  OpsgenieRotation r = Weekly();
  r.type = "monthly";
  auto bad_type = LayerFromOpsgenie(r);
  ASSERT_FALSE(bad_type.has_value());
  EXPECT_EQ(bad_type.error().message.rfind("rotations.type", 0), 0u);
  r = Weekly();
  r.participants.push_back({"team", "sre"});
  auto team = LayerFromOpsgenie(r);
  ASSERT_FALSE(team.has_value());
  EXPECT_NE(team.error().message.find("team"), std::string::npos);
}

}  // namespace
}  // namespace im::schedule

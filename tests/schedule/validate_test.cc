// Validate rejects bad schedules with a message naming the field.
#include <gtest/gtest.h>

#include "schedule/valid_schedule.h"
#include "schedule_test_util.h"

namespace im::schedule {
namespace {

using namespace std::chrono_literals;
using testing::At;
using testing::MakeLayer;

Schedule Good() {
  Schedule s;
  s.time_zone = "Europe/Berlin";
  s.layers.push_back(MakeLayer("2026-01-05T09:00:00+01:00", 24h, {"a@x.io", "b@x.io"}));
  return s;
}

void ExpectRejected(const Schedule& s, std::string_view field) {
  auto valid = Validate(s);
  ASSERT_FALSE(valid.has_value()) << field;
  EXPECT_EQ(valid.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(valid.error().message.rfind(field, 0), 0u) << valid.error().message;
}

TEST(ValidateTest, AcceptsAGoodSchedule) {
  auto valid = Validate(Good());
  ASSERT_TRUE(valid.has_value()) << valid.error().message;
  EXPECT_EQ(valid->zone()->name(), "Europe/Berlin");
}

TEST(ValidateTest, RejectsUnknownZone) {
  Schedule s = Good();
  s.time_zone = "Europe/Atlantis";
  ExpectRejected(s, "time_zone: unknown time zone 'Europe/Atlantis'");
}

TEST(ValidateTest, RejectsNonPositiveTurnLength) {
  Schedule s = Good();
  s.layers[0].rotation_turn_length = 0s;
  ExpectRejected(s, "schedule_layers[0].rotation_turn_length_seconds: must be positive");
}

TEST(ValidateTest, RejectsLayerWithoutUsers) {
  Schedule s = Good();
  s.layers[0].users.clear();
  ExpectRejected(s, "schedule_layers[0].users");
}

TEST(ValidateTest, RejectsLayerEndingBeforeItStarts) {
  Schedule s = Good();
  s.layers[0].end = s.layers[0].start;
  ExpectRejected(s, "schedule_layers[0].end");
}

TEST(ValidateTest, RejectsWeeklyRestrictionLongerThanAWeek) {
  Schedule s = Good();
  s.layers.push_back(s.layers[0]);
  s.layers[1].restrictions.push_back(testing::Weekly(1, 9h, 7 * 24h + 1s));
  ExpectRejected(s, "schedule_layers[1].restrictions[0].duration_seconds");
}

TEST(ValidateTest, RejectsDailyRestrictionLongerThanADay) {
  Schedule s = Good();
  s.layers[0].restrictions.push_back(testing::Daily(9h, 25h));
  ExpectRejected(s, "schedule_layers[0].restrictions[0].duration_seconds");
}

TEST(ValidateTest, RejectsBadDayOfWeekAndTimeOfDay) {
  Schedule s = Good();
  s.layers[0].restrictions.push_back(testing::Weekly(8, 9h, 1h));
  ExpectRejected(s, "schedule_layers[0].restrictions[0].start_day_of_week");
  s.layers[0].restrictions[0] = testing::Daily(24h, 1h);
  ExpectRejected(s, "schedule_layers[0].restrictions[0].start_time_of_day");
}

TEST(ValidateTest, RejectsEmptyOrBackwardsOverride) {
  Schedule s = Good();
  s.overrides.push_back({"o1", At("2026-01-06T00:00:00Z"), At("2026-01-05T00:00:00Z"), "c@x.io"});
  ExpectRejected(s, "overrides[0].end");
  s.overrides[0] = {"o1", At("2026-01-05T00:00:00Z"), At("2026-01-06T00:00:00Z"), ""};
  ExpectRejected(s, "overrides[0].user");
}

TEST(ValidateTest, ParsesTimeOfDay) {
  EXPECT_EQ(ParseTimeOfDay("09:30:15").value(), 9h + 30min + 15s);
  EXPECT_EQ(ParseTimeOfDay("22:00").value(), 22h);
  EXPECT_FALSE(ParseTimeOfDay("24:00:00").has_value());
  EXPECT_FALSE(ParseTimeOfDay("9:00").has_value());
  EXPECT_FALSE(ParseTimeOfDay("09:00:00:00").has_value());
  EXPECT_FALSE(ParseTimeOfDay("").has_value());
}

}  // namespace
}  // namespace im::schedule

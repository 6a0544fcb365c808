// On-call hours split into business, evening and night/weekend in the engineer's own zone.
#include "schedule/hours.h"

#include <gtest/gtest.h>

#include "schedule_test_util.h"

namespace im::schedule {
namespace {

using namespace std::chrono_literals;
using testing::At;
using testing::MakeLayer;
using testing::OneLayer;
using testing::ZoneOf;

HoursBreakdown H(Duration business, Duration evening, Duration night_weekend) {
  return {business, evening, night_weekend};
}

TEST(HoursTest, AWeekdaySplitsNineNineSix) {
  // Monday 2026-01-05 in Berlin: 09–18 business, 06–09 + 18–24 evening, 00–06 night.
  EXPECT_EQ(SplitHours(At("2026-01-05T00:00:00+01:00"), At("2026-01-06T00:00:00+01:00"),
                       ZoneOf("Europe/Berlin")),
            H(9h, 9h, 6h));
}

TEST(HoursTest, WeekendIsAllNightWeekend) {
  EXPECT_EQ(SplitHours(At("2026-01-10T00:00:00Z"), At("2026-01-12T00:00:00Z"), ZoneOf("UTC")),
            H(0h, 0h, 48h));
}

TEST(HoursTest, PartialDaysCountOnlyTheirPart) {
  // Friday 17:00 → Saturday 01:00 UTC: 1 h business, 6 h evening, 1 h weekend.
  EXPECT_EQ(SplitHours(At("2026-01-09T17:00:00Z"), At("2026-01-10T01:00:00Z"), ZoneOf("UTC")),
            H(1h, 6h, 1h));
}

TEST(HoursTest, DstShortDayCountsElapsedTime) {
  // Sunday 2026-03-08 in New York has 23 hours.
  EXPECT_EQ(SplitHours(At("2026-03-08T00:00:00-05:00"), At("2026-03-09T00:00:00-04:00"),
                       ZoneOf("America/New_York")),
            H(0h, 0h, 23h));
  // Monday 2026-10-26 in Berlin follows the 25-hour Sunday; Sunday 00:00 → Monday 09:00.
  EXPECT_EQ(SplitHours(At("2026-10-25T00:00:00+02:00"), At("2026-10-26T09:00:00+01:00"),
                       ZoneOf("Europe/Berlin")),
            H(0h, 3h, 25h + 6h));
}

TEST(HoursTest, EachEngineerCountsInTheirOwnZone) {
  // a is on call Monday 00:00–09:00 UTC: that is 09:00–18:00 in Tokyo, all business hours.
  Layer layer = MakeLayer("2026-01-05T00:00:00Z", 9h, {"a", "b"});
  auto s = OneLayer("UTC", layer);
  auto hours = OnCallHours({&s}, At("2026-01-05T00:00:00Z"), At("2026-01-05T18:00:00Z"),
                           {{"a", "Asia/Tokyo"}});
  ASSERT_TRUE(hours.has_value()) << hours.error().message;
  EXPECT_EQ(hours->at("a"), H(9h, 0h, 0h));
  EXPECT_EQ(hours->at("b"), H(9h, 0h, 0h));  // 09:00–18:00 in the schedule's zone
  EXPECT_EQ(hours->at("a").Total() + hours->at("b").Total(), 18h);
}

TEST(HoursTest, UnknownEngineerZoneIsAnError) {
  auto s = OneLayer("UTC", MakeLayer("2026-01-05T00:00:00Z", 24h, {"a"}));
  auto hours = OnCallHours({&s}, At("2026-01-05T00:00:00Z"), At("2026-01-06T00:00:00Z"),
                           {{"a@x.io", "Moon/Base"}});
  ASSERT_FALSE(hours.has_value());
  EXPECT_NE(hours.error().message.find("user_zones[a@x.io]"), std::string::npos);
}

}  // namespace
}  // namespace im::schedule

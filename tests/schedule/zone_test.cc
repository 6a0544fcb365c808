// Zone helpers: the rule for local times DST skips or repeats, and offset formatting.
#include "schedule/zone.h"

#include <gtest/gtest.h>

#include "schedule_test_util.h"

namespace im::schedule {
namespace {

using namespace std::chrono_literals;
using testing::At;
using testing::ZoneOf;

LocalTime Local(int y, unsigned m, unsigned d, std::chrono::minutes tod) {
  return LocalTime(date::local_days(date::year(y) / m / d)) + tod;
}

TEST(ZoneTest, UnknownZoneNamesTheField) {
  auto zone = LocateZone("Mars/Olympus", "schedule.time_zone");
  ASSERT_FALSE(zone.has_value());
  EXPECT_EQ(zone.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(zone.error().message.find("schedule.time_zone"), std::string::npos);
  EXPECT_NE(zone.error().message.find("Mars/Olympus"), std::string::npos);
}

TEST(ZoneTest, SkippedLocalTimeMapsToTheJump) {
  // 2026-03-08 02:30 does not happen in New York; clocks jump from 02:00 EST to 03:00 EDT.
  EXPECT_EQ(ToInstant(Local(2026, 3, 8, 150min), ZoneOf("America/New_York")),
            At("2026-03-08T07:00:00Z"));
}

TEST(ZoneTest, RepeatedLocalTimeMapsToFirstOccurrence) {
  // 2026-11-01 01:30 happens twice in New York: first in EDT (05:30Z), then in EST (06:30Z).
  EXPECT_EQ(ToInstant(Local(2026, 11, 1, 90min), ZoneOf("America/New_York")),
            At("2026-11-01T05:30:00Z"));
}

TEST(ZoneTest, ToLocalAppliesTheOffsetInForce) {
  const Zone berlin = ZoneOf("Europe/Berlin");
  EXPECT_EQ(ToLocal(At("2026-03-29T00:59:00Z"), berlin), Local(2026, 3, 29, 119min));
  EXPECT_EQ(ToLocal(At("2026-03-29T01:00:00Z"), berlin), Local(2026, 3, 29, 180min));
  EXPECT_EQ(UtcOffset(At("2026-10-25T00:59:59Z"), berlin), 2h);
  EXPECT_EQ(UtcOffset(At("2026-10-25T01:00:00Z"), berlin), 1h);
}

TEST(ZoneTest, FormatsWithTheGivenOffset) {
  EXPECT_EQ(FormatInOffset(At("2026-03-08T13:00:00Z"), -4h), "2026-03-08T09:00:00-04:00");
  EXPECT_EQ(FormatInOffset(At("2026-03-08T13:00:00Z"), 9h), "2026-03-08T22:00:00+09:00");
  EXPECT_EQ(FormatInOffset(At("2026-03-08T13:00:00Z"), 0h), "2026-03-08T13:00:00+00:00");
  EXPECT_EQ(FormatInOffset(At("2026-01-01T00:00:00.250000Z"), 5h + 30min),
            "2026-01-01T05:30:00.250000+05:30");
}

TEST(ZoneTest, CursorAgreesWithTheTzDatabaseAroundTransitions) {
  // Every 10 minutes for two days around each 2026 change in both zones, both directions.
  for (const char* name : {"America/New_York", "Europe/Berlin", "Australia/Lord_Howe"}) {
    const Zone zone = ZoneOf(name);
    ZoneCursor cursor(zone);
    for (const char* change :
         {"2026-03-08T12:00:00Z", "2026-03-29T12:00:00Z", "2026-10-25T12:00:00Z",
          "2026-11-01T12:00:00Z", "2026-04-05T12:00:00Z", "2026-10-04T12:00:00Z"}) {
      for (Time t = At(change) - 48h; t < At(change) + 48h; t += 10min) {
        ASSERT_EQ(cursor.ToLocal(t), ToLocal(t, zone)) << name << " " << FormatTime(t);
        const LocalTime local = ToLocal(t, zone);
        ASSERT_EQ(cursor.ToInstant(local), ToInstant(local, zone)) << name << " " << FormatTime(t);
        const LocalTime shifted = local + 25min;  // also hits skipped and repeated local times
        ASSERT_EQ(cursor.ToInstant(shifted), ToInstant(shifted, zone)) << name;
      }
    }
  }
}

}  // namespace
}  // namespace im::schedule

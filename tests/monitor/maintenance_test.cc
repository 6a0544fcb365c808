#include "monitor/maintenance.h"

#include <gtest/gtest.h>

#include "common/time.h"

namespace im::monitor {
namespace {

Time At(const char* s) { return *ParseTime(s); }

TEST(MaintenanceTest, OnceCoversItsHalfOpenRange) {
  auto w = ParseMaintenanceWindow("once 2026-12-05T01:00:00Z 2026-12-05T03:00:00Z");
  ASSERT_TRUE(w) << w.error().message;
  EXPECT_FALSE(InWindow(*w, At("2026-12-05T00:59:59Z")));
  EXPECT_TRUE(InWindow(*w, At("2026-12-05T01:00:00Z")));
  EXPECT_TRUE(InWindow(*w, At("2026-12-05T02:59:59Z")));
  EXPECT_FALSE(InWindow(*w, At("2026-12-05T03:00:00Z")));
}

TEST(MaintenanceTest, WeeklyFollowsTheZoneInWinterAndSummer) {
  auto w = ParseMaintenanceWindow("weekly sun 02:00-04:00 Europe/Berlin");
  ASSERT_TRUE(w) << w.error().message;
  // Winter (UTC+1): 02:00-04:00 local is 01:00-03:00 UTC.
  EXPECT_TRUE(InWindow(*w, At("2026-01-11T01:30:00Z")));
  EXPECT_FALSE(InWindow(*w, At("2026-01-11T03:00:00Z")));
  // Summer (UTC+2): 00:00-02:00 UTC.
  EXPECT_TRUE(InWindow(*w, At("2026-07-12T00:00:00Z")));
  EXPECT_FALSE(InWindow(*w, At("2026-07-12T02:00:00Z")));
  // Not on Saturday.
  EXPECT_FALSE(InWindow(*w, At("2026-07-11T00:30:00Z")));
}

TEST(MaintenanceTest, SpringForwardNightSkipsTheMissingHour) {
  // 2026-03-29 in Berlin: 02:00 local does not exist; clocks jump to 03:00 (01:00 UTC).
  auto w = ParseMaintenanceWindow("weekly sun 02:00-04:00 Europe/Berlin");
  ASSERT_TRUE(w);
  EXPECT_FALSE(InWindow(*w, At("2026-03-29T00:59:59Z")));
  EXPECT_TRUE(InWindow(*w, At("2026-03-29T01:00:00Z")));   // 03:00 CEST
  EXPECT_TRUE(InWindow(*w, At("2026-03-29T01:59:59Z")));   // 03:59:59 CEST
  EXPECT_FALSE(InWindow(*w, At("2026-03-29T02:00:00Z")));  // 04:00 CEST: one real hour only
}

TEST(MaintenanceTest, FallBackNightRunsThreeRealHours) {
  // 2026-10-25 in Berlin: 02:00-03:00 happens twice; 02:00 is taken at its first occurrence
  // (00:00 UTC), 04:00 CET is 03:00 UTC.
  auto w = ParseMaintenanceWindow("weekly sun 02:00-04:00 Europe/Berlin");
  ASSERT_TRUE(w);
  EXPECT_FALSE(InWindow(*w, At("2026-10-24T23:59:59Z")));
  EXPECT_TRUE(InWindow(*w, At("2026-10-25T00:00:00Z")));
  EXPECT_TRUE(InWindow(*w, At("2026-10-25T02:59:59Z")));
  EXPECT_FALSE(InWindow(*w, At("2026-10-25T03:00:00Z")));
}

TEST(MaintenanceTest, WindowPastMidnightBelongsToItsStartDay) {
  // New York: Friday 23:00 to Saturday 01:00 local (EST, UTC-5).
  auto w = ParseMaintenanceWindow("weekly fri 23:00-01:00 America/New_York");
  ASSERT_TRUE(w);
  EXPECT_TRUE(InWindow(*w, At("2026-12-05T04:30:00Z")));   // Fri 23:30
  EXPECT_TRUE(InWindow(*w, At("2026-12-05T05:30:00Z")));   // Sat 00:30
  EXPECT_FALSE(InWindow(*w, At("2026-12-05T06:00:00Z")));  // Sat 01:00
  EXPECT_FALSE(InWindow(*w, At("2026-12-06T05:30:00Z")));  // Sun 00:30: Sat is not a day
}

TEST(MaintenanceTest, NormalizesItsText) {
  auto w = ParseMaintenanceWindow("weekly Sunday,sat 02:00-04:00 UTC");
  ASSERT_TRUE(w);
  EXPECT_EQ(w->text, "weekly sat,sun 02:00-04:00 UTC");
}

struct BadWindow {
  const char* text;
  const char* expected;
};

class MaintenanceRefusalTest : public ::testing::TestWithParam<BadWindow> {};

TEST_P(MaintenanceRefusalTest, NamesTheFieldAndTheProblem) {
  auto w = ParseMaintenanceWindow(GetParam().text, "maintenance[0]");
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(w.error().message.find("maintenance[0]"), std::string::npos) << w.error().message;
  EXPECT_NE(w.error().message.find(GetParam().expected), std::string::npos) << w.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Refusals, MaintenanceRefusalTest,
    ::testing::Values(BadWindow{"weekly sun 02:00-04:00 Mars/Olympus", "unknown time zone"},
                      BadWindow{"weekly funday 02:00-04:00 UTC", "is not a day"},
                      BadWindow{"weekly sun 2am-4am UTC", "time of day"},
                      BadWindow{"weekly sun 02:00-02:00 UTC", "same time"},
                      BadWindow{"once 2026-12-05T03:00:00Z 2026-12-05T01:00:00Z", "after"},
                      BadWindow{"sometimes", "is not a maintenance window"}));

}  // namespace
}  // namespace im::monitor

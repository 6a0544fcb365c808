// PagerDuty layer rendering: rotation turns, restrictions in the schedule's zone across DST,
// layer stacking and overrides.
#include "sim/pagerduty/schedule_render.h"

#include <gtest/gtest.h>

#include "common/time.h"

namespace im::sim::pagerduty {
namespace {

Time T(const char* s) { return *ParseTime(s); }

TEST(ScheduleRenderTest, RotatesUsersEveryTurnFromVirtualStart) {
  Layer l{"L1",
          "Layer 1",
          T("2026-01-01T00:00:00Z"),
          std::nullopt,
          T("2025-12-31T00:00:00Z"),
          86400,
          {"A", "B", "C"},
          {}};
  auto spans = RenderLayer(l, "UTC", T("2026-01-01T12:00:00Z"), T("2026-01-03T12:00:00Z"));
  ASSERT_EQ(spans.size(), 3u);
  EXPECT_EQ(spans[0].user_id, "B");  // turn 1 from the virtual start
  EXPECT_EQ(spans[0].start, T("2026-01-01T12:00:00Z"));
  EXPECT_EQ(spans[0].end, T("2026-01-02T00:00:00Z"));
  EXPECT_EQ(spans[1].user_id, "C");
  EXPECT_EQ(spans[2].user_id, "A");
  EXPECT_EQ(spans[2].end, T("2026-01-03T12:00:00Z"));
}

TEST(ScheduleRenderTest, DailyRestrictionFollowsWallClockAcrossSpringForward) {
  Layer l{"L1",
          "Layer 1",
          T("2026-03-01T00:00:00Z"),
          std::nullopt,
          T("2026-03-01T00:00:00Z"),
          7 * 86400,
          {"A"},
          {{"daily_restriction", 9 * 3600, 8 * 3600, 1}}};
  auto spans =
      RenderLayer(l, "America/New_York", T("2026-03-07T00:00:00Z"), T("2026-03-10T00:00:00Z"));
  ASSERT_EQ(spans.size(), 3u);
  EXPECT_EQ(spans[0].start, T("2026-03-07T14:00:00Z"));  // 09:00 EST
  EXPECT_EQ(spans[1].start, T("2026-03-08T13:00:00Z"));  // 09:00 EDT, the DST day
  EXPECT_EQ(spans[2].start, T("2026-03-09T13:00:00Z"));
  EXPECT_EQ(spans[2].end, T("2026-03-09T21:00:00Z"));
}

// 22:00 + 10 h is 22:00 to 08:00 local every night, as PagerDuty's "from"/"to" restriction
// reads: 9 elapsed hours on the spring-forward night, 11 on the fall-back night.
TEST(ScheduleRenderTest, NightRestrictionEndsAtItsLocalTimeAcrossBothDstChanges) {
  Layer l{"L1",
          "Layer 1",
          T("2026-01-01T00:00:00Z"),
          std::nullopt,
          T("2026-01-01T00:00:00Z"),
          7 * 86400,
          {"A"},
          {{"daily_restriction", 22 * 3600, 10 * 3600, 1}}};
  auto spring =
      RenderLayer(l, "America/New_York", T("2026-03-07T18:00:00Z"), T("2026-03-08T18:00:00Z"));
  ASSERT_EQ(spring.size(), 1u);
  EXPECT_EQ(spring[0].start, T("2026-03-08T03:00:00Z"));  // Sat 22:00 EST
  EXPECT_EQ(spring[0].end, T("2026-03-08T12:00:00Z"));    // Sun 08:00 EDT
  auto fall =
      RenderLayer(l, "America/New_York", T("2026-10-31T18:00:00Z"), T("2026-11-01T18:00:00Z"));
  ASSERT_EQ(fall.size(), 1u);
  EXPECT_EQ(fall[0].start, T("2026-11-01T02:00:00Z"));  // Sat 22:00 EDT
  EXPECT_EQ(fall[0].end, T("2026-11-01T13:00:00Z"));    // Sun 08:00 EST
}

TEST(ScheduleRenderTest, WeeklyRestrictionOnlyOnItsDay) {
  Layer l{"L1",
          "Layer 1",
          T("2026-01-01T00:00:00Z"),
          std::nullopt,
          T("2026-01-01T00:00:00Z"),
          86400,
          {"A"},
          {{"weekly_restriction", 9 * 3600, 3600, 1}}};  // Mondays 09-10
  auto spans =
      RenderLayer(l, "Europe/Berlin", T("2026-01-05T00:00:00Z"), T("2026-01-12T00:00:00Z"));
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].start, T("2026-01-05T08:00:00Z"));
}

TEST(ScheduleRenderTest, FinalStacksLayersAndOverridesAndMergesShifts) {
  Schedule s;
  s.time_zone = "UTC";
  s.layers.push_back({"L1",
                      "Layer 1",
                      T("2026-01-01T00:00:00Z"),
                      std::nullopt,
                      T("2026-01-01T00:00:00Z"),
                      7 * 86400,
                      {"A"},
                      {}});
  s.layers.push_back({"L2",
                      "Layer 2",
                      T("2026-01-01T00:00:00Z"),
                      std::nullopt,
                      T("2026-01-01T00:00:00Z"),
                      86400,
                      {"B"},
                      {{"daily_restriction", 9 * 3600, 8 * 3600, 1}}});
  s.overrides.push_back({"O1", T("2026-01-02T10:00:00Z"), T("2026-01-02T11:00:00Z"), "C"});
  auto spans = RenderFinal(s, T("2026-01-02T00:00:00Z"), T("2026-01-03T00:00:00Z"));
  ASSERT_EQ(spans.size(), 5u);
  EXPECT_EQ(spans[0].user_id, "A");
  EXPECT_EQ(spans[1].user_id, "B");
  EXPECT_EQ(spans[1].start, T("2026-01-02T09:00:00Z"));
  EXPECT_EQ(spans[2].user_id, "C");
  EXPECT_EQ(spans[3].user_id, "B");
  EXPECT_EQ(spans[4].user_id, "A");
  EXPECT_EQ(spans[4].end, T("2026-01-03T00:00:00Z"));
  EXPECT_DOUBLE_EQ(Coverage(spans, T("2026-01-02T00:00:00Z"), T("2026-01-03T00:00:00Z")), 100);
}

}  // namespace
}  // namespace im::sim::pagerduty

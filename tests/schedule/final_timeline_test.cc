// The final schedule: later layers win, newer overrides win, runs of one user merge.
#include "schedule/final_timeline.h"

#include <gtest/gtest.h>

#include "schedule_test_util.h"

namespace im::schedule {
namespace {

using namespace std::chrono_literals;
using testing::At;
using testing::Daily;
using testing::MakeLayer;
using Lines = std::vector<std::string>;

std::vector<std::string> Render(const ValidSchedule& s, std::string_view since,
                                std::string_view until) {
  std::vector<std::string> out;
  for (const Segment& seg : FinalTimeline(s, At(since), At(until))) {
    out.push_back(*seg.user + " " + FormatTime(seg.start) + " " + FormatTime(seg.end));
  }
  return out;
}

// Layer 1: a and b take whole days (UTC). Layer 2: n covers nights 00:00–08:00.
Schedule DaysAndNights() {
  Schedule s;
  s.time_zone = "UTC";
  s.layers.push_back(MakeLayer("2026-01-05T00:00:00Z", 24h, {"a", "b"}));
  Layer nights = MakeLayer("2026-01-05T00:00:00Z", 7 * 24h, {"n"});
  nights.restrictions = {Daily(0h, 8h)};
  s.layers.push_back(nights);
  return s;
}

TEST(FinalTimelineTest, LaterLayerWinsWhereBothHaveSomeone) {
  auto s = testing::MustValidate(DaysAndNights());
  EXPECT_EQ(Render(s, "2026-01-05T00:00:00Z", "2026-01-07T00:00:00Z"),
            (Lines{"n 2026-01-05T00:00:00Z 2026-01-05T08:00:00Z",
                   "a 2026-01-05T08:00:00Z 2026-01-06T00:00:00Z",
                   "n 2026-01-06T00:00:00Z 2026-01-06T08:00:00Z",
                   "b 2026-01-06T08:00:00Z 2026-01-07T00:00:00Z"}));
}

TEST(FinalTimelineTest, LowerLayerShowsAgainWhenTheUpperOneEnds) {
  Schedule spec = DaysAndNights();
  spec.layers[1].end = At("2026-01-06T04:00:00Z");
  auto s = testing::MustValidate(spec);
  EXPECT_EQ(Render(s, "2026-01-05T00:00:00Z", "2026-01-07T00:00:00Z"),
            (Lines{"n 2026-01-05T00:00:00Z 2026-01-05T08:00:00Z",
                   "a 2026-01-05T08:00:00Z 2026-01-06T00:00:00Z",
                   "n 2026-01-06T00:00:00Z 2026-01-06T04:00:00Z",
                   "b 2026-01-06T04:00:00Z 2026-01-07T00:00:00Z"}));
}

TEST(FinalTimelineTest, VirtualStartBeforeStartKeepsTheRotationPhase) {
  // Turns count from Jan 1, the layer only starts on Jan 5: turn 4 is b's.
  Layer layer = MakeLayer("2026-01-01T09:00:00Z", 24h, {"a", "b", "c"});
  layer.start = At("2026-01-05T09:00:00Z");
  Schedule spec;
  spec.time_zone = "UTC";
  spec.layers = {layer};
  auto s = testing::MustValidate(spec);
  EXPECT_EQ(Render(s, "2026-01-04T00:00:00Z", "2026-01-07T09:00:00Z"),
            (Lines{"b 2026-01-05T09:00:00Z 2026-01-06T09:00:00Z",
                   "c 2026-01-06T09:00:00Z 2026-01-07T09:00:00Z"}));
}

TEST(FinalTimelineTest, OverridesStraddleLayerBoundariesAndNewestWins) {
  Schedule spec = DaysAndNights();
  // x (older) covers a's evening and n's night; y (newer) overlaps x and runs into b's day.
  spec.overrides = {{"o1", At("2026-01-05T20:00:00Z"), At("2026-01-06T06:00:00Z"), "x"},
                    {"o2", At("2026-01-06T02:00:00Z"), At("2026-01-06T10:00:00Z"), "y"}};
  auto s = testing::MustValidate(spec);
  EXPECT_EQ(Render(s, "2026-01-05T00:00:00Z", "2026-01-07T00:00:00Z"),
            (Lines{"n 2026-01-05T00:00:00Z 2026-01-05T08:00:00Z",
                   "a 2026-01-05T08:00:00Z 2026-01-05T20:00:00Z",
                   "x 2026-01-05T20:00:00Z 2026-01-06T02:00:00Z",
                   "y 2026-01-06T02:00:00Z 2026-01-06T10:00:00Z",
                   "b 2026-01-06T10:00:00Z 2026-01-07T00:00:00Z"}));

  std::swap(spec.overrides[0], spec.overrides[1]);  // now x is the newer one
  auto swapped = testing::MustValidate(spec);
  EXPECT_EQ(Render(swapped, "2026-01-05T18:00:00Z", "2026-01-06T12:00:00Z"),
            (Lines{"a 2026-01-05T18:00:00Z 2026-01-05T20:00:00Z",
                   "x 2026-01-05T20:00:00Z 2026-01-06T06:00:00Z",
                   "y 2026-01-06T06:00:00Z 2026-01-06T10:00:00Z",
                   "b 2026-01-06T10:00:00Z 2026-01-06T12:00:00Z"}));
}

TEST(FinalTimelineTest, BackToBackStretchesOfOneUserMerge) {
  Schedule spec = DaysAndNights();
  spec.overrides = {{"o1", At("2026-01-05T00:00:00Z"), At("2026-01-05T08:00:00Z"), "a"}};
  auto s = testing::MustValidate(spec);
  EXPECT_EQ(Render(s, "2026-01-05T00:00:00Z", "2026-01-06T00:00:00Z"),
            (Lines{"a 2026-01-05T00:00:00Z 2026-01-06T00:00:00Z"}));
}

TEST(FinalTimelineTest, NobodyTurnsLeaveGapsThatLowerLayersFill) {
  Schedule spec;
  spec.time_zone = "UTC";
  spec.layers.push_back(MakeLayer("2026-01-05T00:00:00Z", 24h, {"base"}));
  spec.layers.push_back(MakeLayer("2026-01-05T00:00:00Z", 24h, {"top", ""}));
  auto s = testing::MustValidate(spec);
  EXPECT_EQ(Render(s, "2026-01-05T00:00:00Z", "2026-01-08T00:00:00Z"),
            (Lines{"top 2026-01-05T00:00:00Z 2026-01-06T00:00:00Z",
                   "base 2026-01-06T00:00:00Z 2026-01-07T00:00:00Z",
                   "top 2026-01-07T00:00:00Z 2026-01-08T00:00:00Z"}));
}

}  // namespace
}  // namespace im::schedule

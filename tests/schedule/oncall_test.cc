// Queries: who is on call at an instant, shifts in a window (overflow, render zone), the next
// hand-offs and gaps, across DST changes.
#include "schedule/oncall.h"

#include <gtest/gtest.h>

#include "schedule_test_util.h"

namespace im::schedule {
namespace {

using namespace std::chrono_literals;
using testing::At;
using testing::Daily;
using testing::Describe;
using testing::MakeLayer;
using testing::OneLayer;
using Lines = std::vector<std::string>;

// a, b, c take turns handing off at 09:00 New York time.
ValidSchedule NewYorkDaily() {
  return OneLayer("America/New_York", MakeLayer("2026-03-01T09:00:00-05:00", 24h, {"a", "b", "c"}));
}

TEST(OnCallTest, OnCallAtGivesTheWholeShiftAcrossSpringForward) {
  auto shift = OnCallAt(NewYorkDaily(), At("2026-03-08T08:00:00-04:00"));
  ASSERT_TRUE(shift.has_value());
  EXPECT_EQ(Describe(*shift), "a 2026-03-07T14:00:00Z 2026-03-08T13:00:00Z");  // 23 hours
  EXPECT_EQ(shift->start_utc_offset, -5h);
  EXPECT_EQ(shift->end_utc_offset, -4h);
}

TEST(OnCallTest, OnCallAtIsNulloptWhenNobodyIs) {
  Layer layer = MakeLayer("2026-01-05T00:00:00Z", 24h, {"a"});
  layer.restrictions = {Daily(9h, 8h)};
  auto s = OneLayer("UTC", layer);
  EXPECT_FALSE(OnCallAt(s, At("2026-01-05T08:59:59Z")).has_value());
  EXPECT_EQ(Describe(*OnCallAt(s, At("2026-01-05T09:00:00Z"))),
            "a 2026-01-05T09:00:00Z 2026-01-05T17:00:00Z");
}

TEST(OnCallTest, OnCallAtFindsTheStartOfAStretchLongerThanATurn) {
  // One user, daily turns: on call without a break since the layer started.
  auto s = OneLayer("UTC", MakeLayer("2026-01-01T00:00:00Z", 24h, {"solo"}));
  auto shift = OnCallAt(s, At("2026-02-15T12:00:00Z"));
  ASSERT_TRUE(shift.has_value());
  EXPECT_EQ(shift->start, At("2026-01-01T00:00:00Z"));
  EXPECT_EQ(shift->end, At("2026-02-15T12:00:00Z") + kMaxReach);  // never ends: capped
}

TEST(OnCallTest, NextHandoffsAcrossFallBack) {
  auto s = OneLayer("America/New_York", MakeLayer("2026-10-30T09:00:00-04:00", 24h, {"a", "b"}));
  EXPECT_EQ(NextHandoffs(s, At("2026-10-31T00:00:00Z"), 3),
            (std::vector<Handoff>{{At("2026-10-31T09:00:00-04:00"), "a", "b"},
                                  {At("2026-11-01T09:00:00-05:00"), "b", "a"},
                                  {At("2026-11-02T09:00:00-05:00"), "a", "b"}}));
  // Strictly after: a hand-off exactly at `after` is not listed.
  EXPECT_EQ(NextHandoffs(s, At("2026-10-31T13:00:00Z"), 1).front().at, At("2026-11-01T14:00:00Z"));
}

TEST(OnCallTest, NextHandoffsIncludeGoingOffAndOnCall) {
  Layer layer = MakeLayer("2026-01-05T00:00:00Z", 24h, {"a", "b"});
  layer.restrictions = {Daily(9h, 8h)};
  auto s = OneLayer("UTC", layer);
  EXPECT_EQ(NextHandoffs(s, At("2026-01-05T12:00:00Z"), 3),
            (std::vector<Handoff>{{At("2026-01-05T17:00:00Z"), "a", ""},
                                  {At("2026-01-06T09:00:00Z"), "", "b"},
                                  {At("2026-01-06T17:00:00Z"), "b", ""}}));
}

TEST(OnCallTest, RenderTruncatesAtTheWindowUnlessOverflow) {
  auto s = NewYorkDaily();
  const Time since = At("2026-03-08T00:00:00Z");
  const Time until = At("2026-03-09T00:00:00Z");
  EXPECT_EQ(Describe(RenderShifts(s, since, until).value()),
            (Lines{"a 2026-03-08T00:00:00Z 2026-03-08T13:00:00Z",
                   "b 2026-03-08T13:00:00Z 2026-03-09T00:00:00Z"}));
  EXPECT_EQ(Describe(RenderShifts(s, since, until, {.overflow = true}).value()),
            (Lines{"a 2026-03-07T14:00:00Z 2026-03-08T13:00:00Z",
                   "b 2026-03-08T13:00:00Z 2026-03-09T13:00:00Z"}));
}

TEST(OnCallTest, RenderInAnotherZoneKeepsInstantsAndChangesOffsets) {
  // Berlin restrictions (09:00–17:00 Berlin) rendered for a viewer in Tokyo.
  Layer layer = MakeLayer("2026-03-23T09:00:00+01:00", 24h, {"a", "b"});
  layer.restrictions = {Daily(9h, 8h)};
  auto s = OneLayer("Europe/Berlin", layer);
  const Time since = At("2026-03-27T00:00:00Z");
  const Time until = At("2026-03-31T00:00:00Z");
  auto own = RenderShifts(s, since, until).value();
  auto tokyo = RenderShifts(s, since, until, {.time_zone = "Asia/Tokyo"}).value();
  ASSERT_EQ(own.size(), tokyo.size());
  EXPECT_EQ(Describe(own), Describe(tokyo));
  EXPECT_EQ(Describe(tokyo), (Lines{"a 2026-03-27T08:00:00Z 2026-03-27T16:00:00Z",
                                    "b 2026-03-28T08:00:00Z 2026-03-28T16:00:00Z",
                                    "a 2026-03-29T07:00:00Z 2026-03-29T15:00:00Z",
                                    "b 2026-03-30T07:00:00Z 2026-03-30T15:00:00Z"}));
  EXPECT_EQ(FormatInOffset(own[2].start, own[2].start_utc_offset), "2026-03-29T09:00:00+02:00");
  EXPECT_EQ(FormatInOffset(tokyo[2].start, tokyo[2].start_utc_offset), "2026-03-29T16:00:00+09:00");
}

TEST(OnCallTest, RenderRejectsBadWindowAndUnknownZone) {
  auto s = NewYorkDaily();
  auto backwards = RenderShifts(s, At("2026-03-09T00:00:00Z"), At("2026-03-08T00:00:00Z"));
  ASSERT_FALSE(backwards.has_value());
  EXPECT_EQ(backwards.error().code, ErrorCode::kInvalidArgument);
  auto bad_zone = RenderShifts(s, At("2026-03-08T00:00:00Z"), At("2026-03-09T00:00:00Z"),
                               {.time_zone = "Nowhere/Land"});
  ASSERT_FALSE(bad_zone.has_value());
  EXPECT_NE(bad_zone.error().message.find("time_zone"), std::string::npos);
}

TEST(OnCallTest, GapsAreTheUncoveredStretches) {
  Layer layer = MakeLayer("2026-01-05T00:00:00Z", 24h, {"a"});
  layer.restrictions = {Daily(9h, 8h)};
  layer.end = At("2026-01-06T12:00:00Z");
  auto s = OneLayer("UTC", layer);
  EXPECT_EQ(Gaps(s, At("2026-01-05T00:00:00Z"), At("2026-01-07T00:00:00Z")),
            (std::vector<Gap>{{At("2026-01-05T00:00:00Z"), At("2026-01-05T09:00:00Z")},
                              {At("2026-01-05T17:00:00Z"), At("2026-01-06T09:00:00Z")},
                              {At("2026-01-06T12:00:00Z"), At("2026-01-07T00:00:00Z")}}));
}

TEST(OnCallTest, ThirtySixHourShiftsAcrossBerlinFallBack) {
  auto s = OneLayer("Europe/Berlin", MakeLayer("2026-10-24T08:00:00+02:00", 36h, {"a", "b"}));
  EXPECT_EQ(
      Describe(RenderShifts(s, At("2026-10-24T06:00:00Z"), At("2026-10-27T06:00:00Z")).value()),
      (Lines{"a 2026-10-24T06:00:00Z 2026-10-25T18:00:00Z",
             "b 2026-10-25T18:00:00Z 2026-10-27T06:00:00Z"}));
}

}  // namespace
}  // namespace im::schedule

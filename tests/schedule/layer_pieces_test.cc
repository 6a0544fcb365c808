// Restrictions are wall-clock windows in the schedule's zone, cut into a layer's turns.
#include <gtest/gtest.h>

#include "schedule/layer_pieces.h"
#include "schedule_test_util.h"

namespace im::schedule {
namespace {

using namespace std::chrono_literals;
using testing::At;
using testing::Daily;
using testing::MakeLayer;
using testing::Weekly;
using testing::ZoneOf;

std::vector<std::string> Describe(const std::vector<Window>& windows) {
  std::vector<std::string> out;
  for (const Window& w : windows) out.push_back(FormatTime(w.start) + " " + FormatTime(w.end));
  return out;
}

std::vector<std::string> Describe(const std::vector<Piece>& pieces) {
  std::vector<std::string> out;
  for (const Piece& p : pieces) {
    out.push_back(*p.user + " " + FormatTime(p.start) + " " + FormatTime(p.end));
  }
  return out;
}

TEST(RestrictionTest, DailyWindowCrossesMidnight) {
  // 22:00 + 10 h = 22:00–08:00 Berlin (CET, UTC+1).
  auto windows =
      RestrictionWindows({Daily(22h, 10h)}, ZoneOf("Europe/Berlin"),
                         At("2026-01-05T00:00:00+01:00"), At("2026-01-07T00:00:00+01:00"));
  EXPECT_EQ(Describe(windows), (std::vector<std::string>{
                                   "2026-01-04T23:00:00Z 2026-01-05T07:00:00Z",
                                   "2026-01-05T21:00:00Z 2026-01-06T07:00:00Z",
                                   "2026-01-06T21:00:00Z 2026-01-06T23:00:00Z",
                               }));
}

TEST(RestrictionTest, NightWindowIsAnHourShorterWhenClocksSpringForward) {
  auto windows = RestrictionWindows({Daily(22h, 10h)}, ZoneOf("Europe/Berlin"),
                                    At("2026-03-28T12:00:00Z"), At("2026-03-29T12:00:00Z"));
  // 22:00 CET → 08:00 CEST is 9 hours.
  EXPECT_EQ(Describe(windows),
            (std::vector<std::string>{"2026-03-28T21:00:00Z 2026-03-29T06:00:00Z"}));
}

TEST(RestrictionTest, NightWindowIsAnHourLongerWhenClocksFallBack) {
  auto windows = RestrictionWindows({Daily(22h, 10h)}, ZoneOf("Europe/Berlin"),
                                    At("2026-10-24T12:00:00Z"), At("2026-10-25T12:00:00Z"));
  // 22:00 CEST → 08:00 CET is 11 hours.
  EXPECT_EQ(Describe(windows),
            (std::vector<std::string>{"2026-10-24T20:00:00Z 2026-10-25T07:00:00Z"}));
}

TEST(RestrictionTest, WeeklyWindowOverDstChangeKeepsWallClockEnds) {
  // Friday 18:00 to Monday 09:00 New York (63 wall-clock hours); this weekend holds
  // the 2026-03-08 spring-forward, so it lasts 62 hours.
  auto windows = RestrictionWindows({Weekly(5, 18h, 63h)}, ZoneOf("America/New_York"),
                                    At("2026-03-03T00:00:00Z"), At("2026-03-16T00:00:00Z"));
  EXPECT_EQ(Describe(windows), (std::vector<std::string>{
                                   "2026-03-06T23:00:00Z 2026-03-09T13:00:00Z",
                                   "2026-03-13T22:00:00Z 2026-03-16T00:00:00Z",
                               }));
}

TEST(RestrictionTest, OverlappingRestrictionsMerge) {
  auto windows = RestrictionWindows({Daily(9h, 4h), Daily(12h, 4h)}, ZoneOf("UTC"),
                                    At("2026-01-05T00:00:00Z"), At("2026-01-06T00:00:00Z"));
  EXPECT_EQ(Describe(windows),
            (std::vector<std::string>{"2026-01-05T09:00:00Z 2026-01-05T16:00:00Z"}));
}

TEST(RestrictionTest, RestrictionCutsTurnsAndTurnsCutWindows) {
  // Daily turns handing off at 12:00 with a 09:00–17:00 restriction: each window is split at
  // noon between the outgoing and the incoming user.
  Layer layer = MakeLayer("2026-01-05T12:00:00Z", 24h, {"a", "b"});
  layer.start = At("2026-01-01T00:00:00Z");
  layer.restrictions = {Daily(9h, 8h)};
  std::vector<Piece> pieces;
  AppendLayerPieces(layer, ZoneOf("UTC"), 0, At("2026-01-05T00:00:00Z"), At("2026-01-07T00:00:00Z"),
                    pieces);
  EXPECT_EQ(Describe(pieces), (std::vector<std::string>{
                                  "b 2026-01-05T09:00:00Z 2026-01-05T12:00:00Z",
                                  "a 2026-01-05T12:00:00Z 2026-01-05T17:00:00Z",
                                  "a 2026-01-06T09:00:00Z 2026-01-06T12:00:00Z",
                                  "b 2026-01-06T12:00:00Z 2026-01-06T17:00:00Z",
                              }));
}

TEST(RestrictionTest, LongRestrictedGapsSkipWholeTurns) {
  // Hourly turns, but only Mondays 09:00–10:00 count: one piece a week.
  Layer layer = MakeLayer("2026-01-05T00:00:00Z", 1h, {"a", "b", "c"});
  layer.restrictions = {Weekly(1, 9h, 1h)};
  std::vector<Piece> pieces;
  AppendLayerPieces(layer, ZoneOf("UTC"), 0, At("2026-01-05T00:00:00Z"), At("2026-01-19T00:00:00Z"),
                    pieces);
  EXPECT_EQ(Describe(pieces), (std::vector<std::string>{
                                  "a 2026-01-05T09:00:00Z 2026-01-05T10:00:00Z",
                                  "a 2026-01-12T09:00:00Z 2026-01-12T10:00:00Z",
                              }));  // 9 and 177 hours after the anchor: both turns of "a"
}

}  // namespace
}  // namespace im::schedule

// Turn arithmetic and the DST rule: whole-day turns hand off at the same wall-clock time,
// other lengths are elapsed time.
#include "schedule/rotation.h"

#include <gtest/gtest.h>

#include "schedule_test_util.h"

namespace im::schedule {
namespace {

using namespace std::chrono_literals;
using testing::At;
using testing::MakeLayer;
using testing::ZoneOf;

const std::vector<std::string> kAbc = {"a", "b", "c"};

TEST(RotationTest, DailyHandoffKeepsWallClockAcrossNewYorkSpringForward) {
  // Hand-off at 09:00 every day; 2026-03-08 is 23 hours long in New York.
  const Layer layer = MakeLayer("2026-03-01T09:00:00-05:00", 24h, kAbc);
  const Rotation r(layer, ZoneOf("America/New_York"));
  EXPECT_TRUE(r.wall_clock());
  EXPECT_EQ(r.TurnStart(6), At("2026-03-07T09:00:00-05:00"));
  EXPECT_EQ(r.TurnStart(7), At("2026-03-08T09:00:00-04:00"));  // 13:00Z, 23 h after turn 6
  EXPECT_EQ(r.TurnStart(8), At("2026-03-09T09:00:00-04:00"));
  EXPECT_EQ(r.TurnAt(At("2026-03-08T12:59:59Z")), 6);
  EXPECT_EQ(r.TurnAt(At("2026-03-08T13:00:00Z")), 7);
  EXPECT_EQ(r.UserOf(6), "a");
  EXPECT_EQ(r.UserOf(7), "b");
}

TEST(RotationTest, DailyHandoffKeepsWallClockAcrossNewYorkFallBack) {
  const Layer layer = MakeLayer("2026-10-30T09:00:00-04:00", 24h, kAbc);
  const Rotation r(layer, ZoneOf("America/New_York"));
  EXPECT_EQ(r.TurnStart(1), At("2026-10-31T13:00:00Z"));  // 09:00 EDT
  EXPECT_EQ(r.TurnStart(2), At("2026-11-01T14:00:00Z"));  // 09:00 EST, 25 h later
  EXPECT_EQ(r.TurnAt(At("2026-11-01T13:30:00Z")), 1);     // 08:30 EST: still turn 1
}

TEST(RotationTest, WeeklyHandoffKeepsWallClockAcrossBerlinSpringForward) {
  // Mondays 10:00 in Berlin; the week holding 2026-03-29 is 167 hours long.
  const Layer layer = MakeLayer("2026-03-23T10:00:00+01:00", 7 * 24h, kAbc);
  const Rotation r(layer, ZoneOf("Europe/Berlin"));
  EXPECT_EQ(r.TurnStart(1), At("2026-03-30T08:00:00Z"));  // 10:00 CEST
  EXPECT_EQ(r.TurnStart(1) - r.TurnStart(0), 167h);
  EXPECT_EQ(r.TurnAt(At("2026-03-30T08:30:00Z")), 1);
  EXPECT_EQ(r.TurnAt(At("2026-03-30T07:59:59Z")), 0);
}

TEST(RotationTest, WeeklyHandoffKeepsWallClockAcrossBerlinFallBack) {
  const Layer layer = MakeLayer("2026-10-19T10:00:00+02:00", 7 * 24h, kAbc);
  const Rotation r(layer, ZoneOf("Europe/Berlin"));
  EXPECT_EQ(r.TurnStart(1), At("2026-10-26T09:00:00Z"));  // 10:00 CET
  EXPECT_EQ(r.TurnStart(1) - r.TurnStart(0), 169h);
}

TEST(RotationTest, EightHourTurnsAreElapsedTimeAcrossSpringForward) {
  // Midnight / 08:00 / 16:00 EST hand-offs become 01:00 / 09:00 / 17:00 EDT after the change.
  const Layer layer = MakeLayer("2026-03-07T00:00:00-05:00", 8h, kAbc);
  const Rotation r(layer, ZoneOf("America/New_York"));
  EXPECT_FALSE(r.wall_clock());
  EXPECT_EQ(r.TurnStart(3), At("2026-03-08T00:00:00-05:00"));
  EXPECT_EQ(r.TurnStart(4), At("2026-03-08T09:00:00-04:00"));
  EXPECT_EQ(r.TurnStart(5), At("2026-03-08T17:00:00-04:00"));
}

TEST(RotationTest, ThirtySixHourTurnsAreElapsedTimeAcrossFallBack) {
  const Layer layer = MakeLayer("2026-10-24T08:00:00+02:00", 36h, kAbc);
  const Rotation r(layer, ZoneOf("Europe/Berlin"));
  EXPECT_EQ(r.TurnStart(1), At("2026-10-25T19:00:00+01:00"));  // not 20:00: elapsed time
  EXPECT_EQ(r.TurnAt(At("2026-10-25T18:59:59+01:00")), 0);
}

TEST(RotationTest, HandoffInTheSkippedHourMovesToTheJump) {
  // A 02:30 hand-off: on 2026-03-08 New York skips 02:00–03:00, so it happens at 03:00 EDT.
  const Layer layer = MakeLayer("2026-03-07T02:30:00-05:00", 24h, kAbc);
  const Rotation r(layer, ZoneOf("America/New_York"));
  EXPECT_EQ(r.TurnStart(1), At("2026-03-08T03:00:00-04:00"));
  EXPECT_EQ(r.TurnStart(2), At("2026-03-09T02:30:00-04:00"));
}

TEST(RotationTest, HandoffInTheRepeatedHourHappensAtTheFirstOne) {
  const Layer layer = MakeLayer("2026-10-31T01:30:00-04:00", 24h, kAbc);
  const Rotation r(layer, ZoneOf("America/New_York"));
  EXPECT_EQ(r.TurnStart(1), At("2026-11-01T01:30:00-04:00"));  // EDT, the first 01:30
  EXPECT_EQ(r.TurnStart(2), At("2026-11-02T01:30:00-05:00"));
}

TEST(RotationTest, TurnsBeforeTheVirtualStartCountBackwards) {
  const Layer layer = MakeLayer("2026-01-10T00:00:00Z", 24h, kAbc);
  const Rotation r(layer, ZoneOf("UTC"));
  EXPECT_EQ(r.TurnAt(At("2026-01-09T12:00:00Z")), -1);
  EXPECT_EQ(r.UserOf(-1), "c");
  EXPECT_EQ(r.UserOf(-3), "a");
}

TEST(RotationTest, TurnIndexFarFromTheAnchorIsArithmetic) {
  const Layer layer = MakeLayer("2016-01-04T09:00:00+01:00", 7 * 24h, kAbc);
  const Rotation r(layer, ZoneOf("Europe/Berlin"));
  // 2026-01-05 is 522 weeks after 2016-01-04.
  EXPECT_EQ(r.TurnAt(At("2026-01-05T09:00:00+01:00")), 522);
  EXPECT_EQ(r.TurnStart(522), At("2026-01-05T08:00:00Z"));
}

}  // namespace
}  // namespace im::schedule

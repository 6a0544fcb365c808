// incident.io rotations (handovers, layers, working intervals) convert into layers.
#include "schedule/incident_io.h"

#include <gtest/gtest.h>

#include "schedule/oncall.h"
#include "schedule_test_util.h"

namespace im::schedule {
namespace {

using namespace std::chrono_literals;
using testing::At;
using testing::Describe;
using testing::ZoneOf;
using Lines = std::vector<std::string>;

IncidentIoRotation Rotation() {
  IncidentIoRotation r;
  r.name = "primary";
  r.handover_start_at = At("2026-01-05T09:00:00+01:00");  // Monday
  r.handovers = {{1, "weekly"}};
  r.users = {"a", "b", "c"};
  return r;
}

std::vector<std::string> Render(std::vector<Layer> layers, std::string_view since,
                                std::string_view until) {
  Schedule s;
  s.time_zone = "Europe/Berlin";
  s.layers = std::move(layers);
  return Describe(RenderShifts(testing::MustValidate(s), At(since), At(until)).value());
}

TEST(IncidentIoTest, TwoLayersPutTheNextTwoPeopleOnCall) {
  IncidentIoRotation r = Rotation();
  r.layer_count = 2;
  auto first = LayersFromIncidentIo(r, 0, ZoneOf("Europe/Berlin"));
  auto second = LayersFromIncidentIo(r, 1, ZoneOf("Europe/Berlin"));
  ASSERT_TRUE(first.has_value() && second.has_value());
  ASSERT_EQ(first->size(), 1u);
  // Turn k: users[2k % 3] and users[(2k + 1) % 3].
  EXPECT_EQ((*first)[0].users, (std::vector<std::string>{"a", "c", "b"}));
  EXPECT_EQ((*second)[0].users, (std::vector<std::string>{"b", "a", "c"}));
  EXPECT_EQ((*first)[0].rotation_turn_length, 7 * 24h);
}

TEST(IncidentIoTest, UnevenHandoversBecomeOneLayerPerSlot) {
  // Monday 09:00 → Friday 09:00 → Monday 09:00, each hand-over moving to the next user.
  IncidentIoRotation r = Rotation();
  r.handovers = {{4, "daily"}, {3, "daily"}};
  auto layers = LayersFromIncidentIo(r, 0, ZoneOf("Europe/Berlin"));
  ASSERT_TRUE(layers.has_value()) << layers.error().message;
  ASSERT_EQ(layers->size(), 2u);
  EXPECT_EQ((*layers)[1].rotation_virtual_start, At("2026-01-09T09:00:00+01:00"));
  EXPECT_EQ((*layers)[1].restrictions[0].start_day_of_week, 5);
  EXPECT_EQ(Render(*layers, "2026-01-05T00:00:00Z", "2026-01-19T08:00:00Z"),
            (Lines{"a 2026-01-05T08:00:00Z 2026-01-09T08:00:00Z",
                   "b 2026-01-09T08:00:00Z 2026-01-12T08:00:00Z",
                   "c 2026-01-12T08:00:00Z 2026-01-16T08:00:00Z",
                   "a 2026-01-16T08:00:00Z 2026-01-19T08:00:00Z"}));
}

TEST(IncidentIoTest, WorkingIntervalsBecomeRestrictions) {
  IncidentIoRotation r = Rotation();
  r.handovers = {{1, "daily"}};
  r.working_intervals = {{"monday", "09:00", "17:00"}, {"tuesday", "22:00", "06:00"}};
  auto layers = LayersFromIncidentIo(r, 0, ZoneOf("Europe/Berlin")).value();
  EXPECT_EQ(Render(layers, "2026-01-05T00:00:00Z", "2026-01-08T00:00:00Z"),
            (Lines{"a 2026-01-05T08:00:00Z 2026-01-05T16:00:00Z",
                   "b 2026-01-06T21:00:00Z 2026-01-07T05:00:00Z"}));
}

TEST(IncidentIoTest, UnevenHandoversMeetWorkingIntervals) {
  IncidentIoRotation r = Rotation();
  r.handovers = {{4, "daily"}, {3, "daily"}};
  r.working_intervals = {{"thursday", "12:00", "17:00"}, {"friday", "08:00", "12:00"}};
  auto layers = LayersFromIncidentIo(r, 0, ZoneOf("Europe/Berlin")).value();
  EXPECT_EQ(Render(layers, "2026-01-05T00:00:00Z", "2026-01-12T00:00:00Z"),
            (Lines{"a 2026-01-08T11:00:00Z 2026-01-08T16:00:00Z",
                   "a 2026-01-09T07:00:00Z 2026-01-09T08:00:00Z",
                   "b 2026-01-09T08:00:00Z 2026-01-09T11:00:00Z"}));
}

TEST(IncidentIoTest, RejectsUnevenHandoversThatDoNotMakeADayOrWeek) {
  IncidentIoRotation r = Rotation();
  r.handovers = {{4, "daily"}, {6, "daily"}};
  auto layers = LayersFromIncidentIo(r, 0, ZoneOf("Europe/Berlin"));
  ASSERT_FALSE(layers.has_value());
  EXPECT_EQ(layers.error().message.rfind("rotations.handovers", 0), 0u);
  r.handovers = {{1, "monthly"}};
  EXPECT_FALSE(LayersFromIncidentIo(r, 0, ZoneOf("Europe/Berlin")).has_value());
}

}  // namespace
}  // namespace im::schedule

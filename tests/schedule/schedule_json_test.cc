// Schedules and policies as JSON: round trips and errors that name the full field path.
#include "schedule/schedule_json.h"

#include <gtest/gtest.h>

#include "schedule_test_util.h"

namespace im::schedule {
namespace {

using namespace std::chrono_literals;
using testing::At;

TEST(ScheduleJsonTest, ScheduleRoundTripsThroughJson) {
  Schedule s{.id = "s", .name = "S", .time_zone = "Europe/Berlin"};
  Layer layer = testing::MakeLayer("2026-03-23T09:00:00Z", 604800s, {"a@example.com", ""});
  layer.end = At("2026-06-01T00:00:00Z");
  layer.rotation_virtual_start = At("2026-03-16T09:00:00Z");
  layer.restrictions = {{Restriction::Type::kWeekly, 79200s, 36000s, 5},
                        {Restriction::Type::kDaily, 3600s, 1800s, 1}};
  s.layers = {layer};
  s.overrides = {{"o", At("2026-04-01T00:00:00Z"), At("2026-04-02T00:00:00Z"), "b@example.com"}};
  json::value v = ScheduleToJson(s);
  auto back = ScheduleFromJson(v, "schedule");
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(json::Serialize(ScheduleToJson(*back)), json::Serialize(v));
  EXPECT_EQ(back->layers[0].restrictions[0].start_day_of_week, 5);
  EXPECT_EQ(back->layers[0].users[1], "");
}

TEST(ScheduleJsonTest, PolicyRoundTripsThroughJson) {
  EscalationPolicy p{.id = "p",
                     .name = "P",
                     .rules = {{15min, {{EscalationTarget::Type::kSchedule, "s"}}},
                               {5min, {{EscalationTarget::Type::kUser, "c@example.com"}}}},
                     .num_loops = 2,
                     .services = {"api", "web"}};
  json::value v = PolicyToJson(p);
  auto back = PolicyFromJson(v, "policy");
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(json::Serialize(PolicyToJson(*back)), json::Serialize(v));
}

TEST(ScheduleJsonTest, ErrorsNameTheFullPath) {
  struct Case {
    const char* json;
    const char* message;
  };
  for (const auto& c : {
           Case{R"({"time_zone":"UTC"})", "x.id: is missing"},
           Case{R"({"id":"s","time_zone":"UTC","schedule_layers":[{"start":"2026-01-01T00:00:00Z",
                "rotation_turn_length":"soon","users":["a@example.com"]}]})",
                "x.schedule_layers[0].rotation_turn_length: cannot read 'soon'"},
           Case{R"({"id":"s","time_zone":"UTC","schedule_layers":[{"start":"2026-01-01T00:00:00Z",
                "rotation_turn_length_seconds":60,"users":["a@example.com"],
                "restrictions":[{"type":"monthly","start_time_of_day":"09:00"}]}]})",
                "x.schedule_layers[0].restrictions[0].type: unknown 'monthly'"},
           Case{R"({"id":"s","time_zone":"UTC","schedule_layers":[{"start":"2026-01-01T00:00:00Z",
                "rotation_turn_length_seconds":60,"users":["a@example.com"],
                "restrictions":[{"type":"weekly","start_time_of_day":"09:00","duration":"1h"}]}]})",
                "x.schedule_layers[0].restrictions[0].start_day_of_week: is missing"},
           Case{R"({"id":"s","time_zone":"UTC","overrides":[{"start":"2026-01-01T00:00:00Z"}]})",
                "x.overrides[0].end: is missing"},
       }) {
    auto v = json::Parse(c.json);
    ASSERT_TRUE(v);
    auto s = ScheduleFromJson(*v, "x");
    ASSERT_FALSE(s) << c.json;
    EXPECT_TRUE(s.error().message.starts_with(c.message)) << s.error().message;
  }
  auto p = PolicyFromJson(
      *json::Parse(R"({"id":"p","escalation_rules":[{"targets":[{"type":"team","id":"t"}]}]})"),
      "y");
  ASSERT_FALSE(p);
  EXPECT_TRUE(
      p.error().message.starts_with("y.escalation_rules[0].targets[0].type: unknown 'team'"))
      << p.error().message;
}

TEST(ScheduleJsonTest, AtPathJoinsFieldNamesAndPrefixesSentences) {
  EXPECT_EQ(AtPath({ErrorCode::kInvalidArgument, "time_zone: unknown"}, "schedules[1]").message,
            "schedules[1].time_zone: unknown");
  EXPECT_EQ(AtPath({ErrorCode::kInvalidArgument, "no good"}, "schedules[1]").message,
            "schedules[1]: no good");
}

}  // namespace
}  // namespace im::schedule

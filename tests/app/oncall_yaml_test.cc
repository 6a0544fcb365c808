// The on-call YAML file: what it accepts and how its errors point at a line and a field.
#include "app/oncall_yaml.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "common/time.h"

namespace im::app {
namespace {

using namespace std::chrono_literals;

TEST(OncallYamlTest, ReadsSchedulesPoliciesAndPeople) {
  auto file = ParseOnCallYaml(R"(
schedules:
  - id: s
    time_zone: Europe/Berlin
    schedule_layers:
      - start: 2026-03-23T10:00:00+01:00
        rotation_turn_length: 7d
        users: [a@example.com, "b@example.com"]
        restrictions:
          - {type: daily, start_time_of_day: "22:00", duration: 10h}
escalation_policies:
  - id: p
    num_loops: 2
    services: [api]
    escalation_rules:
      - targets: [{type: schedule, id: s}]
people:
  - {email: a@example.com, name: Ann, time_zone: Asia/Tokyo}
)",
                              "oncall.yaml");
  ASSERT_TRUE(file) << file.error().message;
  const auto& c = file->contents;
  ASSERT_EQ(c.schedules.size(), 1u);
  const auto& layer = c.schedules[0].schedule.layers.at(0);
  EXPECT_EQ(c.schedules[0].schedule.name, "s");  // defaults to the id
  EXPECT_EQ(layer.start, *ParseTime("2026-03-23T09:00:00Z"));
  EXPECT_EQ(layer.rotation_virtual_start, layer.start);
  EXPECT_EQ(layer.rotation_turn_length, std::chrono::seconds(7 * 86400));
  EXPECT_EQ(layer.users, (std::vector<std::string>{"a@example.com", "b@example.com"}));
  EXPECT_EQ(layer.restrictions.at(0).start_time_of_day, 22h);
  EXPECT_EQ(layer.restrictions.at(0).duration, 10h);
  ASSERT_EQ(c.policies.size(), 1u);
  EXPECT_EQ(c.policies[0].policy.num_loops, 2);
  EXPECT_EQ(c.policies[0].policy.rules.at(0).delay, 30min);  // PagerDuty's default
  EXPECT_EQ(c.people, (std::vector<store::Person>{{"a@example.com", "Ann", "Asia/Tokyo"}}));
}

TEST(OncallYamlTest, ErrorsNameTheFileLineAndField) {
  struct Case {
    const char* yaml;
    const char* message;
  };
  for (const auto& c : {
           Case{"schedule:\n  - id: x\n",
                "f.yaml:1: schedule: unknown key; known keys here are: schedules, "
                "escalation_policies, people"},
           Case{"schedules:\n  - id: x\n    time_zone: UTC\n    schedule_layers:\n"
                "      - start: next monday\n",
                "f.yaml:5: schedules[0].schedule_layers[0].start: cannot read 'next monday'; use "
                "RFC 3339 like 2026-11-02T09:00:00-05:00"},
           Case{"schedules:\n  - id: x\n    time_zone: UTC\n    schedule_layers:\n"
                "      - start: 2026-01-01T00:00:00Z\n        rotation_turn_length_seconds: '60'\n",
                "f.yaml:6: schedules[0].schedule_layers[0].rotation_turn_length_seconds: must be a "
                "whole number"},
           Case{"people:\n  - email: bob\n",
                "f.yaml:2: people[0].email: email 'bob' is not an email address"},
           Case{"schedules:\n  - [1, 2\n", "f.yaml:3: not valid YAML"},
       }) {
    auto file = ParseOnCallYaml(c.yaml, "f.yaml");
    ASSERT_FALSE(file) << c.yaml;
    EXPECT_EQ(file.error().code, ErrorCode::kInvalidArgument);
    EXPECT_TRUE(file.error().message.starts_with(c.message)) << file.error().message;
  }
}

TEST(OncallYamlTest, LocateFallsBackToTheNearestKnownField) {
  auto file = ParseOnCallYaml("schedules:\n  - id: x\n    time_zone: UTC\n", "f.yaml");
  ASSERT_TRUE(file);
  auto e = file->Locate({ErrorCode::kInvalidArgument, "schedules[0].schedule_layers: needs one"});
  EXPECT_EQ(e.message, "f.yaml:2: schedules[0].schedule_layers: needs one");
  EXPECT_EQ(file->Locate({ErrorCode::kInternal, "disk full"}).message, "f.yaml: disk full");
}

TEST(OncallYamlTest, TheExampleFileLoads) {
  const char* src = std::getenv("IM_SOURCE_DIR");
  if (!src) src = IM_TEST_SOURCE_DIR;
  auto file = LoadOnCallYaml(std::string(src) + "/docs/examples/oncall.yaml");
  ASSERT_TRUE(file) << file.error().message;
  EXPECT_EQ(file->contents.schedules.size(), 2u);
  EXPECT_EQ(file->contents.policies.size(), 1u);
  EXPECT_EQ(LoadOnCallYaml("/nonexistent/oncall.yaml").error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace im::app

// `im oncall` as a user runs it: the real binary (IM_BINARY), a YAML file, a temporary data
// directory, and --at instead of the wall clock.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "common/json.h"
#include "fakes/deadline.h"
#include "fakes/process.h"
#include "fakes/temp_dir.h"

namespace im::cli {
namespace {

struct CliRun {
  int code = -1;
  std::string out;
  std::string err;
};

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A daily 09:00 hand-off in New York across the 2026-11-01 fall-back (a 25-hour turn), a
// secondary in Berlin, and a policy for "api": primary, then carol after 15 minutes, then the
// secondary 20 minutes later.
constexpr const char* kOncallYaml = R"yaml(
schedules:
  - id: api-primary
    name: API primary
    time_zone: America/New_York
    schedule_layers:
      - name: daily
        start: 2026-10-30T09:00:00-04:00
        rotation_turn_length: 1d
        users: [alice@example.com, bob@example.com]
  - id: api-secondary
    time_zone: Europe/Berlin
    schedule_layers:
      - start: 2026-10-26T10:00:00+01:00
        rotation_turn_length_seconds: 604800
        users: [dave@example.com]
escalation_policies:
  - id: api
    services: [api]
    escalation_rules:
      - escalation_delay_in_minutes: 15
        targets: [{type: schedule, id: api-primary}]
      - escalation_delay_in_minutes: 20
        targets: [{type: user, id: carol@example.com}]
      - escalation_delay_in_minutes: 30
        targets: [{type: schedule, id: api-secondary}]
people:
  - {email: alice@example.com, time_zone: America/New_York}
)yaml";

class OncallCliTest : public ::testing::Test {
 protected:
  CliRun Im(const std::vector<std::string>& args) {
    std::string cmd =
        "env -u IM_DATA_DIR -u IM_CONFIG -u IM_ACTOR HOME=" + Quote(dir_.path().string()) +
        " USER=tester " + Quote(im::testing::ImBinary()) + " --data-dir " +
        Quote(dir_.File("data"));
    for (const auto& a : args) cmd += " " + Quote(a);
    std::string out = dir_.File("out"), err = dir_.File("err");
    cmd += " >" + Quote(out) + " 2>" + Quote(err) + " </dev/null";
    int status = im::testing::SystemWithDeadline(cmd);
    return CliRun{WIFEXITED(status) ? WEXITSTATUS(status) : -1, Slurp(out), Slurp(err)};
  }

  std::string Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_.File(name)) << text;
    return dir_.File(name);
  }

  void Import() {
    auto r = Im({"oncall", "import", Write("oncall.yaml", kOncallYaml)});
    ASSERT_EQ(r.code, 0) << r.err;
  }

  im::testing::TempDir dir_;
};

TEST_F(OncallCliTest, ServiceViewBeforeTheFallBackChange) {
  Import();
  auto r = Im({"oncall", "--service", "api", "--at", "2026-10-31T12:00:00Z"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out,
            "Service: api\n"
            "Current On-Call: alice@example.com (until 2026-10-31T09:00:00-04:00)\n"
            "Next On-Call: bob@example.com (2026-10-31T09:00:00-04:00)\n"
            "Escalation: After 15 minutes → carol@example.com\n"
            "Escalation: After 35 minutes → dave@example.com\n");
}

TEST_F(OncallCliTest, ServiceViewAfterTheFallBackChangeKeepsTheWallClockHandoff) {
  Import();
  // 07:00 EST on the day the clocks went back: bob's turn began at 09:00 EDT yesterday and
  // ends at 09:00 EST today, 25 hours later.
  auto r = Im({"oncall", "--service", "api", "--at", "2026-11-01T12:00:00Z"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out,
            "Service: api\n"
            "Current On-Call: bob@example.com (until 2026-11-01T09:00:00-05:00)\n"
            "Next On-Call: alice@example.com (2026-11-01T09:00:00-05:00)\n"
            "Escalation: After 15 minutes → carol@example.com\n"
            "Escalation: After 35 minutes → dave@example.com\n");
}

TEST_F(OncallCliTest, ScheduleViewTextAndJson) {
  Import();
  auto r = Im({"oncall", "--schedule", "api-primary", "--at", "2026-11-01T05:30:00Z"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out,
            "Schedule: api-primary (America/New_York)\n"
            "Current On-Call: bob@example.com (until 2026-11-01T09:00:00-05:00)\n"
            "Next On-Call: alice@example.com (2026-11-01T09:00:00-05:00)\n");
  auto json = Im({"oncall", "--schedule", "api-primary", "--at", "2026-11-01T05:30:00Z", "--json"});
  ASSERT_EQ(json.code, 0) << json.err;
  auto v = json::Parse(json.out);
  ASSERT_TRUE(v) << json.out;
  const auto& current = v->as_object().at("current").as_object();
  EXPECT_EQ(current.at("start").as_string(), "2026-10-31T09:00:00-04:00");
  EXPECT_EQ(current.at("end").as_string(), "2026-11-01T09:00:00-05:00");
}

TEST_F(OncallCliTest, AtAcceptsRelativeTimesAndRejectsNonsense) {
  Import();
  EXPECT_EQ(Im({"oncall", "--schedule", "api-primary", "--at", "+2h"}).code, 0);
  auto r = Im({"oncall", "--schedule", "api-primary", "--at", "teatime"});
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find("--at"), std::string::npos) << r.err;
  EXPECT_EQ(Im({"oncall", "--schedule", "nope"}).code, 4);
}

TEST_F(OncallCliTest, ShiftsAcrossTheChangeArePrintedWithTheirOwnOffsets) {
  Import();
  auto r = Im({"oncall", "shifts", "--schedule", "api-primary", "--since", "2026-10-31T13:00:00Z",
               "--until", "2026-11-02T14:00:00Z", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto v = json::Parse(r.out);
  ASSERT_TRUE(v) << r.out;
  const auto& shifts = v->as_object().at("shifts").as_array();
  ASSERT_EQ(shifts.size(), 2u);
  EXPECT_EQ(shifts[0].as_object().at("user").as_string(), "bob@example.com");
  EXPECT_EQ(shifts[0].as_object().at("end").as_string(), "2026-11-01T09:00:00-05:00");
  EXPECT_EQ(shifts[1].as_object().at("start").as_string(), "2026-11-01T09:00:00-05:00");
}

TEST_F(OncallCliTest, HoursSplitByTimeOfDay) {
  Import();
  // alice's turn Friday 2026-10-30 09:00 → Saturday 09:00 EDT: 09–18 business (9 h), 18–24
  // evening (6 h), Saturday 00–09 weekend (9 h).
  auto r = Im({"oncall", "hours", "--since", "2026-10-30T13:00:00Z", "--until",
               "2026-10-31T13:00:00Z", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto v = json::Parse(r.out);
  ASSERT_TRUE(v) << r.out;
  bool found = false;
  for (const auto& e : v->as_object().at("engineers").as_array()) {
    const auto& o = e.as_object();
    if (o.at("email").as_string() != "alice@example.com") continue;
    found = true;
    EXPECT_EQ(o.at("business_seconds").as_int64(), 9 * 3600);
    EXPECT_EQ(o.at("evening_seconds").as_int64(), 6 * 3600);
    EXPECT_EQ(o.at("night_weekend_seconds").as_int64(), 9 * 3600);
    EXPECT_EQ(o.at("total_seconds").as_int64(), 24 * 3600);
  }
  EXPECT_TRUE(found) << r.out;
}

TEST_F(OncallCliTest, GapsBeforeTheFirstLayerStarts) {
  Import();
  auto r = Im({"oncall", "gaps", "--schedule", "api-primary", "--at", "2026-10-29T13:00:00Z",
               "--days", "2"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("api-primary  2026-10-29T09:00:00-04:00  2026-10-30T09:00:00-04:00  1d"),
            std::string::npos)
      << r.out;
}

TEST_F(OncallCliTest, BadYamlNamesFieldAndLineAndStoresNothing) {
  Import();
  struct Case {
    std::string yaml;
    std::string mentions;
  };
  for (const auto& c : {
           Case{"schedules:\n  - id: x\n    time_zone: America/New_Yrok\n",
                ":3: schedules[0].time_zone: unknown time zone 'America/New_Yrok'"},
           Case{"schedules:\n  - id: x\n    time_zone: UTC\n    schedule_layers:\n"
                "      - start: 2026-10-30T09:00:00Z\n        rotation_turn_length_seconds: 0\n"
                "        users: [a@example.com]\n",
                ":6: schedules[0].schedule_layers[0].rotation_turn_length_seconds: must be "
                "positive"},
           Case{"schedules:\n  - id: x\n    tim_zone: UTC\n", ":3: schedules[0].tim_zone: unknown"},
           Case{"escalation_policies:\n  - id: p\n    escalation_rules:\n"
                "      - targets: [{type: schedule, id: nope}]\n",
                ":4: escalation_policies[0].escalation_rules[0].targets: schedule 'nope'"},
           Case{"schedules: [\n", "not valid YAML"},
       }) {
    auto r = Im({"oncall", "import", Write("bad.yaml", c.yaml)});
    EXPECT_EQ(r.code, 3) << c.yaml;
    EXPECT_NE(r.err.find(c.mentions), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "");
  }
  // The earlier import is intact.
  auto r = Im({"oncall", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto v = json::Parse(r.out);
  ASSERT_TRUE(v) << r.out;
  EXPECT_EQ(v->as_object().at("oncalls").as_array().size(), 2u);
}

TEST_F(OncallCliTest, ImportReplacesImsOwnDefinitions) {
  Import();
  auto r = Im({"oncall", "import",
               Write("small.yaml",
                     "schedules:\n  - id: only\n    time_zone: UTC\n    schedule_layers:\n"
                     "      - start: 2026-10-30T09:00:00Z\n        rotation_turn_length: 12h\n"
                     "        users: [zed@example.com]\n")});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("removed 2 schedule(s) and 1 policy(ies)"), std::string::npos) << r.out;
  auto gone = Im({"oncall", "--service", "api"});
  EXPECT_EQ(gone.code, 4);
  EXPECT_NE(gone.err.find("no escalation policy pages for service 'api'"), std::string::npos);
}

}  // namespace
}  // namespace im::cli

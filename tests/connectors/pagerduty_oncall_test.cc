// Imported PagerDuty schedules rendered by im's on-call engine must give exactly the shifts
// PagerDuty renders (the simulator's final_schedule, written from PagerDuty's docs separately
// from src/schedule), across the zones and DST changes the generated schedules use.
#include "pagerduty_fixture.h"
#include "schedule/oncall.h"
#include "schedule/valid_schedule.h"
#include "sim_test_util.h"

namespace im::connectors::testing {
namespace {

class PagerDutyOnCallTest : public PagerDutyFixture {};

TEST_F(PagerDutyOnCallTest, ImportsSchedulesAndPoliciesWithPeopleAsEmails) {
  Start({.incidents = 50});
  ASSERT_TRUE(Open()->Sync({}));
  auto stored = schedules_->ListSchedules();
  ASSERT_TRUE(stored);
  size_t sim_schedules;
  {
    std::lock_guard lock(sim_->state().mu);
    sim_schedules = sim_->state().world.schedules.size();
  }
  EXPECT_EQ(stored->size(), sim_schedules);
  for (const auto& s : *stored) {
    EXPECT_EQ(s.source, "pagerduty:pd");
    EXPECT_FALSE(s.schedule.layers.empty());
    for (const auto& l : s.schedule.layers) {
      for (const auto& u : l.users) EXPECT_NE(u.find('@'), std::string::npos) << u;
    }
  }
  ASSERT_TRUE(Open()->Sync({}));  // a second import updates in place
  EXPECT_EQ(schedules_->ListSchedules()->size(), sim_schedules);
  auto policies = schedules_->ListPolicies();
  ASSERT_TRUE(policies);
  EXPECT_FALSE(policies->empty());
}

TEST_F(PagerDutyOnCallTest, ImportsPagerDutyUsersAsPeopleByEmail) {
  Start({.incidents = 5});
  ASSERT_TRUE(schedules_->UpsertPerson({.email = "stale@example.com", .name = "Kept"}));
  ASSERT_TRUE(Open()->Sync({}));
  std::map<std::string, std::pair<std::string, std::string>> expected;  // email → name, zone
  {
    std::lock_guard lock(sim_->state().mu);
    for (const auto& u : sim_->state().world.users) expected[u.email] = {u.name, u.time_zone};
  }
  ASSERT_FALSE(expected.empty());
  // Someone renames themselves in PagerDuty: the next sync updates the person in place.
  {
    std::lock_guard lock(sim_->state().mu);
    auto& u = sim_->state().world.users.front();
    u.name = "Renamed Person";
    expected[u.email].first = u.name;
  }
  ASSERT_TRUE(Open()->Sync({}));
  auto people = schedules_->ListPeople();
  ASSERT_TRUE(people);
  std::map<std::string, std::pair<std::string, std::string>> got;
  for (const auto& p : *people) got[p.email] = {p.name, p.time_zone};
  EXPECT_EQ(got.at("stale@example.com").first, "Kept");  // people are never removed
  got.erase("stale@example.com");
  EXPECT_EQ(got, expected);
}

// The check that found the simulator rendering whole-day turns on elapsed time: both now hand
// off at the same wall-clock time across DST, as PagerDuty's docs describe hand-off times.
TEST_F(PagerDutyOnCallTest, ImportedSchedulesRenderAsPagerDutyRendersThem) {
  Start({.incidents = 50});
  ASSERT_TRUE(Open()->Sync({}));
  auto stored = schedules_->ListSchedules();
  ASSERT_TRUE(stored);
  std::vector<std::pair<std::string, std::string>> pd_schedules;  // PagerDuty id, our id
  for (const auto& s : *stored) pd_schedules.emplace_back(s.external_id, s.schedule.id);
  ASSERT_GE(pd_schedules.size(), 2u);
  std::map<std::string, std::string> email;
  {
    std::lock_guard lock(sim_->state().mu);
    for (const auto& u : sim_->state().world.users) email[u.id] = u.email;
  }
  // June has no DST change; March holds the US (8th) and EU (29th) spring-forward; October and
  // November hold the EU (25th) and US (1st) fall-back. The night layers' 22:00-08:00
  // restriction crosses each of them.
  for (auto [since, until] : {std::pair{"2026-06-01T00:00:00Z", "2026-06-29T00:00:00Z"},
                              std::pair{"2026-03-01T00:00:00Z", "2026-03-31T00:00:00Z"},
                              std::pair{"2026-10-20T00:00:00Z", "2026-11-05T00:00:00Z"}}) {
    for (const auto& [pd_id, our_id] : pd_schedules) {
      auto res = sim::testing::Call(
          router_, "GET",
          "/schedules/" + pd_id + "?since=" + std::string(since) + "&until=" + until,
          {{"Authorization", std::string("Token token=") + kKey}});
      ASSERT_EQ(res.status, 200) << res.body;
      auto body = json::Parse(res.body)->as_object();
      const auto& entries = body.at("schedule")
                                .as_object()
                                .at("final_schedule")
                                .as_object()
                                .at("rendered_schedule_entries")
                                .as_array();
      std::vector<std::string> theirs;
      for (const auto& e : entries) {
        const auto& o = e.as_object();
        theirs.push_back(email[std::string(o.at("user").as_object().at("id").as_string())] + " " +
                         FormatTime(*ParseTime(o.at("start").as_string())) + " " +
                         FormatTime(*ParseTime(o.at("end").as_string())));
      }
      auto ours_stored = schedules_->GetSchedule(our_id);
      ASSERT_TRUE(ours_stored);
      auto valid = schedule::Validate(ours_stored->schedule);
      ASSERT_TRUE(valid) << valid.error().message;
      auto shifts = schedule::RenderShifts(*valid, *ParseTime(since), *ParseTime(until), {});
      ASSERT_TRUE(shifts);
      std::vector<std::string> ours;
      for (const auto& s : *shifts) {
        ours.push_back(s.user + " " + FormatTime(s.start) + " " + FormatTime(s.end));
      }
      EXPECT_EQ(ours, theirs) << "schedule " << pd_id << " from " << since;
    }
  }
}

}  // namespace
}  // namespace im::connectors::testing

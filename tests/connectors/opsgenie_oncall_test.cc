#include <cctype>
#include <set>

#include "connectors/opsgenie/mapping.h"
#include "engine/oncall.h"
#include "opsgenie_fixture.h"
#include "schedule/escalation.h"
#include "schedule/oncall.h"
#include "sim/opsgenie/schedule_render.h"

namespace im::connectors::testing {
namespace {

class OpsgenieOnCall : public OpsgenieFixture {
 protected:
  // im's answer for Opsgenie schedule `sid` at `at`: everyone on call in its rotations.
  std::set<std::string> Ours(const std::string& sid, Time at) {
    std::set<std::string> out;
    auto all = schedules_->ListSchedules();
    EXPECT_TRUE(all);
    for (const auto& s : *all) {
      if (s.source != "opsgenie:og" || !s.external_id.starts_with(sid + "/")) continue;
      auto valid = schedule::Validate(s.schedule);
      EXPECT_TRUE(valid) << valid.error().message;
      if (!valid) continue;
      if (auto shift = schedule::OnCallAt(*valid, at); shift && !shift->user.empty()) {
        out.insert(shift->user);
      }
    }
    return out;
  }
  // The simulator's own answer (the renderer behind its /timeline finalTimeline and on-calls).
  std::set<std::string> Theirs(const sim::opsgenie::Schedule& s, Time at) {
    std::set<std::string> out;
    const auto& w = us_.sim->state().world;
    for (const auto& p : sim::opsgenie::OnCallAt(s, at)) {
      if (p.type != "user") continue;
      const auto* u = w.FindUser(p.id);
      out.insert(u ? u->username : p.id);
    }
    return out;
  }
};

TEST_F(OpsgenieOnCall, ImportedSchedulesAgreeWithOpsgenieAtEveryInstantAcrossDst) {
  Start({.alerts = 10});
  Add();
  ASSERT_TRUE(Open()->Sync({}));
  std::vector<Time> instants;
  // Every 30 minutes over the last ten days and the next five (the overrides' days) ...
  for (Time t = clock_.Now() - std::chrono::days(10); t < clock_.Now() + std::chrono::days(5);
       t += std::chrono::minutes(30)) {
    instants.push_back(t);
  }
  // ... and every 15 minutes across the DST changes of the schedules' zones in 2026: London
  // (29 March), New York (8 March) and Sydney (5 April, summer time ends).
  for (const char* day : {"2026-03-28T00:00:00Z", "2026-03-07T00:00:00Z", "2026-04-04T00:00:00Z"}) {
    Time start = *ParseTime(day);
    for (Time t = start; t < start + std::chrono::days(3); t += std::chrono::minutes(15)) {
      instants.push_back(t);
    }
  }
  std::lock_guard lock(us_.sim->state().mu);
  const auto& schedules = us_.sim->state().world.schedules;
  ASSERT_FALSE(schedules.empty());
  int compared = 0, staffed = 0;
  for (const auto& s : schedules) {
    for (Time at : instants) {
      auto theirs = Theirs(s, at);
      ASSERT_EQ(Ours(s.id, at), theirs) << s.name << " at " << FormatTime(at);
      ++compared;
      staffed += theirs.empty() ? 0 : 1;
    }
  }
  EXPECT_GT(compared, 1000);
  EXPECT_GT(staffed, compared / 2);  // most instants have someone on call: not empty vs empty
}

// `im oncall --service S`: an Opsgenie service routes to its owning team's escalation, whose
// first level is the team's schedule: the people paged first are exactly those Opsgenie has
// on call in that schedule's rotations, and the primary on-call is one of them when any is.
TEST_F(OpsgenieOnCall, AServicePagesWhoItsTeamsScheduleHasOnCall) {
  Start({.alerts = 10});
  Add();
  ASSERT_TRUE(Open()->Sync({}));
  engine::OnCall oncall(*schedules_, clock_);
  std::lock_guard lock(us_.sim->state().mu);
  const auto& w = us_.sim->state().world;
  ASSERT_FALSE(w.services.empty());
  int compared = 0, staffed = 0;
  for (const auto& svc : w.services) {
    const sim::opsgenie::Escalation* esc = nullptr;
    for (const auto& e : w.escalations) {
      if (e.owner_team_id == svc.team_id) esc = &e;
    }
    ASSERT_NE(esc, nullptr) << svc.name;
    ASSERT_EQ(esc->rules.front().recipient.type, "schedule");
    const sim::opsgenie::Schedule* sched = nullptr;
    for (const auto& s : w.schedules) {
      if (s.id == esc->rules.front().recipient.id) sched = &s;
    }
    ASSERT_NE(sched, nullptr);
    for (Time at = clock_.Now() - std::chrono::days(3); at < clock_.Now() + std::chrono::days(2);
         at += std::chrono::minutes(45)) {
      auto got = oncall.ForService(opsgenie::OgServiceName(svc.name), at);
      ASSERT_TRUE(got) << svc.name << ": " << got.error().message;
      std::set<std::string> ours;
      for (const auto& u : got->levels.front().users) ours.insert(u.user);
      auto theirs = Theirs(*sched, at);
      ASSERT_EQ(ours, theirs) << svc.name << " at " << FormatTime(at);
      if (!theirs.empty()) {
        ASSERT_TRUE(got->primary && got->primary->current) << svc.name << " " << FormatTime(at);
        EXPECT_TRUE(theirs.contains(got->primary->current->user));
        ++staffed;
      }
      ++compared;
    }
  }
  EXPECT_GT(compared, 100);
  EXPECT_GT(staffed, compared / 2);
}

TEST_F(OpsgenieOnCall, EscalationsBecomePoliciesWithLevelsDelaysAndRepeats) {
  Start({.alerts = 10});
  Add();
  ASSERT_TRUE(Open()->Sync({}));
  auto policies = schedules_->ListPolicies();
  ASSERT_TRUE(policies);
  std::lock_guard lock(us_.sim->state().mu);
  const auto& w = us_.sim->state().world;
  ASSERT_EQ(policies->size(), w.escalations.size());
  for (const auto& e : w.escalations) {
    auto p = schedules_->FindPolicy("opsgenie:og", e.id);
    ASSERT_TRUE(p && *p) << e.name;
    const auto& policy = (*p)->policy;
    EXPECT_EQ(policy.name, e.name);
    // Its id reads like its name: "Platform_escalation" → og-og-platform-escalation.
    std::string slug;
    for (char c : e.name) {
      slug += std::isalnum(static_cast<unsigned char>(c))
                  ? static_cast<char>(std::tolower(static_cast<unsigned char>(c)))
                  : '-';
    }
    EXPECT_EQ(policy.id, "og-og-" + slug) << e.name;
    EXPECT_EQ(policy.num_loops, e.repeat_count);
    ASSERT_EQ(policy.rules.size(), e.rules.size());
    // Opsgenie's delays count from the alert's creation (0, 15, 30 min); im's are the wait
    // before the next level, the last one Opsgenie's wait before repeating.
    EXPECT_EQ(policy.rules[0].delay, std::chrono::minutes(15));
    EXPECT_EQ(policy.rules[1].delay, std::chrono::minutes(15));
    EXPECT_EQ(policy.rules[2].delay, std::chrono::minutes(e.repeat_wait_minutes));
    EXPECT_EQ(policy.rules[0].targets.front().type, schedule::EscalationTarget::Type::kSchedule);
    const auto* admin = w.FindUser(e.rules[1].recipient.id);
    ASSERT_TRUE(admin);
    EXPECT_EQ(policy.rules[1].targets.front().id, admin->username);
    EXPECT_FALSE(policy.rules[2].targets.empty());  // the team's members
  }
}

}  // namespace
}  // namespace im::connectors::testing

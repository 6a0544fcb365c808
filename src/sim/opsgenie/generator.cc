// The seeded Opsgenie directory: users, teams, services, schedules and escalations (the alert
// and incident history is history.cc).
#include "sim/opsgenie/generator.h"

#include <date/tz.h>

#include <algorithm>

#include "sim/common/random.h"
#include "sim/opsgenie/history.h"

namespace im::sim::opsgenie {
namespace {

using std::chrono::days;
using std::chrono::hours;

const char* const kNames[][2] = {
    {"Ada Lovelace", "ada.lovelace"},       {"Grace Hopper", "grace.hopper"},
    {"Linus Torvalds", "linus.torvalds"},   {"Margaret Hamilton", "margaret.hamilton"},
    {"Ken Thompson", "ken.thompson"},       {"Barbara Liskov", "barbara.liskov"},
    {"Dennis Ritchie", "dennis.ritchie"},   {"Frances Allen", "frances.allen"},
    {"Edsger Dijkstra", "edsger.dijkstra"}, {"Radia Perlman", "radia.perlman"},
    {"Donald Knuth", "donald.knuth"},       {"Katherine Johnson", "katherine.johnson"}};
// Zones with and without DST, on both hemispheres.
const char* const kZones[] = {"Europe/London",    "America/New_York", "Europe/Berlin",
                              "Australia/Sydney", "Asia/Tokyo",       "UTC"};
const char* const kTeams[] = {"Platform", "Payments", "Mobile"};
const char* const kServices[] = {"API Gateway", "Checkout", "Mobile Backend",
                                 "Auth",        "Billing",  "Push Notifications"};

// The first Monday 09:00 (local) at or after `t` in `zone`.
Time MondayNine(Time t, const std::string& zone_name) {
  const date::time_zone* zone = date::locate_zone(zone_name);
  auto day = date::floor<date::days>(zone->to_local(t)) + date::days(1);
  while (date::weekday(day) != date::Monday) day += date::days(1);
  auto local = date::local_time<std::chrono::microseconds>(day) + hours(9);
  return std::chrono::time_point_cast<std::chrono::microseconds>(
      zone->to_sys(local, date::choose::earliest));
}

std::vector<Participant> Users(const World& w, std::initializer_list<size_t> which) {
  std::vector<Participant> out;
  for (size_t i : which) out.push_back({"user", w.users[i].id});
  return out;
}

Rotation MakeRotation(Rng& rng, std::string name, Time start, std::string type, int64_t length,
                      std::vector<Participant> participants) {
  Rotation r;
  r.id = NewUuid(rng);
  r.name = std::move(name);
  r.start_date = start;
  r.type = std::move(type);
  r.length = length;
  r.participants = std::move(participants);
  return r;
}

void MakeSchedules(World& w, Rng& rng, Time epoch, Time now) {
  w.schedules.reserve(w.schedules.size() + 3);  // the references below stay valid
  auto schedule = [&](const char* name, const char* zone, size_t team) -> Schedule& {
    w.schedules.push_back({NewUuid(rng),
                           std::string(name) + "_schedule",
                           std::string(name) + " on-call",
                           zone,
                           w.teams[team].id,
                           true,
                           {},
                           {}});
    return w.schedules.back();
  };
  // Platform (London): a weekly primary around the clock and a nightly secondary.
  Schedule& platform = schedule("Platform", "Europe/London", 0);
  Time start = MondayNine(epoch, platform.timezone);
  platform.rotations.push_back(
      MakeRotation(rng, "Primary", start, "weekly", 1, Users(w, {0, 1, 2, 3})));
  Rotation nights = MakeRotation(rng, "Nights", start, "daily", 1, Users(w, {4, 5}));
  nights.time_of_day = TimeOfDay{22, 0, 8, 0};
  platform.rotations.push_back(std::move(nights));
  // Payments (New York): business hours Monday to Friday, and weekly after hours.
  Schedule& payments = schedule("Payments", "America/New_York", 1);
  start = MondayNine(epoch, payments.timezone);
  Rotation business = MakeRotation(rng, "Business hours", start, "daily", 1, Users(w, {6, 7, 8}));
  for (const char* day : {"monday", "tuesday", "wednesday", "thursday", "friday"}) {
    business.weekday_windows.push_back({day, 9, 0, day, 17, 0});
  }
  payments.rotations.push_back(std::move(business));
  Rotation after = MakeRotation(rng, "After hours", start, "weekly", 1, Users(w, {1, 7}));
  after.time_of_day = TimeOfDay{17, 0, 9, 0};
  payments.rotations.push_back(std::move(after));
  // Mobile (Sydney, southern-hemisphere DST): 12-hour turns with an empty slot.
  Schedule& mobile = schedule("Mobile", "Australia/Sydney", 2);
  auto participants = Users(w, {9, 10, 11});
  participants.push_back({"none", ""});
  mobile.rotations.push_back(MakeRotation(rng, "Follow the sun", MondayNine(epoch, mobile.timezone),
                                          "hourly", 12, std::move(participants)));

  // Overrides: one last week, two in the coming days.
  Time today = std::chrono::floor<days>(now);
  platform.overrides.push_back(
      {NewUuid(rng), w.users[2].id, today - days(6) + hours(8), today - days(4) + hours(8), {}});
  platform.overrides.push_back({NewUuid(rng),
                                w.users[5].id,
                                today + days(2) + hours(21),
                                today + days(3) + hours(9),
                                {platform.rotations[1].id}});
  payments.overrides.push_back(
      {NewUuid(rng), w.users[8].id, today + days(1) + hours(13), today + days(1) + hours(21), {}});
}

void MakeEscalations(World& w, Rng& rng) {
  for (size_t t = 0; t < w.teams.size(); ++t) {
    const Team& team = w.teams[t];
    Escalation e;
    e.id = NewUuid(rng);
    e.name = team.name + "_escalation";
    e.description = "Pages " + team.name + " on-call, then the team admin, then everyone";
    e.owner_team_id = team.id;
    e.rules.push_back({"if-not-acked", "default", 0, {"schedule", w.schedules[t].id}});
    e.rules.push_back({"if-not-acked", "default", 15, {"user", team.members.front().user_id}});
    e.rules.push_back({"if-not-closed", "all", 30, {"team", team.id}});
    e.repeat_wait_minutes = 10;
    e.repeat_count = 1;
    w.escalations.push_back(std::move(e));
  }
}

}  // namespace

World Generate(const GeneratorOptions& o) {
  Rng rng(o.seed);
  World w;
  const Time epoch = o.now - days(o.days) - days(30);
  size_t n = std::size(kNames);
  for (size_t i = 0; i < n; ++i) {
    w.users.push_back({NewUuid(rng), std::string(kNames[i][1]) + "@example.com", kNames[i][0],
                       i == 0  ? "Owner"
                       : i < 3 ? "Admin"
                               : "User",
                       kZones[i % std::size(kZones)], epoch});
  }
  for (size_t t = 0; t < std::size(kTeams); ++t) {
    Team team{NewUuid(rng), kTeams[t], std::string(kTeams[t]) + " engineering", {}};
    for (size_t m = 0; m < 4; ++m)
      team.members.push_back({w.users[t * 4 + m].id, m ? "user" : "admin"});
    w.teams.push_back(std::move(team));
  }
  for (size_t s = 0; s < std::size(kServices); ++s) {
    w.services.push_back({NewUuid(rng), kServices[s], w.teams[s % w.teams.size()].id});
  }
  w.integration = {NewUuid(rng), "Sim API", "API"};
  MakeSchedules(w, rng, epoch, o.now);
  MakeEscalations(w, rng);
  GenerateAlerts(w, rng, o.alerts, o.now - days(o.days), o.now);
  GenerateIncidents(w, rng, o.alerts > 0 ? std::max<int64_t>(1, o.alerts / 10) : 0,
                    o.now - days(o.days), o.now);
  w.SortByCreation();  // the incidents' responder alerts were added after the other alerts
  return w;
}

}  // namespace im::sim::opsgenie

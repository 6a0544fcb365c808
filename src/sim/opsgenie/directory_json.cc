// Rendering of users, teams, schedules, rotations, overrides and escalations.
#include "sim/opsgenie/directory_json.h"

#include "common/time.h"
#include "sim/opsgenie/response.h"

namespace im::sim::opsgenie {

json::object UserJson(const User& u) {
  return {{"id", u.id},
          {"username", u.username},
          {"fullName", u.full_name},
          {"role", {{"id", u.role}, {"name", u.role}}},
          {"timeZone", u.time_zone},
          {"locale", "en_US"},
          {"tags", json::array{}},
          {"details", json::object{}},
          {"blocked", false},
          {"verified", true},
          {"createdAt", FormatMillis(u.created_at)},
          {"userAddress",
           {{"country", ""}, {"state", ""}, {"city", ""}, {"line", ""}, {"zipCode", ""}}}};
}

json::object TeamJson(const World& w, const Team& t) {
  json::array members;
  for (const auto& m : t.members) {
    const User* u = w.FindUser(m.user_id);
    members.push_back(
        {{"user", {{"id", m.user_id}, {"username", u ? u->username : ""}}}, {"role", m.role}});
  }
  return {{"id", t.id},
          {"name", t.name},
          {"description", t.description},
          {"members", std::move(members)}};
}

json::object TeamMetaJson(const World& w, const std::string& team_id) {
  const Team* t = w.FindTeam(team_id);
  return {{"id", team_id}, {"name", t ? t->name : ""}};
}

json::object RecipientJson(const World& w, const Participant& p) {
  json::object o{{"type", p.type}};
  if (p.type == "none") return o;
  o["id"] = p.id;
  if (p.type == "user") {
    if (const User* u = w.FindUser(p.id)) o["username"] = u->username;
  } else if (p.type == "team") {
    if (const Team* t = w.FindTeam(p.id)) o["name"] = t->name;
  } else if (p.type == "escalation") {
    if (const Escalation* e = w.FindEscalation(p.id)) o["name"] = e->name;
  } else if (p.type == "schedule") {
    for (const auto& s : w.schedules) {
      if (s.id == p.id) o["name"] = s.name;
    }
  }
  return o;
}

json::object RotationJson(const World& w, const Rotation& r) {
  json::array participants;
  for (const auto& p : r.participants) participants.push_back(RecipientJson(w, p));
  json::object o{{"id", r.id},     {"name", r.name},     {"startDate", FormatTime(r.start_date)},
                 {"type", r.type}, {"length", r.length}, {"participants", std::move(participants)}};
  if (r.end_date) o["endDate"] = FormatTime(*r.end_date);
  if (r.time_of_day) {
    const auto& t = *r.time_of_day;
    o["timeRestriction"] = {{"type", "time-of-day"},
                            {"restriction",
                             {{"startHour", t.start_hour},
                              {"startMin", t.start_min},
                              {"endHour", t.end_hour},
                              {"endMin", t.end_min}}}};
  } else if (!r.weekday_windows.empty()) {
    json::array restrictions;
    for (const auto& x : r.weekday_windows) {
      restrictions.push_back({{"startDay", x.start_day},
                              {"startHour", x.start_hour},
                              {"startMin", x.start_min},
                              {"endDay", x.end_day},
                              {"endHour", x.end_hour},
                              {"endMin", x.end_min}});
    }
    o["timeRestriction"] = {{"type", "weekday-and-time-of-day"},
                            {"restrictions", std::move(restrictions)}};
  }
  return o;
}

json::object ScheduleJson(const World& w, const Schedule& s) {
  json::array rotations;
  for (const auto& r : s.rotations) rotations.push_back(RotationJson(w, r));
  json::object o{{"id", s.id},
                 {"name", s.name},
                 {"description", s.description},
                 {"timezone", s.timezone},
                 {"enabled", s.enabled},
                 {"rotations", std::move(rotations)}};
  if (!s.owner_team_id.empty()) o["ownerTeam"] = TeamMetaJson(w, s.owner_team_id);
  return o;
}

json::object ScheduleMetaJson(const Schedule& s) {
  return {{"id", s.id}, {"name", s.name}, {"enabled", s.enabled}};
}

json::object OverrideJson(const World& w, const Schedule& s, const Override& o) {
  json::array rotations;
  for (const auto& id : o.rotation_ids) {
    for (const auto& r : s.rotations) {
      if (r.id == id) rotations.push_back({{"id", r.id}, {"name", r.name}});
    }
  }
  return {{"_parent", ScheduleMetaJson(s)},
          {"alias", o.alias},
          {"user", RecipientJson(w, {"user", o.user_id})},
          {"startDate", FormatTime(o.start)},
          {"endDate", FormatTime(o.end)},
          {"rotations", std::move(rotations)}};
}

json::object EscalationJson(const World& w, const Escalation& e) {
  json::array rules;
  for (const auto& r : e.rules) {
    rules.push_back({{"condition", r.condition},
                     {"notifyType", r.notify_type},
                     {"delay", {{"timeAmount", r.delay_minutes}, {"timeUnit", "minutes"}}},
                     {"recipient", RecipientJson(w, r.recipient)}});
  }
  json::object o{{"id", e.id},
                 {"name", e.name},
                 {"description", e.description},
                 {"rules", std::move(rules)},
                 {"repeat",
                  {{"waitInterval", e.repeat_wait_minutes},
                   {"count", e.repeat_count},
                   {"resetRecipientStates", false},
                   {"closeAlertAfterAll", false}}}};
  if (!e.owner_team_id.empty()) o["ownerTeam"] = TeamMetaJson(w, e.owner_team_id);
  return o;
}

}  // namespace im::sim::opsgenie

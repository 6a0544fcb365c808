// The on-call views as JSON; field names are documented in docs/api.md and openapi.json.
#include "engine/oncall_json.h"

#include "common/time.h"
#include "schedule/schedule_json.h"
#include "schedule/zone.h"

namespace im::engine {
namespace {

json::value OrNull(const std::optional<Time>& t, const std::string& zone) {
  return t ? json::value(FormatInZone(*t, zone)) : json::value(nullptr);
}

json::array UsersToJson(const std::vector<schedule::OnCallUser>& users, const std::string& zone) {
  json::array out;
  for (const auto& u : users) {
    out.push_back(json::object{
        {"user", u.user},
        {"schedule_id", u.schedule_id.empty() ? json::value(nullptr) : json::value(u.schedule_id)},
        {"until", OrNull(u.until, zone)}});
  }
  return out;
}

json::value CurrentToJson(const std::optional<schedule::Shift>& shift) {
  return shift ? json::value(schedule::ShiftToJson(*shift)) : json::value(nullptr);
}

json::value NextToJson(const ScheduleOnCall& s) {
  if (!s.next) return nullptr;
  return json::object{{"at", schedule::FormatInOffset(s.next->at, s.next_utc_offset)},
                      {"from", s.next->from},
                      {"to", s.next->to}};
}

}  // namespace

std::string FormatInZone(Time t, const std::string& zone) {
  if (zone.empty()) return FormatTime(t);
  auto z = schedule::LocateZone(zone);
  if (!z) return FormatTime(t);
  return schedule::FormatInOffset(t, schedule::UtcOffset(t, *z));
}

json::object StoredScheduleToJson(const store::StoredSchedule& s) {
  json::object o = schedule::ScheduleToJson(s.schedule);
  o["source"] = s.source;
  o["external_id"] = s.external_id;
  o["updated_at"] = FormatTime(s.updated_at);
  return o;
}

json::object StoredPolicyToJson(const store::StoredPolicy& p) {
  json::object o = schedule::PolicyToJson(p.policy);
  o["source"] = p.source;
  o["external_id"] = p.external_id;
  o["updated_at"] = FormatTime(p.updated_at);
  return o;
}

json::object ScheduleOnCallToJson(const ScheduleOnCall& s, Time at) {
  const auto& spec = s.schedule.schedule;
  return json::object{{"schedule", json::object{{"id", spec.id},
                                                {"name", spec.name},
                                                {"time_zone", spec.time_zone},
                                                {"source", s.schedule.source}}},
                      {"at", FormatInZone(at, spec.time_zone)},
                      {"current", CurrentToJson(s.current)},
                      {"next", NextToJson(s)}};
}

json::object ServiceOnCallToJson(const ServiceOnCall& s) {
  const std::string zone = s.primary ? s.primary->schedule.schedule.time_zone : "";
  json::array levels, escalation;
  for (const auto& l : s.levels) {
    levels.push_back(json::object{{"level", l.level}, {"users", UsersToJson(l.users, zone)}});
  }
  for (const auto& step : s.escalation) {
    escalation.push_back(json::object{
        {"level", step.level},
        {"after_minutes",
         std::chrono::duration_cast<std::chrono::minutes>(step.notify_at - s.at).count()},
        {"notify_at", FormatInZone(step.notify_at, zone)},
        {"users", UsersToJson(step.users, zone)}});
  }
  json::object o{
      {"service", s.service},
      {"at", FormatInZone(s.at, zone)},
      {"escalation_policy",
       json::object{{"id", s.policy.policy.id}, {"name", s.policy.policy.name}}},
      {"schedule", s.primary ? json::value(s.primary->schedule.schedule.id) : json::value(nullptr)},
      {"current", s.primary ? CurrentToJson(s.primary->current) : json::value(nullptr)},
      {"next", s.primary ? NextToJson(*s.primary) : json::value(nullptr)},
      {"levels", std::move(levels)},
      {"escalation", std::move(escalation)}};
  return o;
}

json::object HoursReportToJson(const std::map<std::string, schedule::HoursBreakdown>& hours,
                               Time since, Time until) {
  json::array engineers;
  for (const auto& [email, h] : hours) {
    json::object o = schedule::HoursToJson(h);
    o["email"] = email;
    engineers.push_back(std::move(o));
  }
  return json::object{{"since", FormatTime(since)},
                      {"until", FormatTime(until)},
                      {"engineers", std::move(engineers)}};
}

json::object GapsToJson(const std::vector<ScheduleGaps>& gaps, Time since, Time until) {
  json::array schedules;
  for (const auto& s : gaps) {
    json::array items;
    for (const auto& g : s.gaps) {
      items.push_back(json::object{{"start", FormatInZone(g.start, s.time_zone)},
                                   {"end", FormatInZone(g.end, s.time_zone)}});
    }
    schedules.push_back(json::object{
        {"schedule_id", s.schedule_id}, {"time_zone", s.time_zone}, {"gaps", std::move(items)}});
  }
  return json::object{{"since", FormatTime(since)},
                      {"until", FormatTime(until)},
                      {"schedules", std::move(schedules)}};
}

}  // namespace im::engine

// Schedules, escalation policies and shifts as im's API JSON. Decoding is checked field by
// field and every error names the full path of the field it rejects.
#include "schedule/schedule_json.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <initializer_list>

#include "common/time.h"
#include "schedule/json_fields.h"
#include "schedule/valid_schedule.h"

namespace im::schedule {
namespace {

using internal::Bad;
using internal::Fields;
using std::chrono::seconds;

Result<std::string> StringItem(const json::value& v, const std::string& path) {
  if (!v.is_string() || v.get_string().empty()) return Bad(path, "must be a non-empty string");
  return std::string(v.get_string());
}

// A layer's user: an email, or "" for a turn with nobody (Opsgenie's `none`).
Result<std::string> UserItem(const json::value& v, const std::string& path) {
  if (!v.is_string()) return Bad(path, "must be a string (an email, or \"\" for nobody)");
  return std::string(v.get_string());
}

std::string TimeOfDay(seconds s) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", static_cast<int>(s.count() / 3600),
                static_cast<int>(s.count() / 60 % 60), static_cast<int>(s.count() % 60));
  return buf;
}

// Early return for the decoders below, which check a dozen fields each; undefined at the end.
#define IM_TRY(var, expr) \
  auto var = (expr);      \
  if (!var) return std::unexpected(std::move(var).error())

Result<Restriction> RestrictionFromJson(const json::value& v, const std::string& path) {
  IM_TRY(f, Fields::Of(v, path,
                       {"type", "start_time_of_day", "duration_seconds", "duration",
                        "start_day_of_week"}));
  Restriction r;
  IM_TRY(type, f->String("type"));
  if (*type == "daily_restriction" || *type == "daily") {
    r.type = Restriction::Type::kDaily;
  } else if (*type == "weekly_restriction" || *type == "weekly") {
    r.type = Restriction::Type::kWeekly;
  } else {
    return Bad(f->Path("type"),
               "unknown '" + *type + "'; use daily_restriction or weekly_restriction");
  }
  IM_TRY(start, f->String("start_time_of_day"));
  auto tod = ParseTimeOfDay(*start);
  if (!tod) return Bad(f->Path("start_time_of_day"), "cannot read '" + *start + "'; use HH:MM:SS");
  r.start_time_of_day = *tod;
  IM_TRY(duration, f->Seconds("duration"));
  r.duration = *duration;
  IM_TRY(day, f->OptInt("start_day_of_week"));
  if (r.type == Restriction::Type::kWeekly && !*day) {
    return Bad(f->Path("start_day_of_week"), "is missing (1 = Monday .. 7 = Sunday)");
  }
  r.start_day_of_week = static_cast<int>(day->value_or(1));
  return r;
}

Result<Layer> LayerFromJson(const json::value& v, const std::string& path) {
  IM_TRY(f, Fields::Of(
                v, path,
                {"name", "start", "end", "rotation_virtual_start", "rotation_turn_length_seconds",
                 "rotation_turn_length", "users", "restrictions"}));
  Layer layer;
  IM_TRY(name, f->OptString("name"));
  layer.name = name->value_or("");
  IM_TRY(start, f->RequiredTime("start"));
  layer.start = *start;
  IM_TRY(end, f->OptTime("end"));
  layer.end = *end;
  IM_TRY(virtual_start, f->OptTime("rotation_virtual_start"));
  layer.rotation_virtual_start = virtual_start->value_or(layer.start);
  IM_TRY(turn, f->Seconds("rotation_turn_length"));
  layer.rotation_turn_length = *turn;
  IM_TRY(users, f->List<std::string>("users", UserItem));
  layer.users = std::move(*users);
  IM_TRY(restrictions, f->List<Restriction>("restrictions", RestrictionFromJson));
  layer.restrictions = std::move(*restrictions);
  return layer;
}

Result<Override> OverrideFromJson(const json::value& v, const std::string& path) {
  IM_TRY(f, Fields::Of(v, path, {"id", "start", "end", "user"}));
  Override o;
  IM_TRY(id, f->OptString("id"));
  o.id = id->value_or("");
  IM_TRY(start, f->RequiredTime("start"));
  o.start = *start;
  IM_TRY(end, f->RequiredTime("end"));
  o.end = *end;
  IM_TRY(user, f->String("user"));
  o.user = *user;
  return o;
}

Result<EscalationTarget> TargetFromJson(const json::value& v, const std::string& path) {
  IM_TRY(f, Fields::Of(v, path, {"type", "id"}));
  EscalationTarget t;
  IM_TRY(type, f->String("type"));
  if (*type == "user" || *type == "user_reference") {
    t.type = EscalationTarget::Type::kUser;
  } else if (*type == "schedule" || *type == "schedule_reference") {
    t.type = EscalationTarget::Type::kSchedule;
  } else {
    return Bad(f->Path("type"), "unknown '" + *type + "'; use user or schedule");
  }
  IM_TRY(id, f->String("id"));
  t.id = *id;
  return t;
}

Result<EscalationRule> RuleFromJson(const json::value& v, const std::string& path) {
  IM_TRY(f, Fields::Of(v, path, {"escalation_delay_in_minutes", "targets"}));
  EscalationRule rule;
  IM_TRY(delay, f->OptInt("escalation_delay_in_minutes"));
  if (*delay) rule.delay = std::chrono::minutes(**delay);
  IM_TRY(targets, f->List<EscalationTarget>("targets", TargetFromJson));
  rule.targets = std::move(*targets);
  return rule;
}

}  // namespace

json::object ScheduleToJson(const Schedule& s) {
  json::array layers;
  for (const auto& l : s.layers) {
    json::array users, restrictions;
    for (const auto& u : l.users) users.emplace_back(u);
    for (const auto& r : l.restrictions) {
      json::object o{{"type", r.type == Restriction::Type::kDaily ? "daily_restriction"
                                                                  : "weekly_restriction"},
                     {"start_time_of_day", TimeOfDay(r.start_time_of_day)},
                     {"duration_seconds", r.duration.count()}};
      if (r.type == Restriction::Type::kWeekly) o["start_day_of_week"] = r.start_day_of_week;
      restrictions.push_back(std::move(o));
    }
    layers.push_back(
        json::object{{"name", l.name},
                     {"start", FormatTime(l.start)},
                     {"end", l.end ? json::value(FormatTime(*l.end)) : json::value(nullptr)},
                     {"rotation_virtual_start", FormatTime(l.rotation_virtual_start)},
                     {"rotation_turn_length_seconds", l.rotation_turn_length.count()},
                     {"users", std::move(users)},
                     {"restrictions", std::move(restrictions)}});
  }
  json::array overrides;
  for (const auto& o : s.overrides) {
    overrides.push_back(json::object{{"id", o.id},
                                     {"start", FormatTime(o.start)},
                                     {"end", FormatTime(o.end)},
                                     {"user", o.user}});
  }
  return json::object{{"id", s.id},
                      {"name", s.name},
                      {"time_zone", s.time_zone},
                      {"schedule_layers", std::move(layers)},
                      {"overrides", std::move(overrides)}};
}

Result<Schedule> ScheduleFromJson(const json::value& v, std::string_view path) {
  IM_TRY(f, Fields::Of(v, std::string(path),
                       {"id", "name", "time_zone", "schedule_layers", "overrides"}));
  Schedule s;
  IM_TRY(id, f->String("id"));
  s.id = *id;
  IM_TRY(name, f->OptString("name"));
  s.name = name->value_or(s.id);
  IM_TRY(zone, f->String("time_zone"));
  s.time_zone = *zone;
  IM_TRY(layers, f->List<Layer>("schedule_layers", LayerFromJson));
  s.layers = std::move(*layers);
  IM_TRY(overrides, f->List<Override>("overrides", OverrideFromJson));
  s.overrides = std::move(*overrides);
  return s;
}

json::object PolicyToJson(const EscalationPolicy& p) {
  json::array rules, services;
  for (const auto& r : p.rules) {
    json::array targets;
    for (const auto& t : r.targets) {
      targets.push_back(json::object{
          {"type", t.type == EscalationTarget::Type::kUser ? "user" : "schedule"}, {"id", t.id}});
    }
    rules.push_back(json::object{{"escalation_delay_in_minutes", r.delay.count()},
                                 {"targets", std::move(targets)}});
  }
  for (const auto& s : p.services) services.emplace_back(s);
  return json::object{{"id", p.id},
                      {"name", p.name},
                      {"num_loops", p.num_loops},
                      {"services", std::move(services)},
                      {"escalation_rules", std::move(rules)}};
}

Result<EscalationPolicy> PolicyFromJson(const json::value& v, std::string_view path) {
  IM_TRY(f, Fields::Of(v, std::string(path),
                       {"id", "name", "num_loops", "services", "escalation_rules"}));
  EscalationPolicy p;
  IM_TRY(id, f->String("id"));
  p.id = *id;
  IM_TRY(name, f->OptString("name"));
  p.name = name->value_or(p.id);
  IM_TRY(loops, f->OptInt("num_loops"));
  p.num_loops = static_cast<int>(std::clamp<int64_t>(loops->value_or(0), -1, 100));
  IM_TRY(services, f->List<std::string>("services", StringItem));
  p.services = std::move(*services);
  IM_TRY(rules, f->List<EscalationRule>("escalation_rules", RuleFromJson));
  p.rules = std::move(*rules);
  return p;
}

json::object ShiftToJson(const Shift& s) {
  return json::object{{"user", s.user},
                      {"start", FormatInOffset(s.start, s.start_utc_offset)},
                      {"end", FormatInOffset(s.end, s.end_utc_offset)}};
}

json::object HoursToJson(const HoursBreakdown& h) {
  json::object o;
  for (auto [name, d] :
       {std::pair{"business", h.business}, std::pair{"evening", h.evening},
        std::pair{"night_weekend", h.night_weekend}, std::pair{"total", h.Total()}}) {
    const auto secs = std::chrono::duration_cast<seconds>(d).count();
    o[std::string(name) + "_hours"] = std::round(secs / 36.0) / 100.0;  // 2 decimals
    o[std::string(name) + "_seconds"] = secs;
  }
  return o;
}

Error AtPath(const Error& error, std::string_view path) {
  const std::string& m = error.message;
  size_t n = 0;
  while (n < m.size() && (std::isalnum(static_cast<unsigned char>(m[n])) || m[n] == '_' ||
                          m[n] == '.' || m[n] == '[' || m[n] == ']')) {
    ++n;
  }
  bool named = n > 0 && n < m.size() && m[n] == ':';
  return Error{error.code, std::string(path) + (named ? "." : ": ") + m};
}

#undef IM_TRY

}  // namespace im::schedule

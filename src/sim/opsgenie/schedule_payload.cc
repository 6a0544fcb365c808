// Reading of rotation and override payloads (see the header).
#include "sim/opsgenie/schedule_payload.h"

#include <algorithm>

#include "common/time.h"

namespace im::sim::opsgenie {
namespace {

std::unexpected<Error> Bad(const std::string& path, const std::string& what) {
  return Fail(ErrorCode::kInvalidArgument, path + " " + what);
}

bool IsDay(const std::string& d) {
  static const char* const kDays[] = {"monday", "tuesday",  "wednesday", "thursday",
                                      "friday", "saturday", "sunday"};
  return std::find(std::begin(kDays), std::end(kDays), d) != std::end(kDays);
}

Result<int> ClockField(const json::object& o, const char* field, int max, const std::string& path) {
  auto v = json::GetOptionalInt(o, field);
  if (!v) return Bad(path + "." + field, "should be an integer");
  int n = static_cast<int>(v->value_or(0));
  if (n < 0 || n > max) return Bad(path + "." + field, "should be 0.." + std::to_string(max));
  return n;
}

// A user by id or username, the way Opsgenie's Recipient names one.
Result<std::string> UserOf(const World& w, const json::object& o, const std::string& path) {
  auto id = json::GetOptionalString(o, "id");
  auto username = json::GetOptionalString(o, "username");
  if (!id || !username) return Bad(path, "id and username should be strings");
  std::string key = id->value_or(username->value_or(""));
  const User* u = w.FindUser(key);
  if (!u) return Bad(path, "user '" + key + "' does not exist");
  return u->id;
}

Result<Time> TimeField(const json::object& o, const char* field, const std::string& path) {
  auto s = json::GetOptionalString(o, field);
  if (!s || !*s) return Bad(path + "." + field, "is required");
  auto t = ParseTime(**s);
  if (!t) return Bad(path + "." + field, "should be an ISO 8601 date time");
  return *t;
}

Result<void> ReadRestriction(const json::object& o, Rotation& r, const std::string& path) {
  auto type = json::GetOptionalString(o, "type");
  if (!type || !*type) return Bad(path + ".type", "is required");
  if (**type == "time-of-day") {
    auto res = json::GetObject(o, "restriction");
    if (!res) return Bad(path + ".restriction", "is required");
    TimeOfDay t;
    for (auto [field, out, max] : {std::tuple{"startHour", &t.start_hour, 23},
                                   {"startMin", &t.start_min, 59},
                                   {"endHour", &t.end_hour, 23},
                                   {"endMin", &t.end_min, 59}}) {
      auto v = ClockField(**res, field, max, path + ".restriction");
      if (!v) return std::unexpected(v.error());
      *out = *v;
    }
    r.time_of_day = t;
    return {};
  }
  if (**type != "weekday-and-time-of-day") {
    return Bad(path + ".type", "should be time-of-day or weekday-and-time-of-day");
  }
  auto list = json::GetOptionalArray(o, "restrictions");
  if (!list || !*list || (*list)->empty() || (*list)->size() > 15) {
    return Bad(path + ".restrictions", "should hold 1 to 15 restrictions");
  }
  for (size_t i = 0; i < (*list)->size(); ++i) {
    std::string at = path + ".restrictions[" + std::to_string(i) + "]";
    auto item = json::AsObject((**list)[i], at);
    if (!item) return std::unexpected(item.error());
    WeekdayWindow wd;
    auto start_day = json::GetOptionalString(**item, "startDay");
    auto end_day = json::GetOptionalString(**item, "endDay");
    if (!start_day || !*start_day || !IsDay(**start_day) || !end_day || !*end_day ||
        !IsDay(**end_day)) {
      return Bad(at, "startDay and endDay should be monday..sunday");
    }
    wd.start_day = **start_day;
    wd.end_day = **end_day;
    for (auto [field, out, max] : {std::tuple{"startHour", &wd.start_hour, 23},
                                   {"startMin", &wd.start_min, 59},
                                   {"endHour", &wd.end_hour, 23},
                                   {"endMin", &wd.end_min, 59}}) {
      auto v = ClockField(**item, field, max, at);
      if (!v) return std::unexpected(v.error());
      *out = *v;
    }
    r.weekday_windows.push_back(std::move(wd));
  }
  return {};
}

}  // namespace

Result<Rotation> ReadRotation(const World& w, Rng& rng, const json::value& v,
                              const std::string& path, size_t index) {
  auto o = json::AsObject(v, path);
  if (!o) return std::unexpected(o.error());
  Rotation r;
  r.id = NewUuid(rng);
  auto name = json::GetOptionalString(**o, "name");
  auto type = json::GetOptionalString(**o, "type");
  auto length = json::GetOptionalInt(**o, "length");
  if (!name || !type || !length) return Bad(path, "has a field of the wrong type");
  r.name = name->value_or("Rotation-" + std::to_string(index + 1));
  r.type = type->value_or("");
  if (r.type != "daily" && r.type != "weekly" && r.type != "hourly") {
    return Bad(path + ".type", "should be one of daily, weekly, hourly");
  }
  r.length = length->value_or(1);
  if (r.length < 1) return Bad(path + ".length", "should be positive");
  auto start = TimeField(**o, "startDate", path);
  if (!start) return std::unexpected(start.error());
  r.start_date = *start;
  if (auto end = json::GetOptionalString(**o, "endDate"); end && *end) {
    auto t = TimeField(**o, "endDate", path);
    if (!t) return std::unexpected(t.error());
    r.end_date = *t;
  }
  auto participants = json::GetOptionalArray(**o, "participants");
  if (!participants || !*participants || (*participants)->empty()) {
    return Bad(path + ".participants", "should have at least one participant");
  }
  for (size_t i = 0; i < (*participants)->size(); ++i) {
    std::string at = path + ".participants[" + std::to_string(i) + "]";
    auto p = json::AsObject((**participants)[i], at);
    if (!p) return std::unexpected(p.error());
    auto ptype = json::GetOptionalString(**p, "type");
    if (!ptype || !*ptype) return Bad(at + ".type", "is required");
    if (**ptype == "none") {
      r.participants.push_back({"none", ""});
    } else if (**ptype == "user") {
      auto id = UserOf(w, **p, at);
      if (!id) return std::unexpected(id.error());
      r.participants.push_back({"user", *id});
    } else {
      return Bad(at + ".type", "should be user or none (the simulator renders users only)");
    }
  }
  if (auto tr = json::GetOptionalObject(**o, "timeRestriction"); tr && *tr) {
    auto ok = ReadRestriction(**tr, r, path + ".timeRestriction");
    if (!ok) return std::unexpected(ok.error());
  }
  return r;
}

Result<Override> ReadOverride(const World& w, const Schedule& s, Rng& rng, const json::object& b) {
  Override o;
  auto alias = json::GetOptionalString(b, "alias");
  if (!alias) return Bad("alias", "should be a string");
  o.alias = alias->value_or("");
  if (o.alias.empty()) o.alias = NewUuid(rng);
  auto user = json::GetObject(b, "user");
  if (!user) return Bad("user", "is required");
  auto id = UserOf(w, **user, "user");
  if (!id) return std::unexpected(id.error());
  o.user_id = *id;
  auto start = TimeField(b, "startDate", "override");
  auto end = TimeField(b, "endDate", "override");
  if (!start) return std::unexpected(start.error());
  if (!end) return std::unexpected(end.error());
  if (*end <= *start) return Bad("endDate", "should be after startDate");
  o.start = *start;
  o.end = *end;
  auto rotations = json::GetOptionalArray(b, "rotations");
  if (!rotations) return Bad("rotations", "should be a list");
  if (*rotations) {
    for (const auto& v : **rotations) {
      auto ro = json::AsObject(v, "rotations[]");
      if (!ro) return std::unexpected(ro.error());
      auto rid = json::GetOptionalString(**ro, "id");
      auto rname = json::GetOptionalString(**ro, "name");
      std::string key = rid && *rid ? **rid : rname && *rname ? **rname : "";
      auto it = std::find_if(s.rotations.begin(), s.rotations.end(),
                             [&](const Rotation& r) { return r.id == key || r.name == key; });
      if (it == s.rotations.end()) return Bad("rotations", "'" + key + "' is not a rotation");
      o.rotation_ids.push_back(it->id);
    }
  }
  return o;
}

}  // namespace im::sim::opsgenie

// Opsgenie schedules: GET|POST /v2/schedules (expand=rotation), GET /v2/schedules/{identifier}
// (identifierType id|name), GET .../rotations, GET .../timeline (date, interval, intervalUnit
// days|weeks|months, expand base|forwarding|override), GET .../on-calls (flat, date),
// GET .../next-on-calls (flat, date), GET /v2/schedules/on-calls, the iCalendar exports
// GET /v2/schedules/{identifier}.ics and /v2/schedules/on-calls/{user}.ics (three months from
// now), and GET|POST .../overrides, GET|DELETE .../overrides/{alias} (scheduleIdentifierType
// id|name). A team-scoped key sees only its team's schedules. Rendering rules are in
// schedule_render.h.
#include <date/tz.h>

#include <algorithm>

#include "common/time.h"
#include "sim/common/json_response.h"
#include "sim/opsgenie/alert_payload.h"
#include "sim/opsgenie/directory_json.h"
#include "sim/opsgenie/routes.h"
#include "sim/opsgenie/schedule_payload.h"
#include "sim/opsgenie/schedule_render.h"

namespace im::sim::opsgenie {
namespace {

using Response = net::HttpResponse;

// The schedule the path names, or the 422/404 Opsgenie answers. `param` is identifierType or
// scheduleIdentifierType, depending on the operation (swagger.json).
std::variant<Schedule*, Response> Named(Api& api, const net::HttpRequest& req, const Call& call,
                                        const std::string& param) {
  auto type = IdentifierType(req, call, {"id", "name"}, param);
  if (auto* err = std::get_if<Response>(&type)) return std::move(*err);
  Schedule* s =
      api.st.world.FindSchedule(req.Param("identifier"), std::get<std::string>(type) == "name");
  if (!s) {
    return NotFoundReply(call, "No schedule exists with " + std::get<std::string>(type) + " [" +
                                   req.Param("identifier") + "]");
  }
  if (!InScope(call, s->owner_team_id)) return NoPermission(call);
  return s;
}

// What the .ics exports cover (the Who Is On Call API: "on-call timeline of 3 months").
constexpr auto kIcsHorizon = std::chrono::days(91);

// "<name>.ics" → "<name>"; nullopt when the segment does not end in .ics.
std::optional<std::string> IcsName(const std::string& segment) {
  constexpr std::string_view kSuffix = ".ics";
  if (segment.size() <= kSuffix.size() || !segment.ends_with(kSuffix)) return std::nullopt;
  return segment.substr(0, segment.size() - kSuffix.size());
}

// The final periods of every rotation of `s` over [from, to) for which `keep` holds, as events.
template <typename Keep>
void AddIcsEvents(const World& w, const Schedule& s, Time from, Time to, Keep keep,
                  std::vector<IcsEvent>& out) {
  for (const auto& r : s.rotations) {
    for (const auto& p : RenderFinal(s, r, from, to)) {
      if (!keep(p)) continue;
      const User* u = w.FindUser(p.recipient.id);
      std::string who = u ? u->username : p.recipient.id;
      out.push_back(
          {s.id + "-" + r.id + "-" + std::to_string(EpochMillis(p.start)) + "@opsgenie.sim",
           who + " on call (" + s.name + " / " + r.name + ")", p.start, p.end});
    }
  }
}

// GET /v2/schedules/{identifier}.ics (identifierType id|name).
Response ExportSchedule(Api& api, const net::HttpRequest& req, const Call& call,
                        const std::string& name) {
  net::HttpRequest named = req;
  named.params["identifier"] = name;
  auto lock = api.st.Lock();
  auto s = Named(api, named, call, "identifierType");
  if (auto* err = std::get_if<Response>(&s)) return std::move(*err);
  Time now = api.st.clock.Now();
  std::vector<IcsEvent> events;
  AddIcsEvents(
      api.st.world, *std::get<Schedule*>(s), now, now + kIcsHorizon,
      [](const Period&) { return true; }, events);
  return TextReply(call, "text/calendar", IcsCalendar(std::get<Schedule*>(s)->name, events, now));
}

// GET /v2/schedules/on-calls/{identifier}.ics: the user's (id or username) turns in every
// schedule the key can see.
Response ExportUserOnCalls(Api& api, const net::HttpRequest& req, const Call& call) {
  auto name = IcsName(req.Param("identifier"));
  auto lock = api.st.Lock();
  const World& w = api.st.world;
  const User* u = name ? w.FindUser(*name) : nullptr;
  if (!u) {
    return NotFoundReply(call, "No user exists with identifier [" + req.Param("identifier") + "]");
  }
  Time now = api.st.clock.Now();
  std::vector<IcsEvent> events;
  for (const auto& s : w.schedules) {
    if (!InScope(call, s.owner_team_id)) continue;
    AddIcsEvents(
        w, s, now, now + kIcsHorizon,
        [&](const Period& p) { return p.recipient.type == "user" && p.recipient.id == u->id; },
        events);
  }
  std::sort(events.begin(), events.end(),
            [](const IcsEvent& a, const IcsEvent& b) { return a.start < b.start; });
  return TextReply(call, "text/calendar", IcsCalendar(u->username, events, now));
}

bool Expands(const net::HttpRequest& req, const std::string& what) {
  for (const auto& v : QueryList(req, "expand")) {
    size_t start = 0;
    while (start <= v.size()) {  // "a,b" and repeated expand= both work
      size_t end = std::min(v.find(',', start), v.size());
      if (v.substr(start, end - start) == what) return true;
      start = end + 1;
    }
  }
  return false;
}

Response List(Api& api, const net::HttpRequest& req, const Call& call) {
  auto lock = api.st.Lock();
  bool rotations = Expands(req, "rotation");
  json::array data;
  for (const auto& s : api.st.world.schedules) {
    if (!InScope(call, s.owner_team_id)) continue;
    json::object o = ScheduleJson(api.st.world, s);
    if (!rotations) o.erase("rotations");
    data.push_back(std::move(o));
  }
  return Reply(call, {{"data", std::move(data)}, {"expandable", json::array{"rotation"}}});
}

Response Create(Api& api, const net::HttpRequest& req, const Call& call) {
  auto body = BodyObject(req, call, false);
  if (auto* err = std::get_if<Response>(&body)) return std::move(*err);
  const auto& b = std::get<json::object>(body);
  auto lock = api.st.Lock();
  World& w = api.st.world;
  Schedule s;
  s.id = NewUuid(api.st.rng);
  auto name = json::GetOptionalString(b, "name");
  auto description = json::GetOptionalString(b, "description");
  auto timezone = json::GetOptionalString(b, "timezone");
  auto enabled = json::GetOptionalBool(b, "enabled");
  if (!name || !*name || (*name)->empty()) return ErrorReply(call, 422, "Name can not be empty.");
  if (!description || !timezone || !enabled) {
    return ErrorReply(call, 422, "description and timezone are strings, enabled a boolean");
  }
  if (w.FindSchedule(**name, true)) {
    return ErrorReply(call, 422, "Schedule with name [" + **name + "] already exists");
  }
  s.name = **name;
  s.description = description->value_or("");
  s.timezone = timezone->value_or("America/New_York");
  try {
    date::locate_zone(s.timezone);
  } catch (const std::exception&) {
    return ErrorReply(call, 422, "Timezone [" + s.timezone + "] is not valid");
  }
  s.enabled = enabled->value_or(true);
  if (auto team = json::GetOptionalObject(b, "ownerTeam"); team && *team) {
    auto id = json::GetOptionalString(**team, "id");
    auto tname = json::GetOptionalString(**team, "name");
    const Team* t = id && *id         ? w.FindTeam(**id)
                    : tname && *tname ? w.FindTeam(**tname, true)
                                      : nullptr;
    if (!t) return ErrorReply(call, 422, "Owner team does not exist");
    s.owner_team_id = t->id;
  }
  if (auto rotations = json::GetOptionalArray(b, "rotations"); rotations && *rotations) {
    for (size_t i = 0; i < (*rotations)->size(); ++i) {
      auto r =
          ReadRotation(w, api.st.rng, (**rotations)[i], "rotations[" + std::to_string(i) + "]", i);
      if (!r) return ErrorReply(call, 422, r.error().message);
      s.rotations.push_back(std::move(*r));
    }
  }
  w.schedules.push_back(std::move(s));
  return DataReply(call, ScheduleMetaJson(w.schedules.back()), 201);
}

Response Get(Api& api, const net::HttpRequest& req, const Call& call) {
  if (auto name = IcsName(req.Param("identifier"))) return ExportSchedule(api, req, call, *name);
  auto lock = api.st.Lock();
  auto s = Named(api, req, call, "identifierType");
  if (auto* err = std::get_if<Response>(&s)) return std::move(*err);
  return DataReply(call, ScheduleJson(api.st.world, *std::get<Schedule*>(s)));
}

Response Rotations(Api& api, const net::HttpRequest& req, const Call& call) {
  auto lock = api.st.Lock();
  auto s = Named(api, req, call, "scheduleIdentifierType");
  if (auto* err = std::get_if<Response>(&s)) return std::move(*err);
  json::array data;
  for (const auto& r : std::get<Schedule*>(s)->rotations) {
    data.push_back(RotationJson(api.st.world, r));
  }
  return DataReply(call, std::move(data));
}

// `date` (RFC 3339, default now), or the 422.
std::variant<Time, Response> DateParam(const net::HttpRequest& req, const Call& call, Time now) {
  auto text = req.Query("date");
  if (!text || text->empty()) return now;
  auto t = ParseTime(*text);
  if (!t) return ErrorReply(call, 422, "Date is not valid", {{"date", "is not valid"}});
  return *t;
}

json::object TimelineJson(const World& w, const Schedule& s, Time from, Time to,
                          bool overrides_only, bool base_only) {
  json::array rotations;
  for (size_t i = 0; i < s.rotations.size(); ++i) {
    const Rotation& r = s.rotations[i];
    std::vector<Period> periods = base_only        ? RenderRotation(r, s.timezone, from, to)
                                  : overrides_only ? OverridePeriods(s, r, from, to)
                                                   : RenderFinal(s, r, from, to);
    json::array out;
    for (const auto& p : periods) {
      const User* u = w.FindUser(p.recipient.id);
      out.push_back(
          {{"startDate", FormatTime(p.start)},
           {"endDate", FormatTime(p.end)},
           {"type", p.is_override ? "override" : "default"},
           {"recipient",
            {{"id", p.recipient.id}, {"type", p.recipient.type}, {"name", u ? u->username : ""}}}});
    }
    rotations.push_back({{"id", r.id},
                         {"name", r.name},
                         {"order", static_cast<int64_t>(i)},
                         {"periods", std::move(out)}});
  }
  return {{"rotations", std::move(rotations)}};
}

Response Timeline(Api& api, const net::HttpRequest& req, const Call& call) {
  auto lock = api.st.Lock();
  auto named = Named(api, req, call, "identifierType");
  if (auto* err = std::get_if<Response>(&named)) return std::move(*err);
  const Schedule& s = *std::get<Schedule*>(named);
  auto date = DateParam(req, call, api.st.clock.Now());
  if (auto* err = std::get_if<Response>(&date)) return std::move(*err);
  auto interval = QueryInt(req, "interval", 1);
  std::string unit = req.Query("intervalUnit").value_or("weeks");
  if (!interval || *interval < 1 || (unit != "days" && unit != "weeks" && unit != "months")) {
    return ErrorReply(call, 422,
                      "interval is a positive integer and intervalUnit days, weeks or months");
  }
  Time from = std::get<Time>(date), to = from;
  if (unit == "days") to = from + std::chrono::days(*interval);
  if (unit == "weeks") to = from + std::chrono::weeks(*interval);
  if (unit == "months") {
    auto day = std::chrono::floor<std::chrono::days>(from);
    std::chrono::year_month_day ymd{day};
    ymd += std::chrono::months(*interval);
    if (!ymd.ok()) ymd = ymd.year() / ymd.month() / std::chrono::last;
    to = std::chrono::sys_days(ymd) + (from - day);
  }
  const World& w = api.st.world;
  json::object data{{"_parent", ScheduleMetaJson(s)},
                    {"startDate", FormatTime(from)},
                    {"endDate", FormatTime(to)},
                    {"finalTimeline", TimelineJson(w, s, from, to, false, false)}};
  if (Expands(req, "base")) data["baseTimeline"] = TimelineJson(w, s, from, to, false, true);
  if (Expands(req, "override")) {
    data["overrideTimeline"] = TimelineJson(w, s, from, to, true, false);
  }
  if (Expands(req, "forwarding")) {  // forwarding rules are not simulated: always empty
    data["forwardingTimeline"] = json::object{{"rotations", json::array{}}};
  }
  return Reply(call, {{"data", std::move(data)},
                      {"expandable", json::array{"base", "forwarding", "override"}}});
}

// Participant objects {id, name, type} and the flat list of names of `people`.
std::pair<json::array, json::array> OnCallPeopleJson(const World& w,
                                                     const std::vector<Participant>& people) {
  json::array participants, names;
  for (const auto& p : people) {
    const User* u = w.FindUser(p.id);
    std::string name = u ? u->username : p.id;
    names.push_back(json::value(name));
    participants.push_back({{"id", p.id}, {"name", name}, {"type", p.type}});
  }
  return {std::move(participants), std::move(names)};
}

json::object OnCallJson(const World& w, const Schedule& s, Time at, bool flat) {
  auto [participants, names] = OnCallPeopleJson(w, OnCallAt(s, at));
  json::object o{{"_parent", ScheduleMetaJson(s)}};
  if (flat) {
    o["onCallRecipients"] = std::move(names);
  } else {
    o["onCallParticipants"] = std::move(participants);
  }
  return o;
}

// NextOnCall: whoever takes over next in each rotation after `at` (nextOnCall*), and everyone
// on call at the first of those handovers (exactNextOnCall*); flat gives names only.
json::object NextOnCallJson(const World& w, const Schedule& s, Time at, bool flat) {
  std::vector<Participant> next;
  std::optional<Time> first_handover;
  for (const auto& r : s.rotations) {
    for (const auto& p : RenderFinal(s, r, at, at + kIcsHorizon)) {
      if (p.start <= at) continue;
      bool seen = std::any_of(next.begin(), next.end(), [&](const Participant& n) {
        return n.id == p.recipient.id && n.type == p.recipient.type;
      });
      if (!seen) next.push_back(p.recipient);
      if (!first_handover || p.start < *first_handover) first_handover = p.start;
      break;
    }
  }
  auto [next_people, next_names] = OnCallPeopleJson(w, next);
  auto [exact_people, exact_names] = OnCallPeopleJson(
      w, first_handover ? OnCallAt(s, *first_handover) : std::vector<Participant>{});
  json::object o{{"_parent", ScheduleMetaJson(s)}};
  if (flat) {
    o["nextOnCallParticipants"] = std::move(next_names);
    o["exactNextOnCallParticipants"] = std::move(exact_names);
  } else {
    o["nextOnCallRecipients"] = std::move(next_people);
    o["exactNextOnCallRecipients"] = std::move(exact_people);
  }
  return o;
}

// GET .../on-calls (`all`: every schedule the key can see) or .../next-on-calls (`render`).
Response OnCalls(Api& api, const net::HttpRequest& req, const Call& call, bool all,
                 json::object (*render)(const World&, const Schedule&, Time, bool) = OnCallJson) {
  auto lock = api.st.Lock();
  auto date = DateParam(req, call, api.st.clock.Now());
  if (auto* err = std::get_if<Response>(&date)) return std::move(*err);
  bool flat = QueryBool(req, "flat", false);
  const World& w = api.st.world;
  if (all) {
    json::array data;
    for (const auto& s : w.schedules) {
      if (InScope(call, s.owner_team_id)) data.push_back(render(w, s, std::get<Time>(date), flat));
    }
    return DataReply(call, std::move(data));
  }
  auto s = Named(api, req, call, "scheduleIdentifierType");
  if (auto* err = std::get_if<Response>(&s)) return std::move(*err);
  return DataReply(call, render(w, *std::get<Schedule*>(s), std::get<Time>(date), flat));
}

Response Overrides(Api& api, const net::HttpRequest& req, const Call& call) {
  auto lock = api.st.Lock();
  auto named = Named(api, req, call, "scheduleIdentifierType");
  if (auto* err = std::get_if<Response>(&named)) return std::move(*err);
  Schedule& s = *std::get<Schedule*>(named);
  std::string alias = req.Param("alias");
  if (alias.empty()) {
    json::array data;
    for (const auto& o : s.overrides) data.push_back(OverrideJson(api.st.world, s, o));
    return DataReply(call, std::move(data));
  }
  auto it = std::find_if(s.overrides.begin(), s.overrides.end(),
                         [&](const Override& o) { return o.alias == alias; });
  if (it == s.overrides.end()) {
    return NotFoundReply(call, "Override with alias [" + alias + "] does not exist");
  }
  if (req.method == "DELETE") {
    s.overrides.erase(it);
    return Reply(call, {{"result", "Deleted"}});
  }
  return DataReply(call, OverrideJson(api.st.world, s, *it));
}

Response CreateOverride(Api& api, const net::HttpRequest& req, const Call& call) {
  auto body = BodyObject(req, call, false);
  if (auto* err = std::get_if<Response>(&body)) return std::move(*err);
  auto lock = api.st.Lock();
  auto named = Named(api, req, call, "scheduleIdentifierType");
  if (auto* err = std::get_if<Response>(&named)) return std::move(*err);
  Schedule& s = *std::get<Schedule*>(named);
  auto o = ReadOverride(api.st.world, s, api.st.rng, std::get<json::object>(body));
  if (!o) return ErrorReply(call, 422, o.error().message);
  for (const auto& existing : s.overrides) {
    if (existing.alias == o->alias) {
      return ErrorReply(call, 422, "Override with alias [" + o->alias + "] already exists");
    }
  }
  s.overrides.push_back(*o);
  return DataReply(call, json::object{{"alias", o->alias}}, 201);
}

}  // namespace

void AddScheduleRoutes(Api& api) {
  Api* a = &api;
  auto add = [&](const char* method, const char* path, Domain d, bool write, auto fn) {
    api.Add(method, path, d, write,
            [a, fn](const net::HttpRequest& req, const Call& c) { return fn(*a, req, c); });
  };
  add("GET", "/v2/schedules", Domain::kConfiguration, false, List);
  add("POST", "/v2/schedules", Domain::kConfiguration, true, Create);
  add("GET", "/v2/schedules/on-calls", Domain::kScheduleOnCalls, false,
      [](Api& x, const net::HttpRequest& r, const Call& c) { return OnCalls(x, r, c, true); });
  add("GET", "/v2/schedules/{identifier}", Domain::kConfiguration, false, Get);
  add("GET", "/v2/schedules/{identifier}/rotations", Domain::kConfiguration, false, Rotations);
  add("GET", "/v2/schedules/{identifier}/timeline", Domain::kConfiguration, false, Timeline);
  add("GET", "/v2/schedules/{identifier}/on-calls", Domain::kScheduleOnCalls, false,
      [](Api& x, const net::HttpRequest& r, const Call& c) { return OnCalls(x, r, c, false); });
  add("GET", "/v2/schedules/{identifier}/next-on-calls", Domain::kScheduleOnCalls, false,
      [](Api& x, const net::HttpRequest& r, const Call& c) {
        return OnCalls(x, r, c, false, NextOnCallJson);
      });
  add("GET", "/v2/schedules/on-calls/{identifier}", Domain::kScheduleOnCalls, false,
      ExportUserOnCalls);
  add("GET", "/v2/schedules/{identifier}/overrides", Domain::kConfiguration, false, Overrides);
  add("POST", "/v2/schedules/{identifier}/overrides", Domain::kConfiguration, true, CreateOverride);
  add("GET", "/v2/schedules/{identifier}/overrides/{alias}", Domain::kConfiguration, false,
      Overrides);
  add("DELETE", "/v2/schedules/{identifier}/overrides/{alias}", Domain::kConfiguration, true,
      Overrides);
}

}  // namespace im::sim::opsgenie

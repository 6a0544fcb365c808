// Reading of a fixture's PagerDuty directory (see the header).
#include "sim/pagerduty/fixture_directory.h"

#include <cstdio>

namespace im::sim::pagerduty {
namespace {

constexpr char kTeamRef[] = "a team reference such as {\"id\": \"PTEAM01\"}";
constexpr char kDirectoryUserRef[] = "a user reference such as {\"id\": \"PUSER01\"}";
constexpr int64_t kWeek = 7 * 86400;

// The ids of the references in `field` ([{"id": ...}, ...]), each resolved in `ids`.
std::vector<std::string> RefIds(const FixtureObject& o, std::string_view field,
                                const FixtureIds& ids, std::string_view hint) {
  std::vector<std::string> out;
  for (const auto& ref : o.Objects(field, hint)) {
    std::string id = ref.String("id", hint);
    ids.Resolve(ref, "id", id);
    out.push_back(std::move(id));
  }
  return out;
}

// "HH:mm:ss" as seconds of the day.
std::optional<int64_t> SecondOfDay(const std::string& text) {
  int h = 0, m = 0, s = 0;
  char extra = 0;
  if (std::sscanf(text.c_str(), "%2d:%2d:%2d%c", &h, &m, &s, &extra) != 3) return std::nullopt;
  if (h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 59) return std::nullopt;
  return h * 3600 + m * 60 + s;
}

// A routing key for a service that names none: 32 hex digits, the same for the same id.
std::string RoutingKey(const std::string& service_id) {
  uint64_t a = 0xcbf29ce484222325ULL, b = 0x84222325cbf29ce4ULL;  // FNV-1a, two seeds
  for (unsigned char c : service_id) {
    a = (a ^ c) * 0x100000001b3ULL;
    b = (b ^ c) * 0x100000001b3ULL;
  }
  for (uint64_t* h : {&a, &b}) {  // SplitMix64's finaliser: ids that differ a little differ a lot
    *h = (*h ^ (*h >> 30)) * 0xbf58476d1ce4e5b9ULL;
    *h = (*h ^ (*h >> 27)) * 0x94d049bb133111ebULL;
    *h ^= *h >> 31;
  }
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(a),
                static_cast<unsigned long long>(b));
  return buf;
}

void ReadTeams(const FixtureObject& root, World& w, FixtureRefs& refs) {
  for (const auto& o : root.Objects("teams",
                                    "a team such as {\"id\": \"PTEAM01\", \"name\": "
                                    "\"Platform\"}")) {
    Team t;
    t.id = o.String("id", "the team's id, e.g. \"PTEAM01\"");
    t.name = o.String("name", "the team's name, e.g. \"Platform\"");
    t.description = o.StringOr("description", "", "a description");
    refs.teams.Add(o, "id", t.id);
    w.teams.push_back(std::move(t));
  }
}

void ReadUsers(const FixtureObject& root, World& w, FixtureRefs& refs) {
  for (const auto& o : root.Objects("users",
                                    "a user such as {\"id\": \"PUSER01\", \"name\": "
                                    "\"Ada Lovelace\", \"email\": \"ada@example.com\"}")) {
    User u;
    u.id = o.String("id", "the user's id, e.g. \"PUSER01\"");
    u.name = o.String("name", "the user's name, e.g. \"Ada Lovelace\"");
    u.email = o.String("email",
                       "the user's email, e.g. \"ada@example.com\" (writes send it "
                       "in the From header)");
    u.time_zone = o.Zone("time_zone", "UTC");
    u.role = o.StringOr("role", "user", "a role such as \"user\" or \"admin\"");
    u.job_title = o.StringOr("job_title", "", "a job title");
    u.team_ids = RefIds(o, "teams", refs.teams, kTeamRef);
    refs.users.Add(o, "id", u.id);
    w.users.push_back(std::move(u));
  }
}

void ReadPriorities(const FixtureObject& root, World& w, FixtureRefs& refs) {
  for (const auto& o : root.Objects("priorities",
                                    "a priority such as {\"id\": \"PPRIO01\", "
                                    "\"name\": \"P1\"}")) {
    Priority p;
    p.id = o.String("id", "the priority's id, e.g. \"PPRIO01\"");
    p.name = o.String("name", "the priority's short name, e.g. \"P1\"");
    p.description = o.StringOr("description", "", "a description");
    refs.priorities.Add(o, "id", p.id);
    w.priorities.push_back(std::move(p));
  }
}

Restriction ReadRestriction(const FixtureObject& o) {
  Restriction r;
  r.type = o.OneOf("type", {"daily_restriction", "weekly_restriction"}, "");
  if (r.type.empty() && !o.Has("type")) {
    o.Fail("type", "is missing: write \"daily_restriction\" or \"weekly_restriction\"");
  }
  std::string start = o.String("start_time_of_day", "a local time \"HH:mm:ss\", e.g. \"09:00:00\"");
  if (auto s = SecondOfDay(start)) {
    r.start_second_of_day = *s;
  } else if (!start.empty()) {
    o.Fail("start_time_of_day", "\"" + start + "\" is not a time of day: write \"HH:mm:ss\"");
  }
  r.duration_seconds = o.OptionalInt("duration_seconds", "seconds, e.g. 28800").value_or(0);
  if ((r.duration_seconds <= 0 || r.duration_seconds > kWeek) && !o.failed()) {
    o.Fail("duration_seconds", "must be 1 to 604800 seconds (a week), e.g. 28800 (8 hours)");
  }
  r.start_day_of_week =
      static_cast<int>(o.OptionalInt("start_day_of_week", "1 (Monday) to 7 (Sunday)").value_or(1));
  if (r.start_day_of_week < 1 || r.start_day_of_week > 7) {
    o.Fail("start_day_of_week", "must be 1 (Monday) to 7 (Sunday)");
  }
  return r;
}

Layer ReadLayer(const FixtureObject& o, World& w, const FixtureRefs& refs, size_t index) {
  Layer l;
  l.id = o.StringOr("id", "", "the layer's id");
  if (l.id.empty()) l.id = w.NewId('P', 7);
  l.name = o.StringOr("name", "Layer " + std::to_string(index + 1), "the layer's name");
  l.start = o.TimeAt("start");
  l.end = o.OptionalTime("end");
  l.rotation_virtual_start = o.OptionalTime("rotation_virtual_start").value_or(l.start);
  l.rotation_turn_length_seconds =
      o.OptionalInt("rotation_turn_length_seconds", "seconds per turn, e.g. 604800 (a week)")
          .value_or(0);
  if ((l.rotation_turn_length_seconds <= 0 || l.rotation_turn_length_seconds > 52 * kWeek) &&
      !o.failed()) {
    o.Fail("rotation_turn_length_seconds", "must be 1 second to 52 weeks, e.g. 604800 (a week)");
  }
  for (const auto& member : o.Objects("users", "{\"user\": {\"id\": \"PUSER01\"}}")) {
    std::string id = member.RefId("user", kDirectoryUserRef);
    refs.users.Resolve(member, "user.id", id);
    l.user_ids.push_back(std::move(id));
  }
  if (l.user_ids.empty() && !o.failed()) {
    o.Fail("users",
           "is empty: write the layer's users in turn order, e.g. [{\"user\": "
           "{\"id\": \"PUSER01\"}}]");
  }
  for (const auto& r : o.Objects("restrictions", "a daily or weekly restriction")) {
    l.restrictions.push_back(ReadRestriction(r));
  }
  return l;
}

void ReadSchedules(const FixtureObject& root, World& w, FixtureRefs& refs) {
  for (const auto& o : root.Objects("schedules", "a schedule with \"schedule_layers\"")) {
    Schedule s;
    s.id = o.String("id", "the schedule's id, e.g. \"PSCHED1\"");
    s.name = o.String("name", "the schedule's name, e.g. \"Platform primary\"");
    s.description = o.StringOr("description", "", "a description");
    s.time_zone = o.Zone("time_zone", "UTC");
    auto layers = o.Objects("schedule_layers",
                            "a layer with \"start\", "
                            "\"rotation_turn_length_seconds\" and \"users\"");
    for (size_t i = 0; i < layers.size(); ++i) s.layers.push_back(ReadLayer(layers[i], w, refs, i));
    s.team_ids = RefIds(o, "teams", refs.teams, kTeamRef);
    refs.schedules.Add(o, "id", s.id);
    w.schedules.push_back(std::move(s));
  }
}

void ReadPolicies(const FixtureObject& root, World& w, FixtureRefs& refs) {
  for (const auto& o : root.Objects("escalation_policies",
                                    "an escalation policy with "
                                    "\"escalation_rules\"")) {
    EscalationPolicy ep;
    ep.id = o.String("id", "the policy's id, e.g. \"PEPOL01\"");
    ep.name = o.String("name", "the policy's name, e.g. \"Platform escalation\"");
    ep.description = o.StringOr("description", "", "a description");
    ep.num_loops = static_cast<int>(o.OptionalInt("num_loops", "a count, e.g. 0").value_or(0));
    for (const auto& r : o.Objects("escalation_rules", "a rule with \"targets\"")) {
      EscalationRule rule;
      rule.id = r.StringOr("id", "", "the rule's id");
      if (rule.id.empty()) rule.id = w.NewId('P', 7);
      rule.delay_minutes = static_cast<int>(
          r.OptionalInt("escalation_delay_in_minutes", "minutes, e.g. 30").value_or(30));
      for (const auto& t : r.Objects("targets",
                                     "{\"id\": \"PUSER01\", \"type\": "
                                     "\"user_reference\"}")) {
        Target target;
        target.type = t.OneOf("type", {"user_reference", "schedule_reference"}, "user_reference");
        target.id = t.String("id", "the id of a user or a schedule");
        (target.type == "user_reference" ? refs.users : refs.schedules).Resolve(t, "id", target.id);
        rule.targets.push_back(std::move(target));
      }
      ep.rules.push_back(std::move(rule));
    }
    ep.team_ids = RefIds(o, "teams", refs.teams, kTeamRef);
    refs.policies.Add(o, "id", ep.id);
    w.escalation_policies.push_back(std::move(ep));
  }
}

void ReadServices(const FixtureObject& root, World& w, FixtureRefs& refs) {
  for (const auto& o : root.Objects("services", "a service with an \"escalation_policy\"")) {
    Service s;
    s.id = o.String("id", "the service's id, e.g. \"PSVC001\"");
    s.name = o.String("name", "the service's name, e.g. \"Checkout\"");
    s.description = o.StringOr("description", "", "a description");
    s.status =
        o.OneOf("status", {"active", "warning", "critical", "maintenance", "disabled"}, "active");
    s.escalation_policy_id = o.RefId("escalation_policy",
                                     "the id of one of the "
                                     "escalation_policies, e.g. "
                                     "{\"id\": \"PEPOL01\"}");
    refs.policies.Resolve(o, "escalation_policy.id", s.escalation_policy_id);
    s.team_ids = RefIds(o, "teams", refs.teams, kTeamRef);
    s.created_at = o.OptionalTime("created_at").value_or(Time{});  // Time{}: set by the caller
    for (const auto& i : o.Objects("integrations", "{\"integration_key\": \"<32 characters>\"}")) {
      if (s.integration_key.empty()) {
        s.integration_key = i.StringOr("integration_key", "", "the Events API routing key");
      }
    }
    if (s.integration_key.empty()) s.integration_key = RoutingKey(s.id);
    refs.services.Add(o, "id", s.id);
    w.services.push_back(std::move(s));
  }
}

}  // namespace

void FixtureRefs::AddGenerated(const World& w) {
  for (const auto& x : w.teams) teams.AddGenerated(x.id);
  for (const auto& x : w.users) users.AddGenerated(x.id);
  for (const auto& x : w.priorities) priorities.AddGenerated(x.id);
  for (const auto& x : w.schedules) schedules.AddGenerated(x.id);
  for (const auto& x : w.escalation_policies) policies.AddGenerated(x.id);
  for (const auto& x : w.services) services.AddGenerated(x.id);
  for (const auto& x : w.incidents) {
    incidents.AddGenerated(x.id);
    numbers.AddGenerated(std::to_string(x.number));
  }
}

void ReadDirectory(const FixtureObject& root, World& w, FixtureRefs& refs) {
  ReadTeams(root, w, refs);
  ReadUsers(root, w, refs);
  ReadPriorities(root, w, refs);
  ReadSchedules(root, w, refs);
  ReadPolicies(root, w, refs);
  ReadServices(root, w, refs);
}

}  // namespace im::sim::pagerduty

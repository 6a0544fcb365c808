// Reading of a fixture's Opsgenie directory (see the header).
#include "sim/opsgenie/fixture_directory.h"

#include "sim/opsgenie/schedule_payload.h"

namespace im::sim::opsgenie {
namespace {

constexpr char kTeamRef[] = "a team reference such as {\"id\": \"<team id>\"}";

void ReadUsers(const FixtureObject& root, World& w, FixtureRefs& refs) {
  for (const auto& o : root.Objects("users",
                                    "a user such as {\"id\": \"<uuid>\", \"username\": "
                                    "\"ada@example.com\", \"fullName\": \"Ada "
                                    "Lovelace\"}")) {
    User u;
    u.id = o.String("id", "the user's id, e.g. \"4513b7ea-3b91-438f-b7e4-e3e54af9147c\"");
    u.username = o.String("username", "the user's email, e.g. \"ada@example.com\"");
    u.full_name = o.String("fullName", "the user's name, e.g. \"Ada Lovelace\"");
    std::string role_hint = "{\"name\": \"Admin\"} or \"Admin\"";
    u.role = "User";
    if (o.HasString("role")) {
      u.role = o.StringOr("role", "User", role_hint);
    } else if (auto role = o.OptionalObject("role", role_hint)) {
      u.role = role->StringOr("name", "User", role_hint);
    }
    u.time_zone = o.Zone("timeZone", "UTC");
    u.created_at = o.OptionalTime("createdAt").value_or(o.now());
    refs.users.Add(o, "id", u.id);
    refs.usernames.Add(o, "username", u.username);
    w.users.push_back(std::move(u));
  }
}

void ReadTeams(const FixtureObject& root, World& w, FixtureRefs& refs) {
  for (const auto& o : root.Objects("teams",
                                    "a team such as {\"id\": \"<team id>\", \"name\": "
                                    "\"Platform\"}")) {
    Team t;
    t.id = o.String("id", "the team's id");
    t.name = o.String("name", "the team's name, e.g. \"Platform\"");
    t.description = o.StringOr("description", "", "a description");
    for (const auto& m : o.Objects("members",
                                   "{\"user\": {\"username\": \"ada@example.com\"}, "
                                   "\"role\": \"admin\"}")) {
      auto user = m.OptionalObject("user", "{\"id\": ...} or {\"username\": ...}");
      std::string key;
      if (user) key = user->StringOr("id", user->StringOr("username", "", "a username"), "an id");
      if (!user || key.empty()) {
        m.Fail("user",
               "is missing: write {\"id\": \"<user id>\"} or {\"username\": "
               "\"ada@example.com\"}");
      }
      std::string id = key.empty() ? "" : refs.UserId(w, *user, "id", key);
      t.members.push_back({id, m.OneOf("role", {"user", "admin"}, "user")});
    }
    refs.teams.Add(o, "id", t.id);
    w.teams.push_back(std::move(t));
  }
}

void ReadServices(const FixtureObject& root, World& w, FixtureRefs& refs) {
  for (const auto& o : root.Objects("services",
                                    "a service such as {\"id\": \"<service id>\", "
                                    "\"name\": \"Checkout\", \"teamId\": \"...\"}")) {
    Service s;
    s.id = o.String("id", "the service's id");
    s.name = o.String("name", "the service's name, e.g. \"Checkout\"");
    s.team_id = o.StringOr("teamId", "", "the id of one of the teams");
    if (!s.team_id.empty()) refs.teams.Resolve(o, "teamId", s.team_id);
    refs.services.Add(o, "id", s.id);
    w.services.push_back(std::move(s));
  }
}

void ReadSchedules(const FixtureObject& root, World& w, Rng& rng, FixtureRefs& refs) {
  for (const auto& o : root.Objects("schedules", "a schedule with \"rotations\"")) {
    Schedule s;
    s.id = o.String("id", "the schedule's id");
    s.name = o.String("name", "the schedule's name, e.g. \"Platform_schedule\"");
    s.description = o.StringOr("description", "", "a description");
    s.timezone = o.Zone("timezone", "UTC");
    s.enabled = o.OptionalBool("enabled").value_or(true);
    s.owner_team_id = o.OptionalRefId("ownerTeam", kTeamRef).value_or("");
    if (!s.owner_team_id.empty()) refs.teams.Resolve(o, "ownerTeam.id", s.owner_team_id);
    auto rotations = o.Objects("rotations",
                               "a rotation with \"type\", \"startDate\" and "
                               "\"participants\"");
    for (size_t i = 0; i < rotations.size() && !o.failed(); ++i) {
      // The rotation reader of POST /v2/schedules; it names its own paths.
      auto r = ReadRotation(w, rng, json::value(rotations[i].json()), rotations[i].path(), i);
      if (!r) {
        o.Fail(r.error());
        break;
      }
      r->id = rotations[i].StringOr("id", r->id, "the rotation's id");
      s.rotations.push_back(std::move(*r));
    }
    refs.schedules.Add(o, "id", s.id);
    w.schedules.push_back(std::move(s));
  }
}

void ReadEscalations(const FixtureObject& root, World& w, FixtureRefs& refs) {
  for (const auto& o : root.Objects("escalations", "an escalation with \"rules\"")) {
    Escalation e;
    e.id = o.String("id", "the escalation's id");
    e.name = o.String("name", "the escalation's name, e.g. \"Platform_escalation\"");
    e.description = o.StringOr("description", "", "a description");
    e.owner_team_id = o.OptionalRefId("ownerTeam", kTeamRef).value_or("");
    if (!e.owner_team_id.empty()) refs.teams.Resolve(o, "ownerTeam.id", e.owner_team_id);
    for (const auto& r : o.Objects("rules",
                                   "{\"condition\": \"if-not-acked\", \"delay\": "
                                   "{\"timeAmount\": 5}, \"recipient\": {\"type\": "
                                   "\"user\", \"id\": \"...\"}}")) {
      EscalationRule rule;
      rule.condition = r.OneOf("condition", {"if-not-acked", "if-not-closed"}, "if-not-acked");
      rule.notify_type = r.OneOf(
          "notifyType", {"default", "next", "previous", "users", "admins", "all"}, "default");
      if (auto delay = r.OptionalObject("delay",
                                        "{\"timeAmount\": 5, \"timeUnit\": "
                                        "\"minutes\"}")) {
        int64_t amount = delay->OptionalInt("timeAmount", "a count, e.g. 5").value_or(0);
        if (amount < 0 || amount > 100000) delay->Fail("timeAmount", "must be 0 to 100000");
        std::string unit = delay->OneOf("timeUnit", {"minutes", "hours", "days"}, "minutes");
        rule.delay_minutes = amount * (unit == "days" ? 1440 : unit == "hours" ? 60 : 1);
      }
      auto recipient = r.OptionalObject("recipient", "{\"type\": \"user\", \"id\": \"...\"}");
      if (!recipient) {
        r.Fail("recipient", "is missing: write {\"type\": \"schedule\", \"id\": \"...\"}");
      } else {
        rule.recipient.type =
            recipient->OneOf("type", {"user", "team", "schedule", "escalation"}, "user");
        rule.recipient.id = recipient->StringOr(
            "id", recipient->StringOr("username", "", "a username"), "the recipient's id");
        refs.ResolveParticipant(w, *recipient, rule.recipient);
      }
      e.rules.push_back(std::move(rule));
    }
    if (auto repeat = o.OptionalObject("repeat", "{\"waitInterval\": 10, \"count\": 1}")) {
      e.repeat_wait_minutes = repeat->OptionalInt("waitInterval", "minutes, e.g. 10").value_or(5);
      e.repeat_count = repeat->OptionalInt("count", "a count, e.g. 1").value_or(0);
    }
    refs.escalations.Add(o, "id", e.id);
    w.escalations.push_back(std::move(e));
  }
}

}  // namespace

void FixtureRefs::AddGenerated(const World& w) {
  for (const auto& x : w.users) {
    users.AddGenerated(x.id);
    usernames.AddGenerated(x.username);
  }
  for (const auto& x : w.teams) teams.AddGenerated(x.id);
  for (const auto& x : w.services) services.AddGenerated(x.id);
  for (const auto& x : w.schedules) schedules.AddGenerated(x.id);
  for (const auto& x : w.escalations) escalations.AddGenerated(x.id);
  for (const auto& x : w.alerts) {
    alerts.AddGenerated(x.id);
    alert_tiny_ids.AddGenerated(x.tiny_id);
  }
  for (const auto& x : w.incidents) {
    incidents.AddGenerated(x.id);
    incident_tiny_ids.AddGenerated(x.tiny_id);
  }
}

std::string FixtureRefs::UserId(const World& w, const FixtureObject& at, std::string_view field,
                                const std::string& key) const {
  if (key.empty()) return "";
  if (!users.Contains(key) && !usernames.Contains(key)) {
    users.Resolve(at, field, key);
    return "";
  }
  const User* u = w.FindUser(key);
  return u ? u->id : "";
}

bool FixtureRefs::ResolveParticipant(const World& w, const FixtureObject& at,
                                     Participant& p) const {
  if (p.id.empty()) return at.Fail("id", "is missing: write the id of the " + p.type);
  if (p.type == "user") {
    p.id = UserId(w, at, "id", p.id);
    return !p.id.empty();
  }
  const FixtureIds& ids = p.type == "team" ? teams : p.type == "schedule" ? schedules : escalations;
  return ids.Resolve(at, "id", p.id);
}

void ReadDirectory(const FixtureObject& root, World& w, Rng& rng, FixtureRefs& refs) {
  ReadUsers(root, w, refs);
  ReadTeams(root, w, refs);
  ReadServices(root, w, refs);
  ReadSchedules(root, w, rng, refs);
  ReadEscalations(root, w, refs);
}

}  // namespace im::sim::opsgenie

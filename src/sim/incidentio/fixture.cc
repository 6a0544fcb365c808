// Reading of an incident.io fixture (see the header).
#include "sim/incidentio/fixture.h"

#include <algorithm>

#include "common/time.h"
#include "sim/common/fixture.h"

namespace im::sim::incidentio {
namespace {

const std::vector<std::string> kCollections = {"incidents", "users", "severities",
                                               "incident_statuses", "schedules"};
const std::vector<std::string> kCategories = {"triage", "declined", "merged", "canceled",
                                              "live",   "learning", "closed", "paused"};

struct Refs {
  FixtureIds users{"user", "users"};
  FixtureIds severities{"severity", "severities"};
  FixtureIds statuses{"incident status", "incident_statuses"};
  FixtureIds schedules{"schedule", "schedules"};
  FixtureIds incidents{"incident", "incidents"};
  FixtureIds references{"incident reference", "incidents"};
};

void ReadUsers(const FixtureObject& root, World& w, Refs& refs) {
  for (const auto& o : root.Objects("users",
                                    "a user such as {\"id\": \"01FCNDV6P870EA6S7TK1DSYD01\", "
                                    "\"name\": \"Ada Lovelace\"}")) {
    User u;
    u.id = o.String("id", "the user's id, e.g. \"01FCNDV6P870EA6S7TK1DSYD01\"");
    u.name = o.String("name", "the user's name, e.g. \"Ada Lovelace\"");
    u.email = o.StringOr("email", "", "the user's email, e.g. \"ada@example.com\"");
    u.role = o.StringOr("role", "responder", "a role such as \"responder\" or \"owner\"");
    refs.users.Add(o, "id", u.id);
    w.users.push_back(std::move(u));
  }
}

void ReadSeverities(const FixtureObject& root, World& w, Refs& refs) {
  for (const auto& o : root.Objects("severities",
                                    "a severity such as {\"id\": \"01SEV1\", "
                                    "\"name\": \"Critical\", \"rank\": 4}")) {
    Severity s;
    s.id = o.String("id", "the severity's id, e.g. \"01SEV1\"");
    s.name = o.String("name", "the severity's name, e.g. \"Critical\"");
    s.description = o.StringOr("description", "", "a description");
    auto rank = o.OptionalInt("rank", "its rank, higher for more severe, e.g. 4");
    if (!rank && !o.Has("rank")) o.Fail("rank", "is missing: write its rank, e.g. 4");
    s.rank = rank.value_or(0);
    refs.severities.Add(o, "id", s.id);
    w.severities.push_back(std::move(s));
  }
}

void ReadStatuses(const FixtureObject& root, World& w, Refs& refs) {
  for (const auto& o : root.Objects("incident_statuses",
                                    "a status such as {\"id\": \"01ST1\", "
                                    "\"name\": \"Investigating\", "
                                    "\"category\": \"live\"}")) {
    Status s;
    s.id = o.String("id", "the status's id, e.g. \"01ST1\"");
    s.name = o.String("name", "the status's name, e.g. \"Investigating\"");
    s.description = o.StringOr("description", "", "a description");
    s.category = o.OneOf("category", kCategories, "");
    if (!o.Has("category")) o.Fail("category", "is missing: write \"live\", \"closed\", ...");
    s.rank = o.OptionalInt("rank", "its position, e.g. 1")
                 .value_or(static_cast<int64_t>(w.statuses.size()));
    refs.statuses.Add(o, "id", s.id);
    w.statuses.push_back(std::move(s));
  }
}

Rotation ReadRotation(const FixtureObject& o, World& w, const Refs& refs) {
  Rotation r;
  r.id = o.StringOr("id", "", "the rotation's id");
  if (r.id.empty()) r.id = w.NewId();
  r.name = o.StringOr("name", "Primary", "the rotation's name");
  r.handover_start_at = o.TimeAt("handover_start_at");
  auto handovers = o.Objects("handovers", "{\"interval\": 1, \"interval_type\": \"weekly\"}");
  if (handovers.empty() && !o.failed()) {
    o.Fail("handovers", "is empty: write [{\"interval\": 1, \"interval_type\": \"weekly\"}]");
  }
  if (!handovers.empty()) {  // the simulator models one handover length per rotation
    r.interval = handovers[0].OptionalInt("interval", "a count, e.g. 1").value_or(1);
    r.interval_type = handovers[0].OneOf("interval_type", {"hourly", "daily", "weekly"}, "weekly");
    if (r.interval < 1 || r.interval > 10000) {
      handovers[0].Fail("interval", "must be 1 to 10000, e.g. 1");
    }
  }
  for (const auto& u : o.Objects("users", "a user reference such as {\"id\": \"01USER\"}")) {
    std::string id = u.String("id", "the id of one of the users");
    refs.users.Resolve(u, "id", id);
    r.user_ids.push_back(std::move(id));
  }
  return r;
}

void ReadSchedules(const FixtureObject& root, World& w, Refs& refs) {
  for (const auto& o : root.Objects("schedules", "a schedule with \"config\": {\"rotations\"}")) {
    Schedule s;
    s.id = o.String("id", "the schedule's id, e.g. \"01SCHED1\"");
    s.name = o.String("name", "the schedule's name, e.g. \"Platform on-call\"");
    s.timezone = o.Zone("timezone", "UTC");
    s.created_at = o.OptionalTime("created_at").value_or(o.now());
    if (auto config = o.OptionalObject("config", "{\"rotations\": [...]}")) {
      for (const auto& r : config->Objects("rotations",
                                           "a rotation with \"handover_start_at\", "
                                           "\"handovers\" and \"users\"")) {
        s.rotations.push_back(ReadRotation(r, w, refs));
      }
    }
    refs.schedules.Add(o, "id", s.id);
    w.schedules.push_back(std::move(s));
  }
}

bool Active(const Status& s) { return s.category == "triage" || s.category == "live"; }

// An incident read and checked, declared in `inc.status_id` and then, when `status_id` differs,
// moved to it at `moved_at`.
struct Pending {
  Incident inc;
  std::string status_id;
  Time moved_at{};
  std::optional<Time> updated_at;
};

// The number of "INC-<number>", if it is one.
std::optional<int64_t> ReferenceNumber(const std::string& reference) {
  if (!reference.starts_with("INC-") || reference.size() < 5 || reference.size() > 13 ||
      reference.find_first_not_of("0123456789", 4) != std::string::npos) {
    return std::nullopt;
  }
  return std::stoll(reference.substr(4));
}

std::optional<Pending> ReadIncident(const FixtureObject& o, const World& w, Refs& refs) {
  Incident inc;
  inc.id = o.String("id", "the incident's id, e.g. \"01FDAG4SAP5TYPT98WGR2N7W91\"");
  inc.reference = o.StringOr("reference", "", "its reference, e.g. \"INC-42\"");
  inc.name = o.String("name", "what happened, e.g. \"Checkout is down\"");
  inc.summary = o.StringOr("summary", "", "a summary");
  std::string status_id = o.RefId("incident_status",
                                  "the id of one of the incident_statuses, "
                                  "e.g. {\"id\": \"01ST1\"}");
  refs.statuses.Resolve(o, "incident_status.id", status_id);
  std::string hint = "the id of one of the severities, e.g. {\"id\": \"01SEV1\"}";
  inc.severity_id = o.OptionalRefId("severity", hint).value_or("");
  refs.severities.Resolve(o, "severity.id", inc.severity_id);
  if (auto creator = o.OptionalObject("creator", "{\"user\": {\"id\": \"01USER\"}}")) {
    inc.creator_id = creator->RefId("user", "the id of one of the users");
    refs.users.Resolve(*creator, "user.id", inc.creator_id);
  } else if (!w.users.empty()) {
    inc.creator_id = w.users.front().id;  // the organisation's owner, as API keys act
  }
  inc.mode = o.OneOf("mode", {"standard", "retrospective", "test", "tutorial"}, "standard");
  inc.visibility = o.OneOf("visibility", {"public", "private"}, "public");
  inc.created_at = o.TimeAt("created_at");
  auto updated_at = o.OptionalTime("updated_at");
  if (o.failed()) return std::nullopt;

  if (!inc.reference.empty()) {
    if (!ReferenceNumber(inc.reference)) {
      o.Fail("reference", "\"" + inc.reference +
                              "\" is not a reference: write \"INC-\" and a "
                              "number, e.g. \"INC-42\", or leave it out");
    }
    refs.references.Add(o, "reference", inc.reference);
  }
  if (inc.created_at > o.now()) {
    o.Fail("created_at", FormatTime(inc.created_at) + " is after the simulator's start " +
                             FormatTime(o.now()) + ": a fixture holds what has happened so far");
  }
  const Status* status = w.FindStatus(status_id);
  const Status* declared = status && Active(*status) ? status : w.DeclaredStatus();
  if (status && declared != status) {  // moved on since: updated_at says when
    if (!updated_at) {
      o.Fail("updated_at",
             "is missing: write when the incident moved to \"" + status->name + "\", e.g. \"-1h\"");
    } else if (*updated_at < inc.created_at || *updated_at > o.now()) {
      o.Fail("updated_at", FormatTime(*updated_at) +
                               " must be between created_at and the "
                               "simulator's start " +
                               FormatTime(o.now()));
    }
  }
  refs.incidents.Add(o, "id", inc.id);
  if (o.failed()) return std::nullopt;
  inc.status_id = declared ? declared->id : status_id;
  Time moved_at = declared != status ? *updated_at : inc.created_at;
  return Pending{std::move(inc), status_id, moved_at, updated_at};
}

// Adds the incidents with the updates the generator writes: declared, then moved on. Those
// without a reference are numbered after every reference in use.
void AddIncidents(World& w, std::vector<Pending> pending) {
  for (const auto& p : pending) {
    if (auto n = ReferenceNumber(p.inc.reference)) {
      w.next_reference = std::max(w.next_reference, *n + 1);
    }
  }
  for (auto& p : pending) {
    Incident& added = AddDeclaredIncident(w, std::move(p.inc));
    if (added.status_id != p.status_id) {
      const Status* to = w.FindStatus(p.status_id);
      ChangeStatus(w, added, p.status_id, added.creator_id, p.moved_at, "Moved to " + to->name);
    }
    added.updated_at = std::max(added.updated_at, p.updated_at.value_or(added.updated_at));
  }
}

// Replace mode serves only the file: it must hold what every incident and write needs.
void RequireConfiguration(const FixtureObject& root, const World& w) {
  if (w.users.empty()) {
    root.Fail("users",
              "is empty: replace mode needs the organisation's users, e.g. [{\"id\": "
              "\"01USER\", \"name\": \"Ada Lovelace\"}]");
  } else if (w.severities.empty()) {
    root.Fail("severities",
              "is empty: replace mode needs the organisation's severities, e.g. "
              "[{\"id\": \"01SEV1\", \"name\": \"Critical\", \"rank\": 4}]");
  } else if (w.statuses.empty()) {
    root.Fail("incident_statuses",
              "is empty: replace mode needs the organisation's statuses, "
              "e.g. [{\"id\": \"01ST1\", \"name\": \"Investigating\", "
              "\"category\": \"live\"}]");
  }
}

// Incidents and updates in time order, and when the organisation was configured.
void Finish(World& w, Time now) {
  auto by_time = [](const auto& a, const auto& b) { return a.created_at < b.created_at; };
  std::stable_sort(w.incidents.begin(), w.incidents.end(), by_time);
  std::stable_sort(w.updates.begin(), w.updates.end(), by_time);
  Time first = now;
  for (const auto& inc : w.incidents) first = std::min(first, inc.created_at);
  for (const auto& s : w.schedules) first = std::min(first, s.created_at);
  if (w.configured_at == Time{} || first < w.configured_at) w.configured_at = first;
}

}  // namespace

Result<World> LoadFixture(const std::string& path, const GeneratorOptions& generated) {
  auto fixture = ReadFixture(path, kCollections, generated.now);
  if (!fixture) return std::unexpected(fixture.error().Wrap("fixture " + path));
  World w = fixture->mode == FixtureMode::kExtend ? Generate(generated) : World{};
  Refs refs;
  for (const auto& x : w.users) refs.users.AddGenerated(x.id);
  for (const auto& x : w.severities) refs.severities.AddGenerated(x.id);
  for (const auto& x : w.statuses) refs.statuses.AddGenerated(x.id);
  for (const auto& x : w.schedules) refs.schedules.AddGenerated(x.id);
  for (const auto& x : w.incidents) {
    refs.incidents.AddGenerated(x.id);
    refs.references.AddGenerated(x.reference);
  }
  FixtureObject root = fixture->Root();
  ReadUsers(root, w, refs);
  ReadSeverities(root, w, refs);
  ReadStatuses(root, w, refs);
  ReadSchedules(root, w, refs);
  if (fixture->mode == FixtureMode::kReplace && !root.failed()) RequireConfiguration(root, w);
  std::vector<Pending> pending;
  if (!root.failed()) {
    for (const auto& o : root.Objects("incidents",
                                      "an incident with \"id\", \"name\", "
                                      "\"incident_status\" and \"created_at\"")) {
      if (auto p = ReadIncident(o, w, refs)) pending.push_back(std::move(*p));
      if (root.failed()) break;
    }
  }
  if (fixture->ctx.error) return std::unexpected(fixture->ctx.error->Wrap("fixture " + path));
  AddIncidents(w, std::move(pending));
  Finish(w, fixture->ctx.now);
  return w;
}

}  // namespace im::sim::incidentio

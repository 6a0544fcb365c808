// Reading of a PagerDuty fixture's incidents, and the whole file (see the header).
#include "sim/pagerduty/fixture.h"

#include <algorithm>
#include <map>

#include "common/time.h"
#include "sim/common/fixture.h"
#include "sim/pagerduty/fixture_directory.h"
#include "sim/pagerduty/lifecycle.h"

namespace im::sim::pagerduty {
namespace {

constexpr char kUserRef[] = "a user reference such as {\"id\": \"PUSER01\"}";

const std::vector<std::string> kCollections = {
    "incidents", "services", "escalation_policies", "schedules", "users", "teams", "priorities"};

struct Stamp {
  Time at;
  std::string user_id;
};

// Fails unless created_at <= at <= now.
void CheckBetween(const FixtureObject& o, std::string_view field, Time at, Time created) {
  if (at < created) {
    o.Fail(field, FormatTime(at) + " is before the incident's created_at " + FormatTime(created));
  } else if (at > o.now()) {
    o.Fail(field, FormatTime(at) + " is after the simulator's start " + FormatTime(o.now()) +
                      ": a fixture holds what has happened so far");
  }
}

std::vector<Stamp> ReadStamps(const FixtureObject& o, std::string_view field, std::string_view who,
                              Time created, const FixtureIds& users, bool at_required) {
  std::vector<Stamp> out;
  std::string hint = "{\"at\": \"-2h\", \"" + std::string(who) + "\": {\"id\": \"PUSER01\"}}";
  for (const auto& s : o.Objects(field, hint)) {
    Time at = at_required ? s.TimeAt("at") : s.OptionalTime("at").value_or(created);
    std::string user = s.RefId(who, kUserRef);
    users.Resolve(s, std::string(who) + ".id", user);
    if (!s.failed()) CheckBetween(s, "at", at, created);
    out.push_back({at, std::move(user)});
  }
  return out;
}

// Who resolved: last_status_change_by when given, else the last acknowledger, else the service.
Agent Resolver(const FixtureObject& o, const FixtureRefs& refs, const Incident& inc,
               const std::vector<Stamp>& acks) {
  if (auto by = o.OptionalObject("last_status_change_by", kUserRef)) {
    std::string type = by->OneOf("type", {"user_reference", "service_reference"}, "user_reference");
    std::string id = by->String("id", kUserRef);
    (type == "user_reference" ? refs.users : refs.services).Resolve(*by, "id", id);
    return {type, id};
  }
  if (!acks.empty()) return {"user_reference", acks.back().user_id};
  return {"service_reference", inc.service_id};
}

// What an incident's history is written from, read and checked.
struct Life {
  std::string status;  // the status the steps must arrive at (each sets inc.status)
  std::vector<Stamp> assignments, acks;
  std::optional<Time> resolve_at, updated_at;
  Agent resolver;
};

// The status agrees with the acknowledgements and the resolve time; nothing after the resolve.
void CheckLife(const FixtureObject& o, const Incident& inc, const Life& life,
               bool resolved_at_given) {
  CheckBetween(o, "created_at", inc.created_at, Time::min());
  if (life.status == "triggered" && !life.acks.empty()) {
    o.Fail("acknowledgements",
           "must be empty while status is \"triggered\": set status to "
           "\"acknowledged\" or leave them out");
  }
  if (life.status == "acknowledged" && life.acks.empty()) {
    o.Fail("acknowledgements",
           "is empty but status is \"acknowledged\": add who acknowledged "
           "when, e.g. [{\"at\": \"-1h\", \"acknowledger\": {\"id\": "
           "\"PUSER01\"}}]");
  }
  if (life.status != "resolved") {
    if (resolved_at_given) o.Fail("resolved_at", "must be null unless status is \"resolved\"");
    return;
  }
  if (!life.resolve_at) {
    o.Fail("resolved_at",
           "is missing but status is \"resolved\": write when it was resolved, "
           "e.g. \"-30m\"");
    return;
  }
  Time at = *life.resolve_at;
  CheckBetween(o, resolved_at_given ? "resolved_at" : "last_status_change_at", at, inc.created_at);
  std::string after =
      " after the resolve at " + FormatTime(at) + ": write times up to it, or leave the list out";
  for (const auto& s : life.assignments) {
    if (s.at > at) o.Fail("assignments", "has an assignment" + after);
  }
  for (const auto& s : life.acks) {
    if (s.at > at) o.Fail("acknowledgements", "has an acknowledgement" + after);
  }
}

// The history in time order, by the generator's steps: the trigger with the assignments made
// then, later assignments (an entry per time), acknowledgements, then the resolve.
void WriteLife(World& w, Incident& inc, Life life) {
  auto by_time = [](const Stamp& a, const Stamp& b) { return a.at < b.at; };
  std::stable_sort(life.assignments.begin(), life.assignments.end(), by_time);
  std::stable_sort(life.acks.begin(), life.acks.end(), by_time);
  std::map<Time, std::vector<std::string>> assigned;  // by time
  for (const auto& s : life.assignments) assigned[s.at].push_back(s.user_id);
  TriggerIncident(w, inc, assigned[inc.created_at]);
  assigned.erase(inc.created_at);
  Agent service{"service_reference", inc.service_id};
  auto ack = life.acks.begin();
  for (const auto& [at, users] : assigned) {
    for (; ack != life.acks.end() && ack->at < at; ++ack) {
      AcknowledgeIncident(w, inc, ack->at, {"user_reference", ack->user_id});
    }
    AssignIncident(w, inc, at, service, users);
  }
  for (; ack != life.acks.end(); ++ack) {
    AcknowledgeIncident(w, inc, ack->at, {"user_reference", ack->user_id});
  }
  if (life.status == "resolved") ResolveIncident(w, inc, *life.resolve_at, life.resolver, "");
  inc.updated_at = std::max(life.updated_at.value_or(Time::min()), inc.log.back().created_at);
}

void ReadIncident(const FixtureObject& o, World& w, FixtureRefs& refs) {
  Incident inc;
  Life life;
  inc.id = o.String("id", "the incident's id, e.g. \"PINC001\"");
  inc.title = o.String("title", "what happened, e.g. \"Checkout is down\"");
  life.status = o.OneOf("status", {"triggered", "acknowledged", "resolved"}, "");
  if (!o.Has("status")) {
    o.Fail("status", "is missing: write \"triggered\", \"acknowledged\" or \"resolved\"");
  }
  inc.urgency = o.OneOf("urgency", {"high", "low"}, "high");
  inc.service_id = o.RefId("service", "the id of one of the services, e.g. {\"id\": \"PSVC001\"}");
  refs.services.Resolve(o, "service.id", inc.service_id);
  inc.created_at = o.TimeAt("created_at");
  inc.number = o.OptionalInt("incident_number", "a positive number, e.g. 42").value_or(0);
  if (o.Has("incident_number") && (inc.number < 1 || inc.number > 999'999'999) && !o.failed()) {
    o.Fail("incident_number",
           "must be 1 to 999999999: write a number such as 42, or leave it "
           "out");
  }
  if (inc.number > 0) refs.numbers.Add(o, "incident_number", std::to_string(inc.number));
  inc.incident_key = o.StringOr("incident_key", "", "the dedup key, e.g. \"disk-full-db1\"");
  std::string hint = "the id of one of the escalation_policies, e.g. {\"id\": \"PEPOL01\"}";
  if (auto ep = o.OptionalRefId("escalation_policy", hint)) {
    refs.policies.Resolve(o, "escalation_policy.id", *ep);
    inc.escalation_policy_id = *ep;
  } else if (const Service* svc = w.FindService(inc.service_id)) {
    inc.escalation_policy_id = svc->escalation_policy_id;
  }
  if (auto p = o.OptionalRefId("priority", "the id of one of the priorities, or null")) {
    refs.priorities.Resolve(o, "priority.id", *p);
    inc.priority_id = *p;
  }
  life.assignments = ReadStamps(o, "assignments", "assignee", inc.created_at, refs.users, false);
  life.acks = ReadStamps(o, "acknowledgements", "acknowledger", inc.created_at, refs.users, true);
  auto resolved_at = o.OptionalTime("resolved_at");
  life.resolve_at = resolved_at ? resolved_at : o.OptionalTime("last_status_change_at");
  life.updated_at = o.OptionalTime("updated_at");
  life.resolver = Resolver(o, refs, inc, life.acks);
  if (o.failed()) return;
  CheckLife(o, inc, life, resolved_at.has_value());
  refs.incidents.Add(o, "id", inc.id);
  if (o.failed()) return;
  if (inc.incident_key.empty()) inc.incident_key = w.NewId('k', 32);
  WriteLife(w, inc, std::move(life));
  w.incidents.push_back(std::move(inc));
}

// Incidents in created_at order with their index, numbers for those without one, and the
// creation time of services that gave none (their first incident, else now).
void Finish(World& w, Time now) {
  std::stable_sort(
      w.incidents.begin(), w.incidents.end(),
      [](const Incident& a, const Incident& b) { return a.created_at < b.created_at; });
  int64_t max_number = 0;
  for (const auto& inc : w.incidents) max_number = std::max(max_number, inc.number);
  w.incident_index.clear();
  for (size_t i = 0; i < w.incidents.size(); ++i) {
    Incident& inc = w.incidents[i];
    if (inc.number == 0) inc.number = ++max_number;
    w.incident_index.emplace(inc.id, i);
  }
  w.next_number = max_number + 1;
  for (auto& s : w.services) {
    if (s.created_at != Time{}) continue;
    s.created_at = now;
    for (const auto& inc : w.incidents) {
      if (inc.service_id == s.id) s.created_at = std::min(s.created_at, inc.created_at);
    }
  }
}

}  // namespace

Result<World> LoadFixture(const std::string& path, const GeneratorOptions& generated) {
  auto fixture = ReadFixture(path, kCollections, generated.now);
  if (!fixture) return std::unexpected(fixture.error().Wrap("fixture " + path));
  World w = fixture->mode == FixtureMode::kExtend ? Generate(generated) : World{};
  FixtureRefs refs;
  refs.AddGenerated(w);
  FixtureObject root = fixture->Root();
  ReadDirectory(root, w, refs);
  if (!root.failed()) {
    for (const auto& o : root.Objects("incidents",
                                      "an incident with \"id\", \"title\", "
                                      "\"status\", \"service\" and \"created_at\"")) {
      ReadIncident(o, w, refs);
      if (root.failed()) break;
    }
  }
  if (fixture->ctx.error) return std::unexpected(fixture->ctx.error->Wrap("fixture " + path));
  Finish(w, fixture->ctx.now);
  return w;
}

}  // namespace im::sim::pagerduty

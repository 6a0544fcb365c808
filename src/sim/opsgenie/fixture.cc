// Reading of an Opsgenie fixture's alerts and incidents, and the whole file (see the header).
#include "sim/opsgenie/fixture.h"

#include <algorithm>
#include <map>

#include "common/time.h"
#include "sim/common/fixture.h"
#include "sim/opsgenie/actions.h"
#include "sim/opsgenie/fixture_directory.h"

namespace im::sim::opsgenie {
namespace {

const std::vector<std::string> kCollections = {"alerts",   "incidents", "users",      "teams",
                                               "services", "schedules", "escalations"};
const std::vector<std::string> kPriorities = {"P1", "P2", "P3", "P4", "P5"};
constexpr char kTinyHint[] = "a number in a string, e.g. \"42\"";
constexpr int64_t kTenYearsMs = 10LL * 366 * 86400 * 1000;

// When an alias was held by an open alert: [from, to), and by which alert.
struct AliasUse {
  Time from{}, to{};
  std::string where;  // "" for a generated alert
};

struct PendingAlert {
  AlertDraft draft;
  Time created{};
  std::optional<Time> ack_at, unack_at, close_at, updated_at, last_occurred_at;
  std::string acked_by, closed_by;
  std::optional<std::string> owner;
  std::optional<bool> seen;
  int64_t count = 1;
};

struct PendingIncident {
  IncidentDraft draft;
  std::string status, owner;
  Time created{};
  std::optional<Time> updated_at;
  std::optional<bool> seen;
};

// Fails unless from <= at <= now.
void CheckBetween(const FixtureObject& o, std::string_view field, Time at, Time from) {
  if (at < from) {
    o.Fail(field, FormatTime(at) + " is before createdAt " + FormatTime(from));
  } else if (at > o.now()) {
    o.Fail(field, FormatTime(at) + " is after the simulator's start " + FormatTime(o.now()) +
                      ": a fixture holds what has happened so far");
  }
}

std::string TinyId(const FixtureObject& o, FixtureIds& ids, int64_t& next) {
  std::string tiny = o.StringOr("tinyId", "", kTinyHint);
  if (tiny.empty()) return tiny;
  if (tiny.size() > 12 || tiny.find_first_not_of("0123456789") != std::string::npos) {
    o.Fail("tinyId", "\"" + tiny + "\" is not a tinyId: write " + kTinyHint);
    return "";
  }
  ids.Add(o, "tinyId", tiny);
  next = std::max<int64_t>(next, std::stoll(tiny) + 1);
  return tiny;
}

std::map<std::string, std::string> Details(const FixtureObject& o, std::string_view field) {
  std::map<std::string, std::string> out;
  if (auto d = o.OptionalObject(field, "an object of strings, e.g. {\"region\": \"eu\"}")) {
    for (const auto& [k, v] : d->json()) {
      out[std::string(k)] = v.is_string() ? std::string(v.get_string()) : json::Serialize(v);
    }
  }
  return out;
}

std::vector<Participant> Responders(const FixtureObject& o, const World& w,
                                    const FixtureRefs& refs) {
  std::vector<Participant> out;
  for (const auto& r : o.Objects("responders", "{\"type\": \"team\", \"id\": \"<team id>\"}")) {
    Participant p{r.OneOf("type", {"team", "user", "escalation", "schedule"}, "team"),
                  r.StringOr("id", "", "the responder's id")};
    refs.ResolveParticipant(w, r, p);
    out.push_back(std::move(p));
  }
  return out;
}

std::optional<PendingAlert> ReadAlert(const FixtureObject& o, const World& w, FixtureRefs& refs,
                                      std::map<std::string, std::vector<AliasUse>>& aliases,
                                      int64_t& next_tiny) {
  PendingAlert p;
  AlertDraft& d = p.draft;
  d.id = o.String("id", "the alert's id, e.g. \"70413a06-38d6-4c85-92b8-5ebc900d42e2\"");
  d.tiny_id = TinyId(o, refs.alert_tiny_ids, next_tiny);
  d.message = o.String("message", "what happened, e.g. \"Disk almost full on db-1\"");
  d.alias = o.StringOr("alias", "", "the deduplication key, e.g. \"db-1-disk\"");
  d.description = o.StringOr("description", "", "a description");
  d.entity = o.StringOr("entity", "", "the entity, e.g. \"db-1\"");
  d.source = o.StringOr("source", "", "the source, e.g. \"Prometheus\"");
  d.priority = o.OneOf("priority", kPriorities, "P3");
  d.tags = o.Strings("tags", "[\"db\", \"prod\"]");
  d.actions = o.Strings("actions", "[\"Restart\"]");
  d.details = Details(o, "details");
  d.responders = Responders(o, w, refs);
  std::string status = o.OneOf("status", {"open", "closed"}, "open");
  auto acknowledged = o.OptionalBool("acknowledged");
  p.created = o.TimeAt("createdAt");
  p.updated_at = o.OptionalTime("updatedAt");
  p.last_occurred_at = o.OptionalTime("lastOccurredAt");
  p.count = o.OptionalInt("count", "how often it occurred, e.g. 3").value_or(1);
  p.owner = o.OptionalString("owner", "a username, e.g. \"ada@example.com\"");
  p.seen = o.OptionalBool("isSeen");
  std::optional<int64_t> ack_ms, close_ms;
  if (auto report = o.OptionalObject("report", "{\"ackTime\": 60000, \"closeTime\": 600000}")) {
    ack_ms = report->OptionalInt("ackTime", "milliseconds from createdAt, e.g. 60000");
    close_ms = report->OptionalInt("closeTime", "milliseconds from createdAt, e.g. 600000");
    p.acked_by = report->StringOr("acknowledgedBy", "", "a username");
    p.closed_by = report->StringOr("closedBy", "", "a username");
  }
  refs.alerts.Add(o, "id", d.id);
  if (o.failed()) return std::nullopt;

  auto after_created = [&](std::optional<int64_t> ms, std::string_view field) {
    std::optional<Time> at;
    if (ms && (*ms < 0 || *ms > kTenYearsMs)) {
      o.Fail(field,
             "must be 0 to " + std::to_string(kTenYearsMs) + " milliseconds after createdAt");
    } else if (ms) {
      at = p.created + std::chrono::milliseconds(*ms);
    }
    return at;
  };
  CheckBetween(o, "createdAt", p.created, Time::min());
  if (p.count < 1) o.Fail("count", "must be at least 1");
  if (p.acked_by.empty()) p.acked_by = p.owner.value_or("");
  p.ack_at = after_created(ack_ms, "report.ackTime");
  if (!p.ack_at && acknowledged.value_or(false)) {
    p.ack_at = p.updated_at;
    if (!p.ack_at) {
      o.Fail("report.ackTime",
             "is missing but acknowledged is true: write the milliseconds "
             "from createdAt to the acknowledgement, e.g. 60000 (or updatedAt)");
    }
  }
  if (p.ack_at) CheckBetween(o, ack_ms ? "report.ackTime" : "updatedAt", *p.ack_at, p.created);
  if (p.ack_at && status == "open" && acknowledged == false) {  // taken back since
    p.unack_at = std::max(*p.ack_at, p.updated_at.value_or(*p.ack_at));
  }
  if (status == "closed") {
    p.close_at = after_created(close_ms, "report.closeTime");
    if (!p.close_at) p.close_at = p.updated_at;
    if (!p.close_at) {
      o.Fail("report.closeTime",
             "is missing but status is \"closed\": write the milliseconds "
             "from createdAt to the close, e.g. 600000 (or updatedAt)");
    } else {
      CheckBetween(o, close_ms ? "report.closeTime" : "updatedAt", *p.close_at, p.created);
      if (p.ack_at && *p.ack_at > *p.close_at) {
        o.Fail("report.ackTime", "is after the close: an alert is acknowledged before it closes");
      }
    }
  }
  if (!d.alias.empty() && d.alias != d.id && !o.failed()) {
    // Opsgenie keeps one open alert per alias: another with it would have been deduplicated.
    Time to = p.close_at.value_or(Time::max());
    for (const auto& use : aliases[d.alias]) {
      if (p.created < use.to && use.from < to) {
        o.Fail("alias", "\"" + d.alias + "\" is also the alias of " +
                            (use.where.empty() ? "a generated alert" : use.where) +
                            ", open at the same time: Opsgenie would have counted this alert "
                            "into that one; write another alias or close one before the other "
                            "is created");
        break;
      }
    }
    aliases[d.alias].push_back({p.created, to, o.path()});
  }
  if (o.failed()) return std::nullopt;
  return p;
}

void ApplyAlert(World& w, Rng& rng, PendingAlert p) {
  Alert& a = AddNewAlert(w, rng, std::move(p.draft), p.created);
  if (p.ack_at) AcknowledgeAlert(a, p.acked_by, "", *p.ack_at);
  if (p.unack_at) UnacknowledgeAlert(a, p.acked_by, "", *p.unack_at);
  if (p.close_at) CloseAlert(w, a, p.closed_by, "", *p.close_at);
  a.count = p.count;
  a.last_occurred_at = std::max(a.created_at, p.last_occurred_at.value_or(a.created_at));
  a.updated_at = std::max({a.updated_at, a.last_occurred_at, p.updated_at.value_or(a.updated_at)});
  if (p.owner) a.owner = *p.owner;
  if (p.seen) a.is_seen = *p.seen;
}

std::optional<PendingIncident> ReadIncident(const FixtureObject& o, const World& w,
                                            FixtureRefs& refs, int64_t& next_tiny) {
  PendingIncident p;
  IncidentDraft& d = p.draft;
  d.id = o.String("id", "the incident's id, e.g. \"ba1f7fa7-0bb4-4c1d-a5f3-3c42b2c5e4a1\"");
  d.tiny_id = TinyId(o, refs.incident_tiny_ids, next_tiny);
  d.message = o.String("message", "what happened, e.g. \"Checkout degraded\"");
  d.description = o.StringOr("description", "", "a description");
  d.service_id = o.String("serviceId", "the id of one of the services");
  refs.services.Resolve(o, "serviceId", d.service_id);
  d.priority = o.OneOf("priority", kPriorities, "P3");
  d.tags = o.Strings("tags", "[\"checkout\"]");
  d.details = Details(o, "extraProperties");
  d.responders = Responders(o, w, refs);
  p.status = o.OneOf("status", {"open", "resolved", "closed"}, "open");
  p.owner = o.StringOr("owner", "", "a username, e.g. \"ada@example.com\"");
  p.created = o.TimeAt("createdAt");
  p.updated_at = o.OptionalTime("updatedAt");
  p.seen = o.OptionalBool("isSeen");
  refs.incidents.Add(o, "id", d.id);
  if (o.failed()) return std::nullopt;
  CheckBetween(o, "createdAt", p.created, Time::min());
  if (p.status != "open" && !p.updated_at) {
    o.Fail("updatedAt", "is missing but status is \"" + p.status + "\": write when it was " +
                            p.status + ", e.g. \"-1h\"");
  } else if (p.updated_at) {
    CheckBetween(o, "updatedAt", *p.updated_at, p.created);
  }
  if (o.failed()) return std::nullopt;
  return p;
}

void ApplyIncident(World& w, Rng& rng, PendingIncident p) {
  Incident& inc = CreateIncident(w, rng, std::move(p.draft), p.owner, p.created);
  if (p.status == "resolved") ResolveIncident(w, rng, inc, p.owner, "", *p.updated_at);
  if (p.status == "closed") CloseIncident(w, rng, inc, p.owner, "", *p.updated_at);
  inc.updated_at = std::max(inc.updated_at, p.updated_at.value_or(inc.updated_at));
  if (!p.owner.empty()) inc.owner = p.owner;
  if (p.seen) inc.is_seen = *p.seen;
}

}  // namespace

Result<World> LoadFixture(const std::string& path, const GeneratorOptions& generated) {
  auto fixture = ReadFixture(path, kCollections, generated.now);
  if (!fixture) return std::unexpected(fixture.error().Wrap("fixture " + path));
  Rng rng(generated.seed ^ 0xf1c5);
  World w = fixture->mode == FixtureMode::kExtend ? Generate(generated) : World{};
  if (fixture->mode == FixtureMode::kReplace) w.integration = {NewUuid(rng), "Sim API", "API"};
  FixtureRefs refs;
  refs.AddGenerated(w);
  std::map<std::string, std::vector<AliasUse>> aliases;
  for (const auto& a : w.alerts) {
    if (a.alias != a.id)
      aliases[a.alias].push_back({a.created_at, a.closed_at.value_or(Time::max()), ""});
  }
  FixtureObject root = fixture->Root();
  ReadDirectory(root, w, rng, refs);
  std::vector<PendingAlert> alerts;
  std::vector<PendingIncident> incidents;
  if (!root.failed()) {
    for (const auto& o : root.Objects("alerts",
                                      "an alert with \"id\", \"message\" and "
                                      "\"createdAt\"")) {
      if (auto p = ReadAlert(o, w, refs, aliases, w.next_tiny)) alerts.push_back(std::move(*p));
      if (root.failed()) break;
    }
  }
  if (!root.failed()) {
    for (const auto& o : root.Objects("incidents",
                                      "an incident with \"id\", \"message\", "
                                      "\"serviceId\" and \"createdAt\"")) {
      if (auto p = ReadIncident(o, w, refs, w.next_incident_tiny)) {
        incidents.push_back(std::move(*p));
      }
      if (root.failed()) break;
    }
  }
  if (fixture->ctx.error) return std::unexpected(fixture->ctx.error->Wrap("fixture " + path));
  // Every explicit tinyId is known by now, so the ones given out next do not clash.
  for (auto& p : alerts) ApplyAlert(w, rng, std::move(p));
  for (auto& p : incidents) ApplyIncident(w, rng, std::move(p));
  w.SortByCreation();
  return w;
}

}  // namespace im::sim::opsgenie

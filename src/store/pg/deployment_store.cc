// PgDeploymentStore, with its rows, attribution and fact scans in one place (SQLite splits them
// into deployment_rows, attribution_rows and dora_facts; the SQL and rules are the same).
#include "store/pg/deployment_store.h"

#include <algorithm>
#include <unordered_set>

#include "common/time.h"
#include "core/incident.h"
#include "dora/attribution.h"

namespace im::store::pg {
namespace {

using DepSeq = std::pair<int64_t, dora::Deployment>;  // (seq, deployment)

// The transaction advisory lock ("im-dora") held by every change of attributions.
constexpr int64_t kAttributionLock = 0x696d2d646f7261;

Result<void> LockAttribution(Connection& c) {
  return c.Run("SELECT pg_advisory_xact_lock($1)", Params().Add(kAttributionLock));
}

std::optional<int64_t> DepMicros(const std::optional<Time>& t) {
  return t ? std::optional<int64_t>(ToUnixMicros(*t)) : std::nullopt;
}

constexpr const char* kDepColumns =
    "seq, id, service, environment, triggered_at, finished_at, status, commit_sha, "
    "committed_at, url, source, received_at";

dora::Deployment ReadDep(const PgResult& r, int i) {
  dora::Deployment d;
  d.id = r.Text(i, 1);
  d.service = r.Text(i, 2);
  d.environment = r.Text(i, 3);
  d.triggered_at = FromUnixMicros(r.Int(i, 4));
  d.finished_at = r.OptTime(i, 5);
  d.status =
      r.Text(i, 6) == "failure" ? dora::DeployStatus::kFailure : dora::DeployStatus::kSuccess;
  d.commit_sha = r.Text(i, 7);
  d.committed_at = r.OptTime(i, 8);
  d.url = r.Text(i, 9);
  d.source = r.Text(i, 10);
  d.received_at = FromUnixMicros(r.Int(i, 11));
  return d;
}

Error DepUnknown(std::string_view id) {
  return Error{ErrorCode::kNotFound, "deployment '" + std::string(id) +
                                         "' does not exist; list them with `im deploy list`"};
}

Result<std::optional<DepSeq>> DepFind(Connection& c, std::string_view id) {
  auto r = c.Query(std::string("SELECT ") + kDepColumns + " FROM deployments WHERE id = $1",
                   Params().Add(id));
  if (!r) return std::unexpected(r.error());
  if (r->rows() == 0) return std::optional<DepSeq>();
  return std::optional<DepSeq>(DepSeq{r->Int(0, 0), ReadDep(*r, 0)});
}

// Inserts unless the id is stored already (then nullopt, also when another instance stores it
// at the same moment: the insert waits for it and then does nothing).
Result<std::optional<int64_t>> DepInsert(Connection& c, const dora::Deployment& d) {
  auto r = c.Query(
      "INSERT INTO deployments (id, service, environment, triggered_at, finished_at, status, "
      "commit_sha, committed_at, url, source, received_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (id) DO NOTHING "
      "RETURNING seq",
      Params()
          .Add(d.id)
          .Add(d.service)
          .Add(d.environment)
          .Add(ToUnixMicros(d.triggered_at))
          .Add(DepMicros(d.finished_at))
          .Add(dora::DeployStatusName(d.status))
          .Add(d.commit_sha)
          .Add(DepMicros(d.committed_at))
          .Add(d.url)
          .Add(d.source)
          .Add(ToUnixMicros(d.received_at)));
  if (!r) return std::unexpected(r.error());
  if (r->rows() == 0) return std::optional<int64_t>();
  return std::optional<int64_t>(r->Int(0, 0));
}

Result<std::vector<DepSeq>> DepQuery(Connection& c, const DeploymentFilter& f,
                                     bool oldest_first = false) {
  std::string sql = std::string("SELECT ") + kDepColumns + " FROM deployments WHERE true";
  Params p;
  auto next = [&] { return "$" + std::to_string(p.size()); };
  if (!f.services.empty()) {
    sql += " AND service IN (";
    for (size_t i = 0; i < f.services.size(); ++i) {
      p.Add(f.services[i]);
      sql += (i ? "," : "") + next();
    }
    sql += ")";
  }
  if (f.environment) {
    p.Add(*f.environment);
    sql += " AND environment = " + next();
  }
  if (f.since) {
    p.Add(ToUnixMicros(*f.since));
    sql += " AND triggered_at >= " + next();
  }
  if (f.until) {
    p.Add(ToUnixMicros(*f.until));
    sql += " AND triggered_at < " + next();
  }
  sql += oldest_first ? " ORDER BY triggered_at, id" : " ORDER BY triggered_at DESC, id DESC";
  if (f.limit > 0) {
    p.Add(f.limit);
    sql += " LIMIT " + next();
  }
  auto r = c.Query(sql, p);
  if (!r) return std::unexpected(r.error());
  std::vector<DepSeq> out;
  for (int i = 0; i < r->rows(); ++i) out.emplace_back(r->Int(i, 0), ReadDep(*r, i));
  return out;
}

// --- attribution ---

struct DepCurrent {
  std::optional<int64_t> deployment;
  std::string service;
  bool manual = false;
};

Result<std::optional<DepCurrent>> DepLoadCurrent(Connection& c, int64_t incident) {
  auto r =
      c.Query("SELECT deployment, service, manual FROM deployment_attributions WHERE incident = $1",
              Params().Add(incident));
  if (!r) return std::unexpected(r.error());
  if (r->rows() == 0) return std::optional<DepCurrent>();
  return std::optional<DepCurrent>(
      DepCurrent{r->OptionalInt(0, 0), r->Text(0, 1), r->Int(0, 2) != 0});
}

Result<void> DepCount(Connection& c, std::optional<int64_t> seq, int64_t delta) {
  if (!seq) return Ok();
  return c.Run("UPDATE deployments SET incidents = incidents + $2 WHERE seq = $1",
               Params().Add(*seq).Add(delta));
}

// Replaces the incident's row (or removes it when `deployment` is null and not manual).
Result<void> DepStore(Connection& c, int64_t incident, const std::optional<DepCurrent>& old,
                      std::optional<int64_t> deployment, std::string_view service, bool manual,
                      std::string_view actor, Time at) {
  if (auto ok = DepCount(c, old ? old->deployment : std::nullopt, -1); !ok) return ok;
  if (auto ok = DepCount(c, deployment, +1); !ok) return ok;
  if (!deployment && !manual) {
    return c.Run("DELETE FROM deployment_attributions WHERE incident = $1", Params().Add(incident));
  }
  return c.Run(
      "INSERT INTO deployment_attributions (incident, deployment, service, manual, actor, at) "
      "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (incident) DO UPDATE SET "
      "deployment = excluded.deployment, service = excluded.service, manual = excluded.manual, "
      "actor = excluded.actor, at = excluded.at",
      Params()
          .Add(incident)
          .Add(deployment)
          .Add(service)
          .Add(int64_t{manual})
          .Add(actor)
          .Add(ToUnixMicros(at)));
}

Result<std::optional<std::string>> DepStateValue(Connection& c, std::string_view key) {
  auto r = c.Query("SELECT value FROM dora_state WHERE key = $1", Params().Add(key));
  if (!r) return std::unexpected(r.error());
  if (r->rows() == 0) return std::optional<std::string>();
  return std::optional<std::string>(r->Text(0, 0));
}

Result<void> DepSetState(Connection& c, std::string_view key, std::string_view value) {
  return c.Run(
      "INSERT INTO dora_state (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET "
      "value = excluded.value",
      Params().Add(key).Add(value));
}

std::string DepSettingsKey(const AttributionSettings& s) {
  return std::to_string(s.window.before.count()) + "/" + std::to_string(s.window.after.count()) +
         "/" + s.environment;
}

Result<int64_t> DepWatermark(Connection& c) {
  auto v = DepStateValue(c, "attributed_through");
  if (!v) return std::unexpected(v.error());
  return *v ? std::strtoll((*v)->c_str(), nullptr, 10) : int64_t{0};
}

Result<void> DepForgetAutomatic(Connection& c, const AttributionSettings& settings) {
  for (const char* sql :
       {"DELETE FROM deployment_attributions WHERE manual = 0",
        "UPDATE deployments SET incidents = (SELECT count(*) FROM deployment_attributions a "
        "WHERE a.deployment = deployments.seq) WHERE incidents != 0"}) {
    if (auto ok = c.Run(sql); !ok) return ok;
  }
  if (auto ok = DepSetState(c, "attributed_through", "0"); !ok) return ok;
  return DepSetState(c, "settings", DepSettingsKey(settings));
}

Result<bool> DepReattribute(Connection& c, int64_t incident, Time created,
                            const AttributionSettings& settings) {
  auto old = DepLoadCurrent(c, incident);
  if (!old) return std::unexpected(old.error());
  if (*old && (*old)->manual) return false;
  auto services =
      c.Query("SELECT service FROM incident_services WHERE incident = $1", Params().Add(incident));
  if (!services) return std::unexpected(services.error());
  std::vector<dora::Candidate> candidates;
  for (int s = 0; s < services->rows(); ++s) {
    const std::string service = services->Text(s, 0);
    auto r = c.Query(
        "SELECT seq, id, triggered_at FROM deployments WHERE service = $1 AND environment = $2 "
        "AND status = 'success' AND triggered_at BETWEEN $3 AND $4 ORDER BY triggered_at, seq",
        Params()
            .Add(service)
            .Add(settings.environment)
            .Add(ToUnixMicros(dora::EarliestCandidate(created, settings.window)))
            .Add(ToUnixMicros(dora::LatestCandidate(created, settings.window))));
    if (!r) return std::unexpected(r.error());
    for (int i = 0; i < r->rows(); ++i) {
      candidates.push_back({r->Int(i, 0), r->Text(i, 1), service, FromUnixMicros(r->Int(i, 2))});
    }
  }
  auto pick = dora::ChooseDeployment(created, candidates, settings.window);
  std::optional<int64_t> seq;
  std::string service;
  if (pick) {
    seq = candidates[*pick].seq;
    service = candidates[*pick].service;
  }
  const std::optional<int64_t> was = *old ? (*old)->deployment : std::nullopt;
  if (was == seq && (!*old || (*old)->service == service)) return false;
  if (auto ok = DepStore(c, incident, *old, seq, service, false, "", created); !ok) {
    return std::unexpected(ok.error());
  }
  return true;
}

Result<int64_t> DepReattributeAround(Connection& c, std::string_view service, Time triggered_at,
                                     const AttributionSettings& settings) {
  auto r = c.Query(
      "SELECT i.number, i.created_at FROM incidents i JOIN incident_services s "
      "ON s.service = $1 AND s.incident = i.number WHERE i.created_at BETWEEN $2 AND $3 "
      "ORDER BY i.number",
      Params()
          .Add(service)
          .Add(ToUnixMicros(triggered_at - settings.window.before))
          .Add(ToUnixMicros(triggered_at + settings.window.after)));
  if (!r) return std::unexpected(r.error());
  int64_t changed = 0;
  for (int i = 0; i < r->rows(); ++i) {
    auto ch = DepReattribute(c, r->Int(i, 0), FromUnixMicros(r->Int(i, 1)), settings);
    if (!ch) return std::unexpected(ch.error());
    changed += *ch ? 1 : 0;
  }
  return changed;
}

Result<bool> DepNeedsCatchUp(Connection& c, const AttributionSettings& settings) {
  auto key = DepStateValue(c, "settings");
  if (!key) return std::unexpected(key.error());
  if (*key != DepSettingsKey(settings)) return true;
  auto mark = DepWatermark(c);
  if (!mark) return std::unexpected(mark.error());
  auto r = c.Query("SELECT coalesce(max(number), 0) FROM incidents");
  if (!r) return std::unexpected(r.error());
  return r->Int(0, 0) > *mark;
}

Result<int64_t> DepCatchUpBatch(Connection& c, const AttributionSettings& settings, int64_t batch) {
  if (auto ok = LockAttribution(c); !ok) return std::unexpected(ok.error());
  auto key = DepStateValue(c, "settings");
  if (!key) return std::unexpected(key.error());
  if (*key != DepSettingsKey(settings)) {
    if (auto ok = DepForgetAutomatic(c, settings); !ok) return std::unexpected(ok.error());
  }
  auto mark = DepWatermark(c);
  if (!mark) return std::unexpected(mark.error());
  auto r =
      c.Query("SELECT number, created_at FROM incidents WHERE number > $1 ORDER BY number LIMIT $2",
              Params().Add(*mark).Add(batch));
  if (!r) return std::unexpected(r.error());
  if (r->rows() == 0) return 0;
  for (int i = 0; i < r->rows(); ++i) {
    if (auto ch = DepReattribute(c, r->Int(i, 0), FromUnixMicros(r->Int(i, 1)), settings); !ch) {
      return std::unexpected(ch.error());
    }
  }
  if (auto ok = DepSetState(c, "attributed_through", std::to_string(r->Int(r->rows() - 1, 0)));
      !ok) {
    return std::unexpected(ok.error());
  }
  return static_cast<int64_t>(r->rows());
}

Result<void> DepSetManual(Connection& c, int64_t incident, std::optional<int64_t> seq,
                          std::string_view actor, Time at) {
  auto old = DepLoadCurrent(c, incident);
  if (!old) return std::unexpected(old.error());
  return DepStore(c, incident, *old, seq, "", true, actor, at);
}

Result<void> DepClearManual(Connection& c, int64_t incident) {
  auto old = DepLoadCurrent(c, incident);
  if (!old) return std::unexpected(old.error());
  if (!*old || !(*old)->manual) return Ok();
  return DepStore(c, incident, *old, std::nullopt, "", false, "", Time{});
}

Result<Time> DepIncidentCreatedAt(Connection& c, int64_t incident) {
  auto r = c.Query("SELECT created_at FROM incidents WHERE number = $1", Params().Add(incident));
  if (!r) return std::unexpected(r.error());
  if (r->rows() == 0) {
    return Fail(ErrorCode::kNotFound,
                core::IncidentId(incident) + " does not exist; list incidents with `im incidents`");
  }
  return FromUnixMicros(r->Int(0, 0));
}

Result<std::vector<Attribution>> DepLoadAttributions(Connection& c,
                                                     std::span<const int64_t> incidents) {
  std::vector<Attribution> out;
  for (int64_t number : incidents) {
    auto r = c.Query(
        "SELECT a.service, a.manual, a.actor, d.id, d.triggered_at, i.created_at "
        "FROM deployment_attributions a JOIN incidents i ON i.number = a.incident "
        "LEFT JOIN deployments d ON d.seq = a.deployment WHERE a.incident = $1",
        Params().Add(number));
    if (!r) return std::unexpected(r.error());
    if (r->rows() == 0) continue;
    Attribution a{.incident = number,
                  .deployment_id = r->Text(0, 3),
                  .service = r->Text(0, 0),
                  .manual = r->Int(0, 1) != 0,
                  .actor = r->Text(0, 2)};
    if (a.manual) {
      a.explanation = dora::ExplainManual(!a.deployment_id.empty(), a.actor);
      if (!a.deployment_id.empty()) a.explanation += " to deploy " + a.deployment_id;
    } else {
      a.explanation = dora::ExplainAutomatic(
          a.service, a.deployment_id, FromUnixMicros(r->Int(0, 4)), FromUnixMicros(r->Int(0, 5)));
    }
    out.push_back(std::move(a));
  }
  return out;
}

Result<std::optional<Attribution>> DepOne(Connection& c, int64_t incident) {
  auto rows = DepLoadAttributions(c, std::span<const int64_t>(&incident, 1));
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty()) return std::optional<Attribution>();
  return std::optional<Attribution>(std::move(rows->front()));
}

// --- facts ---

using dora::DeploymentFact;
using dora::IncidentFact;

void ReadDepFact(const PgResult& r, int i, std::vector<DeploymentFact>& out) {
  out.push_back(DeploymentFact{.seq = r.Int(i, 0),
                               .triggered_at = FromUnixMicros(r.Int(i, 1)),
                               .live_at = FromUnixMicros(r.Int(i, 2)),
                               .committed_at = r.OptTime(i, 3),
                               .incidents = r.Int(i, 4)});
}

// Columns: number, created_at, acknowledged_at, resolved_at, urgency = 'high'.
IncidentFact ReadIncFact(const PgResult& r, int i) {
  return IncidentFact{.number = r.Int(i, 0),
                      .created_at = FromUnixMicros(r.Int(i, 1)),
                      .acknowledged_at = r.OptTime(i, 2),
                      .resolved_at = r.OptTime(i, 3),
                      .high_urgency = r.Int(i, 4) != 0};
}

constexpr const char* kIncFactColumns =
    "SELECT number, created_at, acknowledged_at, resolved_at, urgency = 'high' ";

Result<void> ScanIncFacts(Connection& c, const std::string& where, const Params& params,
                          std::vector<IncidentFact>& out) {
  auto r = c.Query(kIncFactColumns + where, params);
  if (!r) return std::unexpected(r.error());
  for (int i = 0; i < r->rows(); ++i) out.push_back(ReadIncFact(*r, i));
  return Ok();
}

Result<void> ScanIncByUrgency(Connection& c, const char* column, const FactQuery& q,
                              std::vector<IncidentFact>& out, int64_t& low_count) {
  const int64_t since = ToUnixMicros(q.since), until = ToUnixMicros(q.until);
  const std::string where =
      std::string(" AND in_metrics = 1 AND ") + column + " >= $1 AND " + column + " < $2";
  // In the order of SQLite's index scan: (urgency, column, created_at, ...).
  const std::string order = std::string(" ORDER BY ") + column + ", created_at, number";
  const Params range = Params().Add(since).Add(until);
  if (auto ok =
          ScanIncFacts(c, "FROM incidents WHERE urgency = 'high'" + where + order, range, out);
      !ok) {
    return ok;
  }
  if (q.list_low_urgency) {
    return ScanIncFacts(c, "FROM incidents WHERE urgency = 'low'" + where + order, range, out);
  }
  auto r = c.Query("SELECT count(*) FROM incidents WHERE urgency = 'low'" + where,
                   Params().Add(since).Add(until));
  if (!r) return std::unexpected(r.error());
  low_count = r->Int(0, 0);
  return Ok();
}

Result<void> AllServicesFacts(Connection& c, const FactQuery& q, std::string_view env,
                              dora::MetricsInput& in) {
  const int64_t since = ToUnixMicros(q.since), until = ToUnixMicros(q.until);
  auto deps = c.Query(
      "SELECT seq, triggered_at, coalesce(finished_at, triggered_at), committed_at, incidents "
      "FROM deployments WHERE environment = $3 AND status = 'success' AND triggered_at >= $1 "
      "AND triggered_at < $2 ORDER BY triggered_at",
      Params().Add(since).Add(until).Add(env));
  if (!deps) return std::unexpected(deps.error());
  for (int i = 0; i < deps->rows(); ++i) ReadDepFact(*deps, i, in.deployments);
  auto failed = c.Query(
      "SELECT count(*) FROM deployments WHERE environment = $3 AND status = 'failure' AND "
      "triggered_at >= $1 AND triggered_at < $2",
      Params().Add(since).Add(until).Add(env));
  if (!failed) return std::unexpected(failed.error());
  in.failed_jobs = failed->Int(0, 0);
  if (auto ok = ScanIncByUrgency(c, "resolved_at", q, in.resolved, in.unlisted_low_restore); !ok) {
    return ok;
  }
  if (auto ok =
          ScanIncByUrgency(c, "acknowledged_at", q, in.acknowledged, in.unlisted_low_acknowledge);
      !ok) {
    return ok;
  }
  const Params end = Params().Add(until);
  if (auto ok = ScanIncFacts(c,
                             "FROM incidents WHERE resolved_at IS NULL AND in_metrics = 1 AND "
                             "created_at < $1 ORDER BY created_at, acknowledged_at, number",
                             end, in.open_at_end);
      !ok) {
    return ok;
  }
  return ScanIncFacts(c,
                      "FROM incidents WHERE urgency IN ('high', 'low') AND in_metrics = 1 AND "
                      "resolved_at >= $1 AND created_at < $1 "
                      "ORDER BY urgency, resolved_at, created_at, number",
                      end, in.open_at_end);
}

Result<void> SomeServicesFacts(Connection& c, const FactQuery& q, std::string_view env,
                               dora::MetricsInput& in) {
  const int64_t since = ToUnixMicros(q.since), until = ToUnixMicros(q.until);
  std::unordered_set<int64_t> seen;
  for (const auto& service : q.services) {
    auto deps = c.Query(
        "SELECT seq, triggered_at, coalesce(finished_at, triggered_at), committed_at, "
        "incidents, status FROM deployments WHERE service = $4 AND environment = $3 AND "
        "triggered_at >= $1 AND triggered_at < $2",
        Params().Add(since).Add(until).Add(env).Add(service));
    if (!deps) return std::unexpected(deps.error());
    for (int i = 0; i < deps->rows(); ++i) {
      if (deps->Text(i, 5) == "failure") {
        ++in.failed_jobs;
      } else {
        ReadDepFact(*deps, i, in.deployments);
      }
    }
    auto incs = c.Query(
        "SELECT i.number, i.created_at, i.acknowledged_at, i.resolved_at, i.urgency = 'high' "
        "FROM incident_services s JOIN incidents i ON i.number = s.incident "
        "WHERE s.service = $2 AND i.in_metrics = 1 AND i.created_at < $1 ORDER BY i.number",
        Params().Add(until).Add(service));
    if (!incs) return std::unexpected(incs.error());
    for (int i = 0; i < incs->rows(); ++i) {
      IncidentFact f = ReadIncFact(*incs, i);
      if (!seen.insert(f.number).second) continue;
      if (f.resolved_at && *f.resolved_at >= q.since && *f.resolved_at < q.until) {
        in.resolved.push_back(f);
      }
      if (f.acknowledged_at && *f.acknowledged_at >= q.since && *f.acknowledged_at < q.until) {
        in.acknowledged.push_back(f);
      }
      if (!f.resolved_at || *f.resolved_at >= q.until) in.open_at_end.push_back(f);
    }
  }
  auto by = [](auto key) {
    return [key](const auto& a, const auto& b) { return key(a) < key(b); };
  };
  std::sort(in.deployments.begin(), in.deployments.end(),
            by([](const DeploymentFact& d) { return d.triggered_at; }));
  std::sort(in.resolved.begin(), in.resolved.end(),
            by([](const IncidentFact& f) { return *f.resolved_at; }));
  std::sort(in.acknowledged.begin(), in.acknowledged.end(),
            by([](const IncidentFact& f) { return *f.acknowledged_at; }));
  return Ok();
}

}  // namespace

Result<RecordResult> PgDeploymentStore::Record(const dora::Deployment& deployment) {
  dora::Deployment d = deployment;
  if (d.received_at == Time{}) d.received_at = clock_.Now();
  return WriteValue(store_, [&](Connection& c) -> Result<RecordResult> {
    auto existing = DepFind(c, d.id);
    if (!existing) return std::unexpected(existing.error());
    if (*existing) return RecordResult{.created = false, .deployment = (*existing)->second};
    bool attributes =
        d.status == dora::DeployStatus::kSuccess && d.environment == settings_.environment;
    if (attributes) {
      if (auto ok = LockAttribution(c); !ok) return std::unexpected(ok.error());
    }
    auto seq = DepInsert(c, d);
    if (!seq) return std::unexpected(seq.error());
    if (!*seq) {  // another instance stored it meanwhile
      auto stored = DepFind(c, d.id);
      if (!stored) return std::unexpected(stored.error());
      if (!*stored) return Fail(ErrorCode::kUnavailable, "deployment '" + d.id + "' moved; retry");
      return RecordResult{.created = false, .deployment = (*stored)->second};
    }
    if (auto ok =
            c.Run("INSERT INTO services (name, created_at) VALUES ($1, $2) ON CONFLICT (name) DO "
                  "NOTHING",
                  Params().Add(d.service).Add(ToUnixMicros(d.received_at)));
        !ok) {
      return std::unexpected(ok.error());
    }
    RecordResult r{.created = true, .deployment = d};
    if (attributes) {
      auto changed = DepReattributeAround(c, d.service, d.triggered_at, settings_);
      if (!changed) return std::unexpected(changed.error());
      r.reattributed = *changed;
    }
    return r;
  });
}

Result<dora::Deployment> PgDeploymentStore::Get(std::string_view id) {
  auto found = ReadValue(store_, [&](Connection& c) { return DepFind(c, id); });
  if (!found) return std::unexpected(found.error());
  if (!*found) return std::unexpected(DepUnknown(id));
  return (*found)->second;
}

Result<std::vector<dora::Deployment>> PgDeploymentStore::List(const DeploymentFilter& f) {
  auto rows = ReadValue(store_, [&](Connection& c) { return DepQuery(c, f); });
  if (!rows) return std::unexpected(rows.error());
  std::vector<dora::Deployment> out;
  out.reserve(rows->size());
  for (auto& [seq, d] : *rows) out.push_back(std::move(d));
  return out;
}

Result<Attribution> PgDeploymentStore::Link(int64_t incident, std::string_view deployment_id,
                                            std::string_view actor, Time at) {
  auto r = WriteValue(store_, [&](Connection& c) -> Result<std::optional<Attribution>> {
    if (auto ok = LockAttribution(c); !ok) return std::unexpected(ok.error());
    if (auto created = DepIncidentCreatedAt(c, incident); !created) {
      return std::unexpected(created.error());
    }
    auto found = DepFind(c, deployment_id);
    if (!found) return std::unexpected(found.error());
    if (!*found) return std::unexpected(DepUnknown(deployment_id));
    if (auto ok = DepSetManual(c, incident, (*found)->first, actor, at); !ok) {
      return std::unexpected(ok.error());
    }
    return DepOne(c, incident);
  });
  if (!r) return std::unexpected(r.error());
  return **r;
}

Result<Attribution> PgDeploymentStore::Unlink(int64_t incident, std::string_view actor, Time at) {
  auto r = WriteValue(store_, [&](Connection& c) -> Result<std::optional<Attribution>> {
    if (auto ok = LockAttribution(c); !ok) return std::unexpected(ok.error());
    if (auto created = DepIncidentCreatedAt(c, incident); !created) {
      return std::unexpected(created.error());
    }
    if (auto ok = DepSetManual(c, incident, std::nullopt, actor, at); !ok) {
      return std::unexpected(ok.error());
    }
    return DepOne(c, incident);
  });
  if (!r) return std::unexpected(r.error());
  return **r;
}

Result<std::optional<Attribution>> PgDeploymentStore::Reset(int64_t incident) {
  return WriteValue(store_, [&](Connection& c) -> Result<std::optional<Attribution>> {
    if (auto ok = LockAttribution(c); !ok) return std::unexpected(ok.error());
    auto created = DepIncidentCreatedAt(c, incident);
    if (!created) return std::unexpected(created.error());
    if (auto ok = DepClearManual(c, incident); !ok) return std::unexpected(ok.error());
    if (auto ok = DepReattribute(c, incident, *created, settings_); !ok) {
      return std::unexpected(ok.error());
    }
    return DepOne(c, incident);
  });
}

Result<std::optional<Attribution>> PgDeploymentStore::AttributionOf(int64_t incident) {
  return ReadValue(store_, [&](Connection& c) -> Result<std::optional<Attribution>> {
    if (auto created = DepIncidentCreatedAt(c, incident); !created) {
      return std::unexpected(created.error());
    }
    return DepOne(c, incident);
  });
}

Result<std::vector<Attribution>> PgDeploymentStore::AttributionsOf(
    std::span<const int64_t> incidents) {
  return ReadValue(store_, [&](Connection& c) { return DepLoadAttributions(c, incidents); });
}

Result<std::vector<std::pair<int64_t, int64_t>>> PgDeploymentStore::IncidentsOf(
    std::span<const int64_t> seqs) {
  return ReadValue(store_, [&](Connection& c) -> Result<std::vector<std::pair<int64_t, int64_t>>> {
    std::vector<std::pair<int64_t, int64_t>> out;
    for (int64_t seq : seqs) {
      auto r = c.Query(
          "SELECT incident FROM deployment_attributions WHERE deployment = $1 ORDER BY incident",
          Params().Add(seq));
      if (!r) return std::unexpected(r.error());
      for (int i = 0; i < r->rows(); ++i) out.emplace_back(seq, r->Int(i, 0));
    }
    return out;
  });
}

Result<std::vector<std::pair<int64_t, std::string>>> PgDeploymentStore::SourcesOf(
    std::span<const int64_t> incidents) {
  return ReadValue(
      store_, [&](Connection& c) -> Result<std::vector<std::pair<int64_t, std::string>>> {
        std::vector<std::pair<int64_t, std::string>> out;
        out.reserve(incidents.size());
        for (int64_t number : incidents) {
          auto r = c.Query("SELECT source FROM incidents WHERE number = $1", Params().Add(number));
          if (!r) return std::unexpected(r.error());
          if (r->rows() > 0) out.emplace_back(number, r->Text(0, 0));
        }
        return out;
      });
}

Result<int64_t> PgDeploymentStore::CatchUp(int64_t batch) {
  auto needed = ReadValue(store_, [&](Connection& c) { return DepNeedsCatchUp(c, settings_); });
  if (!needed) return std::unexpected(needed.error());
  int64_t total = 0;
  while (*needed) {
    auto n =
        WriteValue(store_, [&](Connection& c) { return DepCatchUpBatch(c, settings_, batch); });
    if (!n) return std::unexpected(n.error());
    total += *n;
    if (*n < batch) break;
  }
  return total;
}

Result<dora::MetricsInput> PgDeploymentStore::Facts(const FactQuery& query) {
  return ReadValue(store_, [&](Connection& c) -> Result<dora::MetricsInput> {
    // One snapshot for every scan.
    if (auto ok = c.Run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); !ok) {
      return std::unexpected(ok.error());
    }
    dora::MetricsInput in;
    auto ok = query.services.empty() ? AllServicesFacts(c, query, settings_.environment, in)
                                     : SomeServicesFacts(c, query, settings_.environment, in);
    (void)c.Run("ROLLBACK");
    if (!ok) return std::unexpected(ok.error());
    return in;
  });
}

Result<std::vector<std::pair<int64_t, dora::Deployment>>> PgDeploymentStore::DeploymentsIn(
    const FactQuery& query, int64_t limit) {
  DeploymentFilter f{.services = query.services,
                     .environment = settings_.environment,
                     .since = query.since,
                     .until = query.until,
                     .limit = limit};
  return ReadValue(store_, [&](Connection& c) { return DepQuery(c, f, true); });
}

Result<std::vector<std::string>> PgDeploymentStore::ServicesOfTeam(std::string_view team) {
  return ReadValue(store_, [&](Connection& c) -> Result<std::vector<std::string>> {
    auto r = c.Query("SELECT name FROM services WHERE team = $1 ORDER BY name", Params().Add(team));
    if (!r) return std::unexpected(r.error());
    std::vector<std::string> out;
    for (int i = 0; i < r->rows(); ++i) out.push_back(r->Text(i, 0));
    return out;
  });
}

}  // namespace im::store::pg

// Fact scans. For all services, each list is one range scan of a covering index (no table
// reads). For some services, deployments come from the per-service covering index and the
// incidents of each service are read once through incident_services and split in memory.
#include "store/sqlite/dora_facts.h"

#include <algorithm>
#include <unordered_set>

#include "common/time.h"
#include "dora/attribution.h"

namespace im::store::sqlite {
namespace {

using dora::DeploymentFact;
using dora::IncidentFact;

// Runs `sql` with the binds applied by `bind` and calls `row` for each result row.
template <typename Bind, typename Row>
Result<void> Scan(Connection& conn, const std::string& sql, Bind&& bind, Row&& row) {
  auto st = conn.Prepare(sql);
  if (!st) return std::unexpected(st.error());
  bind(**st);
  return EachRow(**st, row);
}

void ReadDeploymentFact(const Statement& st, std::vector<DeploymentFact>& out) {
  out.push_back(DeploymentFact{.seq = st.Int(0),
                               .triggered_at = FromUnixMicros(st.Int(1)),
                               .live_at = FromUnixMicros(st.Int(2)),
                               .committed_at = OptTime(st, 3),
                               .incidents = st.Int(4)});
}

// Columns: number, created_at, acknowledged_at, resolved_at, urgency = 'high'.
IncidentFact ReadIncidentFact(const Statement& st) {
  return IncidentFact{.number = st.Int(0),
                      .created_at = FromUnixMicros(st.Int(1)),
                      .acknowledged_at = OptTime(st, 2),
                      .resolved_at = OptTime(st, 3),
                      .high_urgency = st.Int(4) != 0};
}

const char* const kIncidentFactColumns =
    "SELECT number, created_at, acknowledged_at, resolved_at, urgency = 'high' ";

Result<void> ScanIncidents(Connection& conn, const std::string& where, int64_t since, int64_t until,
                           std::vector<IncidentFact>& out) {
  return Scan(
      conn, kIncidentFactColumns + where, [&](Statement& st) { st.Bind(1, since).Bind(2, until); },
      [&](const Statement& st) { out.push_back(ReadIncidentFact(st)); });
}

// Incidents whose `column` falls in [since, until), through `index` (urgency, column, ...):
// high urgency listed; low urgency listed too, or only counted into `low_count`.
Result<void> ScanByUrgency(Connection& conn, const char* index, const char* column,
                           const FactQuery& q, std::vector<IncidentFact>& out, int64_t& low_count) {
  const int64_t since = ToUnixMicros(q.since), until = ToUnixMicros(q.until);
  const std::string where =
      std::string(" AND in_metrics = 1 AND ") + column + " >= ?1 AND " + column + " < ?2";
  const std::string from = std::string("FROM incidents INDEXED BY ") + index;
  if (auto ok = ScanIncidents(conn, from + " WHERE urgency = 'high'" + where, since, until, out);
      !ok) {
    return ok;
  }
  if (q.list_low_urgency) {
    return ScanIncidents(conn, from + " WHERE urgency = 'low'" + where, since, until, out);
  }
  return Scan(
      conn, "SELECT count(*) " + from + " WHERE urgency = 'low'" + where,
      [&](Statement& st) { st.Bind(1, since).Bind(2, until); },
      [&](const Statement& st) { low_count = st.Int(0); });
}

}  // namespace

Result<void> ReadAllServicesPart(Connection& conn, const FactQuery& q, std::string_view env,
                                 FactPart part, dora::MetricsInput& in) {
  const int64_t since = ToUnixMicros(q.since), until = ToUnixMicros(q.until);
  switch (part) {
    case FactPart::kDeployments: {
      auto range = [&](Statement& st) { st.Bind(1, since).Bind(2, until).Bind(3, env); };
      if (auto ok =
              Scan(conn,
                   "SELECT seq, triggered_at, coalesce(finished_at, triggered_at), "
                   "committed_at, incidents FROM deployments INDEXED BY deployments_time "
                   "WHERE environment = ?3 AND status = 'success' AND triggered_at >= ?1 "
                   "AND triggered_at < ?2 ORDER BY triggered_at",
                   range, [&](const Statement& st) { ReadDeploymentFact(st, in.deployments); });
          !ok) {
        return ok;
      }
      return Scan(conn,
                  "SELECT count(*) FROM deployments INDEXED BY deployments_time WHERE "
                  "environment = ?3 AND status = 'failure' AND triggered_at >= ?1 AND "
                  "triggered_at < ?2",
                  range, [&](const Statement& st) { in.failed_jobs = st.Int(0); });
    }
    case FactPart::kResolved:
      return ScanByUrgency(conn, "incidents_resolved", "resolved_at", q, in.resolved,
                           in.unlisted_low_restore);
    case FactPart::kAcknowledged:
      return ScanByUrgency(conn, "incidents_acknowledged", "acknowledged_at", q, in.acknowledged,
                           in.unlisted_low_acknowledge);
    case FactPart::kOpenAtEnd:
      if (auto ok = ScanIncidents(conn,
                                  "FROM incidents INDEXED BY incidents_unresolved WHERE "
                                  "resolved_at IS NULL AND in_metrics = 1 AND created_at < ?2",
                                  since, until, in.open_at_end);
          !ok) {
        return ok;
      }
      return ScanIncidents(conn,
                           "FROM incidents INDEXED BY incidents_resolved WHERE urgency IN "
                           "('high', 'low') AND in_metrics = 1 AND resolved_at >= ?2 AND "
                           "created_at < ?2",
                           since, until, in.open_at_end);
  }
  return Ok();
}

namespace {

Result<void> SomeServices(Connection& conn, const FactQuery& q, std::string_view env,
                          dora::MetricsInput& in) {
  const int64_t since = ToUnixMicros(q.since), until = ToUnixMicros(q.until);
  std::unordered_set<int64_t> seen;
  for (const auto& service : q.services) {
    auto bind = [&](Statement& st) {
      st.Bind(1, since).Bind(2, until).Bind(3, env).Bind(4, service);
    };
    if (auto ok = Scan(conn,
                       "SELECT seq, triggered_at, coalesce(finished_at, triggered_at), "
                       "committed_at, incidents, status FROM deployments INDEXED BY "
                       "deployments_service WHERE service = ?4 AND environment = ?3 AND "
                       "triggered_at >= ?1 AND triggered_at < ?2",
                       bind,
                       [&](const Statement& st) {
                         if (st.Text(5) == "failure") {
                           ++in.failed_jobs;
                         } else {
                           ReadDeploymentFact(st, in.deployments);
                         }
                       });
        !ok) {
      return ok;
    }
    if (auto ok =
            Scan(conn,
                 "SELECT i.number, i.created_at, i.acknowledged_at, i.resolved_at, i.urgency = "
                 "'high' FROM "
                 "incident_services s CROSS JOIN incidents i ON i.number = s.incident "
                 "WHERE s.service = ?4 AND i.in_metrics = 1 AND i.created_at < ?2",
                 bind,
                 [&](const Statement& st) {
                   IncidentFact f = ReadIncidentFact(st);
                   if (!seen.insert(f.number).second) return;
                   if (f.resolved_at && *f.resolved_at >= q.since && *f.resolved_at < q.until) {
                     in.resolved.push_back(f);
                   }
                   if (f.acknowledged_at && *f.acknowledged_at >= q.since &&
                       *f.acknowledged_at < q.until) {
                     in.acknowledged.push_back(f);
                   }
                   if (!f.resolved_at || *f.resolved_at >= q.until) in.open_at_end.push_back(f);
                 });
        !ok) {
      return ok;
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

Result<dora::MetricsInput> ReadFacts(Connection& conn, const FactQuery& query,
                                     std::string_view environment) {
  dora::MetricsInput in;
  if (!query.services.empty()) {
    if (auto ok = SomeServices(conn, query, environment, in); !ok) {
      return std::unexpected(ok.error());
    }
    return in;
  }
  for (auto part : {FactPart::kDeployments, FactPart::kResolved, FactPart::kAcknowledged,
                    FactPart::kOpenAtEnd}) {
    if (auto ok = ReadAllServicesPart(conn, query, environment, part, in); !ok) {
      return std::unexpected(ok.error());
    }
  }
  return in;
}

Result<std::vector<Attribution>> LoadAttributions(Connection& conn,
                                                  std::span<const int64_t> incidents) {
  std::vector<Attribution> out;
  for (int64_t number : incidents) {
    auto st = conn.Prepare(
        "SELECT a.service, a.manual, a.actor, d.id, d.triggered_at, i.created_at "
        "FROM deployment_attributions a JOIN incidents i ON i.number = a.incident "
        "LEFT JOIN deployments d ON d.seq = a.deployment WHERE a.incident = ?1");
    if (!st) return std::unexpected(st.error());
    (*st)->Bind(1, number);
    auto row = (*st)->Step();
    if (!row) return std::unexpected(row.error());
    if (!*row) continue;
    Attribution a{.incident = number,
                  .deployment_id = (*st)->Text(3),
                  .service = (*st)->Text(0),
                  .manual = (*st)->Int(1) != 0,
                  .actor = (*st)->Text(2)};
    if (a.manual) {
      a.explanation = dora::ExplainManual(!a.deployment_id.empty(), a.actor);
      if (!a.deployment_id.empty()) a.explanation += " to deploy " + a.deployment_id;
    } else {
      a.explanation = dora::ExplainAutomatic(
          a.service, a.deployment_id, FromUnixMicros((*st)->Int(4)), FromUnixMicros((*st)->Int(5)));
    }
    out.push_back(std::move(a));
  }
  return out;
}

Result<std::vector<std::pair<int64_t, int64_t>>> LoadIncidentsOf(Connection& conn,
                                                                 std::span<const int64_t> seqs) {
  std::vector<std::pair<int64_t, int64_t>> out;
  for (int64_t seq : seqs) {
    auto st = conn.Prepare(
        "SELECT incident FROM deployment_attributions WHERE deployment = ?1 ORDER BY incident");
    if (!st) return std::unexpected(st.error());
    (*st)->Bind(1, seq);
    for (;;) {
      auto row = (*st)->Step();
      if (!row) return std::unexpected(row.error());
      if (!*row) break;
      out.emplace_back(seq, (*st)->Int(0));
    }
  }
  return out;
}

Result<std::vector<std::pair<int64_t, std::string>>> LoadSourcesOf(
    Connection& conn, std::span<const int64_t> incidents) {
  std::vector<std::pair<int64_t, std::string>> out;
  out.reserve(incidents.size());
  for (int64_t number : incidents) {
    auto st = conn.Prepare("SELECT source FROM incidents WHERE number = ?1");
    if (!st) return std::unexpected(st.error());
    (*st)->Bind(1, number);
    auto row = (*st)->Step();
    if (!row) return std::unexpected(row.error());
    if (*row) out.emplace_back(number, (*st)->Text(0));
  }
  return out;
}

}  // namespace im::store::sqlite

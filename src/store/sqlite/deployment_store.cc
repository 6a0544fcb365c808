// SqliteDeploymentStore: each call is one read on a pooled connection or one group-committed
// write transaction of the SqliteStore (deployment_rows.h, attribution_rows.h and dora_facts.h
// hold the SQL).
#include "store/sqlite/deployment_store.h"

#include <future>

#include "store/sqlite/attribution_rows.h"
#include "store/sqlite/deployment_rows.h"
#include "store/sqlite/dora_facts.h"

namespace im::store::sqlite {
namespace {

Error UnknownDeployment(std::string_view id) {
  return Error{ErrorCode::kNotFound, "deployment '" + std::string(id) +
                                         "' does not exist; list them with `im deploy list`"};
}

Result<std::optional<Attribution>> One(Connection& c, int64_t incident) {
  auto rows = LoadAttributions(c, std::span<const int64_t>(&incident, 1));
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty()) return std::optional<Attribution>();
  return std::optional<Attribution>(std::move(rows->front()));
}

}  // namespace

Result<RecordResult> SqliteDeploymentStore::Record(const dora::Deployment& deployment) {
  dora::Deployment d = deployment;
  if (d.received_at == Time{}) d.received_at = clock_.Now();
  return WriteValue(store_, [&](Connection& c) -> Result<RecordResult> {
    auto existing = FindDeployment(c, d.id);
    if (!existing) return std::unexpected(existing.error());
    if (*existing) return RecordResult{.created = false, .deployment = (*existing)->second};
    auto seq = InsertDeployment(c, d);
    if (!seq) return std::unexpected(seq.error());
    if (auto ok = EnsureServiceRow(c, d.service, d.received_at); !ok) {
      return std::unexpected(ok.error());
    }
    RecordResult r{.created = true, .deployment = d};
    if (d.status == dora::DeployStatus::kSuccess && d.environment == settings_.environment) {
      auto changed = ReattributeAround(c, d.service, d.triggered_at, settings_);
      if (!changed) return std::unexpected(changed.error());
      r.reattributed = *changed;
    }
    return r;
  });
}

Result<dora::Deployment> SqliteDeploymentStore::Get(std::string_view id) {
  auto found = ReadValue(store_, [&](Connection& c) { return FindDeployment(c, id); });
  if (!found) return std::unexpected(found.error());
  if (!*found) return std::unexpected(UnknownDeployment(id));
  return (*found)->second;
}

Result<std::vector<dora::Deployment>> SqliteDeploymentStore::List(const DeploymentFilter& f) {
  auto rows = ReadValue(store_, [&](Connection& c) { return QueryDeployments(c, f); });
  if (!rows) return std::unexpected(rows.error());
  std::vector<dora::Deployment> out;
  out.reserve(rows->size());
  for (auto& [seq, d] : *rows) out.push_back(std::move(d));
  return out;
}

Result<Attribution> SqliteDeploymentStore::Link(int64_t incident, std::string_view deployment_id,
                                                std::string_view actor, Time at) {
  auto r = WriteValue(store_, [&](Connection& c) -> Result<std::optional<Attribution>> {
    if (auto created = IncidentCreatedAt(c, incident); !created) {
      return std::unexpected(created.error());
    }
    auto found = FindDeployment(c, deployment_id);
    if (!found) return std::unexpected(found.error());
    if (!*found) return std::unexpected(UnknownDeployment(deployment_id));
    if (auto ok = SetManual(c, incident, (*found)->first, actor, at); !ok) {
      return std::unexpected(ok.error());
    }
    return One(c, incident);
  });
  if (!r) return std::unexpected(r.error());
  return **r;
}

Result<Attribution> SqliteDeploymentStore::Unlink(int64_t incident, std::string_view actor,
                                                  Time at) {
  auto r = WriteValue(store_, [&](Connection& c) -> Result<std::optional<Attribution>> {
    if (auto created = IncidentCreatedAt(c, incident); !created) {
      return std::unexpected(created.error());
    }
    if (auto ok = SetManual(c, incident, std::nullopt, actor, at); !ok) {
      return std::unexpected(ok.error());
    }
    return One(c, incident);
  });
  if (!r) return std::unexpected(r.error());
  return **r;
}

Result<std::optional<Attribution>> SqliteDeploymentStore::Reset(int64_t incident) {
  return WriteValue(store_, [&](Connection& c) -> Result<std::optional<Attribution>> {
    auto created = IncidentCreatedAt(c, incident);
    if (!created) return std::unexpected(created.error());
    if (auto ok = ClearManual(c, incident); !ok) return std::unexpected(ok.error());
    if (auto ok = Reattribute(c, incident, *created, settings_); !ok) {
      return std::unexpected(ok.error());
    }
    return One(c, incident);
  });
}

Result<std::optional<Attribution>> SqliteDeploymentStore::AttributionOf(int64_t incident) {
  return ReadValue(store_, [&](Connection& c) -> Result<std::optional<Attribution>> {
    if (auto created = IncidentCreatedAt(c, incident); !created) {
      return std::unexpected(created.error());
    }
    return One(c, incident);
  });
}

Result<std::vector<Attribution>> SqliteDeploymentStore::AttributionsOf(
    std::span<const int64_t> incidents) {
  return ReadValue(store_, [&](Connection& c) { return LoadAttributions(c, incidents); });
}

Result<std::vector<std::pair<int64_t, int64_t>>> SqliteDeploymentStore::IncidentsOf(
    std::span<const int64_t> seqs) {
  return ReadValue(store_, [&](Connection& c) { return LoadIncidentsOf(c, seqs); });
}

Result<std::vector<std::pair<int64_t, std::string>>> SqliteDeploymentStore::SourcesOf(
    std::span<const int64_t> incidents) {
  return ReadValue(store_, [&](Connection& c) { return LoadSourcesOf(c, incidents); });
}

Result<int64_t> SqliteDeploymentStore::CatchUp(int64_t batch) {
  auto needed = ReadValue(store_, [&](Connection& c) { return NeedsCatchUp(c, settings_); });
  if (!needed) return std::unexpected(needed.error());
  int64_t total = 0;
  while (*needed) {
    auto n = WriteValue(store_, [&](Connection& c) { return CatchUpBatch(c, settings_, batch); });
    if (!n) return std::unexpected(n.error());
    total += *n;
    if (*n < batch) break;
  }
  return total;
}

Result<dora::MetricsInput> SqliteDeploymentStore::Facts(const FactQuery& query) {
  if (!query.services.empty()) {
    return ReadValue(store_,
                     [&](Connection& c) { return ReadFacts(c, query, settings_.environment); });
  }
  // All services: the resolved and acknowledged scans (the two big ones) run on their own
  // pooled connections beside this thread's, which scans deployments and open incidents. Each
  // scan is its own read transaction; a write landing between them can show in one list and
  // not another, as with any report computed while incidents change.
  auto part = [&](FactPart p, dora::MetricsInput& in) {
    return store_.ReadWith(
        [&](Connection& c) { return ReadAllServicesPart(c, query, settings_.environment, p, in); });
  };
  dora::MetricsInput in, resolved, acknowledged;
  auto r1 = std::async(std::launch::async, [&] { return part(FactPart::kResolved, resolved); });
  auto r2 =
      std::async(std::launch::async, [&] { return part(FactPart::kAcknowledged, acknowledged); });
  auto ok = part(FactPart::kDeployments, in);
  if (ok) ok = part(FactPart::kOpenAtEnd, in);
  auto ok1 = r1.get();
  auto ok2 = r2.get();
  for (const auto* r : {&ok, &ok1, &ok2}) {
    if (!*r) return std::unexpected(r->error());
  }
  in.resolved = std::move(resolved.resolved);
  in.acknowledged = std::move(acknowledged.acknowledged);
  in.unlisted_low_restore = resolved.unlisted_low_restore;
  in.unlisted_low_acknowledge = acknowledged.unlisted_low_acknowledge;
  return in;
}

Result<std::vector<std::pair<int64_t, dora::Deployment>>> SqliteDeploymentStore::DeploymentsIn(
    const FactQuery& query, int64_t limit) {
  DeploymentFilter f{.services = query.services,
                     .environment = settings_.environment,
                     .since = query.since,
                     .until = query.until,
                     .limit = limit};
  return ReadValue(store_, [&](Connection& c) { return QueryDeployments(c, f, true); });
}

Result<std::vector<std::string>> SqliteDeploymentStore::ServicesOfTeam(std::string_view team) {
  return ReadValue(store_, [&](Connection& c) { return TeamServices(c, team); });
}

}  // namespace im::store::sqlite

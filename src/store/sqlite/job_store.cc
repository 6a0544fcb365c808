#include "store/sqlite/job_store.h"

namespace im::store::sqlite {
namespace {

Result<std::map<std::string, int>> JobModulesIn(Connection& c) {
  auto st = c.Prepare("SELECT module, version FROM job_modules ORDER BY module");
  if (!st) return std::unexpected(st.error());
  std::map<std::string, int> out;
  auto ok = EachRow(**st, [&](const Statement& s) { out[s.Text(0)] = static_cast<int>(s.Int(1)); });
  if (!ok) return std::unexpected(ok.error());
  return out;
}

}  // namespace

Result<void> SqliteJobStore::Heartbeat(const InstanceRecord& i) {
  return db_.WriteWith([&](Connection& c) -> Result<void> {
    auto st = c.Prepare(
        "INSERT INTO im_instances (id, started_at, last_seen, version, modules) "
        "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO UPDATE SET last_seen = "
        "excluded.last_seen, "
        "version = excluded.version, modules = excluded.modules");
    if (!st) return std::unexpected(st.error());
    return (*st)
        ->Bind(1, i.id)
        .Bind(2, ToUnixMicros(i.started_at))
        .Bind(3, ToUnixMicros(i.last_seen))
        .Bind(4, i.version)
        .Bind(5, FormatModules(i.modules))
        .Run();
  });
}

Result<void> SqliteJobStore::Leave(const std::string& id) {
  return db_.WriteWith([&](Connection& c) -> Result<void> {
    auto del = c.Prepare("DELETE FROM im_instances WHERE id = ?1");
    if (!del) return std::unexpected(del.error());
    if (auto ok = (*del)->Bind(1, id).Run(); !ok) return ok;
    auto rel = c.Prepare("UPDATE job_claims SET owner = '', expires_at = 0 WHERE owner = ?1");
    if (!rel) return std::unexpected(rel.error());
    return (*rel)->Bind(1, id).Run();
  });
}

Result<std::vector<InstanceRecord>> SqliteJobStore::ListLive(Time now, Duration ttl) {
  const int64_t since = ToUnixMicros(now - ttl);
  // Rows of instances gone for a day are dropped (a crash leaves its row behind).
  auto pruned = db_.WriteWith([&](Connection& c) -> Result<void> {
    auto st = c.Prepare("DELETE FROM im_instances WHERE last_seen < ?1");
    if (!st) return std::unexpected(st.error());
    return (*st)
        ->Bind(1, ToUnixMicros(now - std::max<Duration>(ttl, std::chrono::hours(24))))
        .Run();
  });
  if (!pruned) return std::unexpected(pruned.error());
  return ReadValue(db_, [&](Connection& c) -> Result<std::vector<InstanceRecord>> {
    auto st = c.Prepare(
        "SELECT id, started_at, last_seen, version, modules FROM im_instances "
        "WHERE last_seen > ?1 ORDER BY id");
    if (!st) return std::unexpected(st.error());
    (*st)->Bind(1, since);
    std::vector<InstanceRecord> out;
    auto ok = EachRow(**st, [&](const Statement& s) {
      out.push_back({.id = s.Text(0),
                     .started_at = FromUnixMicros(s.Int(1)),
                     .last_seen = FromUnixMicros(s.Int(2)),
                     .version = s.Text(3),
                     .modules = ParseModules(s.Text(4))});
    });
    if (!ok) return std::unexpected(ok.error());
    return out;
  });
}

Result<bool> SqliteJobStore::TryClaim(const std::string& job, const std::string& owner, Time now,
                                      Duration ttl, Duration every) {
  return WriteValue(db_, [&](Connection& c) -> Result<bool> {
    // One statement, on the one writer: granted to the holder, or to anyone when the claim is
    // free or expired (and, with `every`, the last run ended long enough ago).
    auto st = c.Prepare(
        "INSERT INTO job_claims (job, owner, claimed_at, expires_at) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT (job) DO UPDATE SET owner = excluded.owner, "
        "claimed_at = CASE WHEN job_claims.owner = excluded.owner THEN job_claims.claimed_at "
        "ELSE excluded.claimed_at END, expires_at = excluded.expires_at "
        "WHERE job_claims.owner = excluded.owner OR (job_claims.expires_at <= excluded.claimed_at "
        "AND (job_claims.finished_at IS NULL OR job_claims.finished_at <= ?5))");
    if (!st) return std::unexpected(st.error());
    auto ok = (*st)
                  ->Bind(1, job)
                  .Bind(2, owner)
                  .Bind(3, ToUnixMicros(now))
                  .Bind(4, ToUnixMicros(now + ttl))
                  .Bind(5, ToUnixMicros(now - every))
                  .Run();
    if (!ok) return std::unexpected(ok.error());
    return sqlite3_changes(c.raw()) == 1;
  });
}

Result<void> SqliteJobStore::Release(const std::string& job, const std::string& owner,
                                     std::optional<Time> finished_at) {
  return db_.WriteWith([&](Connection& c) -> Result<void> {
    auto st = c.Prepare(
        "UPDATE job_claims SET owner = '', expires_at = 0, "
        "finished_at = COALESCE(?3, finished_at) WHERE job = ?1 AND owner = ?2");
    if (!st) return std::unexpected(st.error());
    return (*st)->Bind(1, job).Bind(2, owner).Bind(3, Micros(finished_at)).Run();
  });
}

Result<std::vector<JobClaim>> SqliteJobStore::ListClaims() {
  return ReadValue(db_, [&](Connection& c) -> Result<std::vector<JobClaim>> {
    auto st = c.Prepare(
        "SELECT job, owner, claimed_at, expires_at, finished_at FROM job_claims ORDER BY job");
    if (!st) return std::unexpected(st.error());
    std::vector<JobClaim> out;
    auto ok = EachRow(**st, [&](const Statement& s) {
      out.push_back({.job = s.Text(0),
                     .owner = s.Text(1),
                     .claimed_at = FromUnixMicros(s.Int(2)),
                     .expires_at = FromUnixMicros(s.Int(3)),
                     .finished_at = OptTime(s, 4)});
    });
    if (!ok) return std::unexpected(ok.error());
    return out;
  });
}

Result<std::map<std::string, int>> SqliteJobStore::ModuleVersions() {
  return ReadValue(db_, [&](Connection& c) { return JobModulesIn(c); });
}

Result<std::map<std::string, int>> SqliteJobStore::RaiseModuleVersions(
    const std::map<std::string, int>& versions) {
  return WriteValue(db_, [&](Connection& c) -> Result<std::map<std::string, int>> {
    for (const auto& [module, version] : versions) {
      auto st = c.Prepare(
          "INSERT INTO job_modules (module, version) VALUES (?1, ?2) ON CONFLICT (module) "
          "DO UPDATE SET version = max(job_modules.version, excluded.version)");
      if (!st) return std::unexpected(st.error());
      if (auto ok = (*st)->Bind(1, module).Bind(2, int64_t{version}).Run(); !ok) {
        return std::unexpected(ok.error());
      }
    }
    return JobModulesIn(c);
  });
}

Result<std::string> SqliteJobStore::AgreeKeyCheck(const std::string& check) {
  return WriteValue(db_, [&](Connection& c) -> Result<std::string> {
    auto ins = c.Prepare(
        "INSERT INTO settings (key, value) VALUES ('secret_key_check', ?1) "
        "ON CONFLICT (key) DO NOTHING");
    if (!ins) return std::unexpected(ins.error());
    if (auto ok = (*ins)->Bind(1, check).Run(); !ok) return std::unexpected(ok.error());
    auto st = c.Prepare("SELECT value FROM settings WHERE key = 'secret_key_check'");
    if (!st) return std::unexpected(st.error());
    auto row = (*st)->Step();
    if (!row) return std::unexpected(row.error());
    return *row ? (*st)->Text(0) : check;
  });
}

}  // namespace im::store::sqlite

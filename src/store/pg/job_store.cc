#include "store/pg/job_store.h"

namespace im::store::pg {
namespace {

Result<std::map<std::string, int>> PgJobModulesIn(Connection& c) {
  auto r = c.Query("SELECT module, version FROM job_modules ORDER BY module");
  if (!r) return std::unexpected(r.error());
  std::map<std::string, int> out;
  for (int i = 0; i < r->rows(); ++i) out[r->Text(i, 0)] = static_cast<int>(r->Int(i, 1));
  return out;
}

}  // namespace

Result<void> PgJobStore::Heartbeat(const InstanceRecord& i) {
  return db_.WriteWith([&](Connection& c) -> Result<void> {
    return c.Run(
        "INSERT INTO im_instances (id, started_at, last_seen, version, modules) "
        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO UPDATE SET last_seen = "
        "excluded.last_seen, version = excluded.version, modules = excluded.modules",
        Params()
            .Add(i.id)
            .Add(ToUnixMicros(i.started_at))
            .Add(ToUnixMicros(i.last_seen))
            .Add(i.version)
            .Add(FormatModules(i.modules)));
  });
}

Result<void> PgJobStore::Leave(const std::string& id) {
  return db_.WriteWith([&](Connection& c) -> Result<void> {
    if (auto ok = c.Run("DELETE FROM im_instances WHERE id = $1", Params().Add(id)); !ok) {
      return ok;
    }
    return c.Run("UPDATE job_claims SET owner = '', expires_at = 0 WHERE owner = $1",
                 Params().Add(id));
  });
}

Result<std::vector<InstanceRecord>> PgJobStore::ListLive(Time now, Duration ttl) {
  // Rows of instances gone for a day are dropped (a crash leaves its row behind).
  auto pruned = db_.WriteWith([&](Connection& c) -> Result<void> {
    return c.Run("DELETE FROM im_instances WHERE last_seen < $1",
                 Params().Add(ToUnixMicros(now - std::max<Duration>(ttl, std::chrono::hours(24)))));
  });
  if (!pruned) return std::unexpected(pruned.error());
  return ReadValue(db_, [&](Connection& c) -> Result<std::vector<InstanceRecord>> {
    auto r = c.Query(
        "SELECT id, started_at, last_seen, version, modules FROM im_instances "
        "WHERE last_seen > $1 ORDER BY id",
        Params().Add(ToUnixMicros(now - ttl)));
    if (!r) return std::unexpected(r.error());
    std::vector<InstanceRecord> out;
    for (int i = 0; i < r->rows(); ++i) {
      out.push_back({.id = r->Text(i, 0),
                     .started_at = FromUnixMicros(r->Int(i, 1)),
                     .last_seen = FromUnixMicros(r->Int(i, 2)),
                     .version = r->Text(i, 3),
                     .modules = ParseModules(r->Text(i, 4))});
    }
    return out;
  });
}

Result<bool> PgJobStore::TryClaim(const std::string& job, const std::string& owner, Time now,
                                  Duration ttl, Duration every) {
  return WriteValue(db_, [&](Connection& c) -> Result<bool> {
    // INSERT … ON CONFLICT DO UPDATE locks the claim's row: a racing instance waits for the
    // first one's commit and then sees its owner and expiry, so exactly one is granted it.
    auto r = c.Query(
        "INSERT INTO job_claims (job, owner, claimed_at, expires_at) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (job) DO UPDATE SET owner = excluded.owner, "
        "claimed_at = CASE WHEN job_claims.owner = excluded.owner THEN job_claims.claimed_at "
        "ELSE excluded.claimed_at END, expires_at = excluded.expires_at "
        "WHERE job_claims.owner = excluded.owner OR (job_claims.expires_at <= excluded.claimed_at "
        "AND (job_claims.finished_at IS NULL OR job_claims.finished_at <= $5))",
        Params()
            .Add(job)
            .Add(owner)
            .Add(ToUnixMicros(now))
            .Add(ToUnixMicros(now + ttl))
            .Add(ToUnixMicros(now - every)));
    if (!r) return std::unexpected(r.error());
    return r->affected() == 1;
  });
}

Result<void> PgJobStore::Release(const std::string& job, const std::string& owner,
                                 std::optional<Time> finished_at) {
  return db_.WriteWith([&](Connection& c) -> Result<void> {
    return c.Run(
        "UPDATE job_claims SET owner = '', expires_at = 0, "
        "finished_at = COALESCE($3::BIGINT, finished_at) WHERE job = $1 AND owner = $2",
        Params().Add(job).Add(owner).Add(
            finished_at ? std::optional<int64_t>(ToUnixMicros(*finished_at)) : std::nullopt));
  });
}

Result<std::vector<JobClaim>> PgJobStore::ListClaims() {
  return ReadValue(db_, [&](Connection& c) -> Result<std::vector<JobClaim>> {
    auto r = c.Query(
        "SELECT job, owner, claimed_at, expires_at, finished_at FROM job_claims ORDER BY job");
    if (!r) return std::unexpected(r.error());
    std::vector<JobClaim> out;
    for (int i = 0; i < r->rows(); ++i) {
      out.push_back({.job = r->Text(i, 0),
                     .owner = r->Text(i, 1),
                     .claimed_at = FromUnixMicros(r->Int(i, 2)),
                     .expires_at = FromUnixMicros(r->Int(i, 3)),
                     .finished_at = r->OptTime(i, 4)});
    }
    return out;
  });
}

Result<std::map<std::string, int>> PgJobStore::ModuleVersions() {
  return ReadValue(db_, [&](Connection& c) { return PgJobModulesIn(c); });
}

Result<std::map<std::string, int>> PgJobStore::RaiseModuleVersions(
    const std::map<std::string, int>& versions) {
  return WriteValue(db_, [&](Connection& c) -> Result<std::map<std::string, int>> {
    for (const auto& [module, version] : versions) {
      auto ok = c.Run(
          "INSERT INTO job_modules (module, version) VALUES ($1, $2) ON CONFLICT (module) "
          "DO UPDATE SET version = greatest(job_modules.version, excluded.version)",
          Params().Add(module).Add(version));
      if (!ok) return std::unexpected(ok.error());
    }
    return PgJobModulesIn(c);
  });
}

Result<std::string> PgJobStore::AgreeKeyCheck(const std::string& check) {
  return WriteValue(db_, [&](Connection& c) -> Result<std::string> {
    auto ins = c.Run(
        "INSERT INTO settings (key, value) VALUES ('secret_key_check', $1) "
        "ON CONFLICT (key) DO NOTHING",
        Params().Add(check));
    if (!ins) return std::unexpected(ins.error());
    auto r = c.Query("SELECT value FROM settings WHERE key = 'secret_key_check'");
    if (!r) return std::unexpected(r.error());
    return r->rows() > 0 ? r->Text(0, 0) : check;
  });
}

}  // namespace im::store::pg

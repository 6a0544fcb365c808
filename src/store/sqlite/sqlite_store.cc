#include "store/sqlite/sqlite_store.h"

#include "common/time.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/notify_store.h"
#include "store/sqlite/rows.h"

namespace im::store::sqlite {
namespace {

constexpr size_t kMaxBatch = 512;

class SqliteTx final : public Tx {
 public:
  explicit SqliteTx(Connection& conn) : conn_(conn), notify_(conn) {}
  Connection& connection() { return conn_; }
  NotifyTx& Notify() override { return notify_; }

  Result<int> EnqueueOutbound(int64_t incident, std::string_view kind, const std::string& payload,
                              Time at) override {
    // For every connector whose sync direction sends changes out (a type that cannot write
    // never has sends_changes set: its config is refused).
    std::string sql =
        "INSERT INTO connector_outbox (connector, incident, kind, payload, created_at, "
        "next_attempt_at) SELECT c.name, ?1, ?2, ?3, ?4, ?4 FROM connectors c "
        "WHERE c.sends_changes = 1";
    if (kind != "create") {
      sql +=
          " AND (EXISTS (SELECT 1 FROM connector_links l WHERE l.connector = c.name AND "
          "l.incident = ?1) OR EXISTS (SELECT 1 FROM connector_outbox o WHERE o.connector = "
          "c.name AND o.incident = ?1 AND o.kind = 'create' AND o.state != 'skipped'))";
    }
    auto st = conn_.Prepare(sql);
    if (!st) return std::unexpected(st.error());
    auto ok = (*st)
                  ->Bind(1, incident)
                  .Bind(2, std::string(kind))
                  .Bind(3, payload)
                  .Bind(4, ToUnixMicros(at))
                  .Run();
    if (!ok) return std::unexpected(ok.error());
    return sqlite3_changes(conn_.raw());
  }

  Result<core::Incident> GetIncident(int64_t number) override {
    return LoadIncident(conn_, number);
  }
  Result<int64_t> InsertIncident(const core::Incident& incident) override {
    return InsertIncidentRow(conn_, incident);
  }
  Result<void> UpdateIncident(const core::Incident& incident) override {
    return UpdateIncidentRow(conn_, incident);
  }
  Result<void> AppendTimeline(int64_t number,
                              const std::vector<core::TimelineEntry>& entries) override {
    return InsertTimelineRows(conn_, number, entries);
  }
  Result<bool> EnsureService(const std::string& name, Time now) override {
    auto st = conn_.Prepare(
        "INSERT INTO services (name, created_at) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING");
    if (!st) return std::unexpected(st.error());
    if (auto ok = (*st)->Bind(1, name).Bind(2, ToUnixMicros(now)).Run(); !ok) {
      return std::unexpected(ok.error());
    }
    return sqlite3_changes(conn_.raw()) == 1;
  }
  Result<void> UpsertService(const core::Service& s) override {
    auto st = conn_.Prepare(
        "INSERT INTO services (name, description, team, owner, created_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (name) DO UPDATE SET "
        "description = excluded.description, team = excluded.team, owner = excluded.owner");
    if (!st) return std::unexpected(st.error());
    return (*st)
        ->Bind(1, s.name)
        .Bind(2, s.description)
        .Bind(3, s.team)
        .Bind(4, s.owner)
        .Bind(5, ToUnixMicros(s.created_at))
        .Run();
  }
  Result<int64_t> InsertToken(const core::ApiToken& t) override {
    auto st = conn_.Prepare(
        "INSERT INTO api_tokens (name, prefix, hash, created_at, created_by) "
        "VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!st) return std::unexpected(st.error());
    auto ok = (*st)
                  ->Bind(1, t.name)
                  .Bind(2, t.hint)
                  .Bind(3, t.hash)
                  .Bind(4, ToUnixMicros(t.created_at))
                  .Bind(5, t.created_by)
                  .Run();
    if (!ok) return std::unexpected(ok.error());
    return conn_.LastInsertId();
  }
  Result<void> RevokeToken(int64_t id, Time at) override {
    auto st =
        conn_.Prepare("UPDATE api_tokens SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL");
    if (!st) return std::unexpected(st.error());
    if (auto ok = (*st)->Bind(1, id).Bind(2, ToUnixMicros(at)).Run(); !ok) return ok;
    if (sqlite3_changes(conn_.raw()) != 1) {
      return Fail(ErrorCode::kNotFound, "no active token with id " + std::to_string(id) +
                                            "; list tokens with `im token list`");
    }
    return Ok();
  }
  Result<std::vector<core::Incident>> UnresolvedIncidents() override {
    return QueryIncidents(
        conn_, IncidentFilter{.statuses = {core::Status::kOpen, core::Status::kMitigated}});
  }

 private:
  Connection& conn_;
  SqliteNotifyTx notify_;
};

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path,
                                                       const SchemaOptions& schema) {
  auto conn = Connection::Open(path);
  if (!conn) return std::unexpected(conn.error());
  if (auto ok = Migrate(**conn, schema); !ok) return std::unexpected(ok.error());
  return std::unique_ptr<SqliteStore>(new SqliteStore(path, std::move(*conn)));
}

SqliteStore::SqliteStore(std::string path, std::unique_ptr<Connection> writer)
    : path_(std::move(path)), writer_(std::move(writer)) {
  writer_thread_ = std::thread([this] { WriterLoop(); });
}

SqliteStore::~SqliteStore() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  work_cv_.notify_all();
  writer_thread_.join();
}

Result<void> SqliteStore::Transact(const std::function<Result<void>(Tx&)>& fn) {
  Job job{.fn = &fn};
  std::unique_lock lock(mu_);
  queue_.push_back(&job);
  work_cv_.notify_one();
  done_cv_.wait(lock, [&] { return job.done; });
  return job.result;
}

void SqliteStore::WriteWithAsync(std::function<Result<void>(Connection&)> fn,
                                 std::function<void(Result<void>)> done) {
  auto job = std::make_unique<Job>();
  job->owned_fn = [fn = std::move(fn)](Tx& tx) {
    return fn(static_cast<SqliteTx&>(tx).connection());
  };
  job->fn = &job->owned_fn;
  job->on_done = std::move(done);
  std::lock_guard lock(mu_);
  queue_.push_back(job.release());  // deleted by the writer thread once answered
  work_cv_.notify_one();
}

void SqliteStore::WriteWithTxAsync(std::function<Result<void>(Connection&, Tx&)> fn,
                                   std::function<void(Result<void>)> done) {
  auto job = std::make_unique<Job>();
  job->owned_fn = [fn = std::move(fn)](Tx& tx) {
    return fn(static_cast<SqliteTx&>(tx).connection(), tx);
  };
  job->fn = &job->owned_fn;
  job->on_done = std::move(done);
  std::lock_guard lock(mu_);
  queue_.push_back(job.release());  // deleted by the writer thread once answered
  work_cv_.notify_one();
}

void SqliteStore::WriterLoop() {
  std::vector<Job*> batch;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      work_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left
      while (!queue_.empty() && batch.size() < kMaxBatch) {
        batch.push_back(queue_.front());
        queue_.pop_front();
      }
    }
    RunBatch(batch);
    // Async jobs are taken out first: a waiting caller may destroy its job as soon as it sees
    // `done`, so no job is touched after that.
    std::vector<std::unique_ptr<Job>> answered;
    bool waiters = false;
    {
      std::lock_guard lock(mu_);
      for (Job* job : batch) {
        if (job->on_done) {
          answered.emplace_back(job);
        } else {
          job->done = true;
          waiters = true;
        }
      }
    }
    if (waiters) done_cv_.notify_all();
    for (auto& job : answered) job->on_done(std::move(job->result));
    batch.clear();
  }
}

void SqliteStore::RunBatch(std::vector<Job*>& batch) {
  // Every statement here runs once per job, so through the statement cache (Run), not Exec.
  auto fail_all = [&](const Error& e) {
    for (Job* job : batch) job->result = std::unexpected(e);
  };
  if (auto ok = writer_->Run("BEGIN IMMEDIATE"); !ok) return fail_all(ok.error());
  SqliteTx tx(*writer_);
  IncidentObserver* observed = nullptr;  // told once the batch committed
  for (Job* job : batch) {
    if (auto ok = writer_->Run("SAVEPOINT job"); !ok) {
      job->result = ok;
      continue;
    }
    IncidentObserver* observer = observer_.load();
    std::vector<IncidentWrite> writes;
    writer_->observed_writes = observer ? &writes : nullptr;
    job->result = (*job->fn)(tx);
    writer_->observed_writes = nullptr;
    if (job->result && !writes.empty()) {
      job->result = observer->OnIncidentWrites(tx, writes);
      observed = observer;
    }
    if (!job->result) (void)writer_->Run("ROLLBACK TO job");
    if (auto ok = writer_->Run("RELEASE job"); !ok && job->result) job->result = ok;
  }
  if (auto ok = writer_->Run("COMMIT"); !ok) {
    (void)writer_->Run("ROLLBACK");
    for (Job* job : batch) {
      if (job->result) job->result = std::unexpected(ok.error());
    }
    return;
  }
  if (observed) observed->OnCommitted();
}

template <typename F>
auto SqliteStore::WithReader(F&& fn) -> decltype(fn(std::declval<Connection&>())) {
  std::unique_ptr<Connection> conn;
  {
    std::lock_guard lock(readers_mu_);
    if (!idle_readers_.empty()) {
      conn = std::move(idle_readers_.back());
      idle_readers_.pop_back();
    }
  }
  if (!conn) {
    auto opened = Connection::Open(path_);
    if (!opened) return std::unexpected(opened.error());
    conn = std::move(*opened);
  }
  auto result = fn(*conn);
  std::lock_guard lock(readers_mu_);
  idle_readers_.push_back(std::move(conn));
  return result;
}

Result<core::Incident> SqliteStore::GetIncident(int64_t number) {
  return WithReader([&](Connection& c) { return LoadIncident(c, number); });
}

Result<std::vector<core::Incident>> SqliteStore::ListIncidents(const IncidentFilter& filter) {
  return WithReader([&](Connection& c) { return QueryIncidents(c, filter); });
}

Result<std::vector<core::TimelineEntry>> SqliteStore::GetTimeline(int64_t number) {
  return WithReader([&](Connection& c) { return QueryTimeline(c, number); });
}

Result<void> SqliteStore::ForEachIncident(
    const IncidentFilter& filter, const std::function<Result<void>(const core::Incident&)>& visit) {
  return WithReader([&](Connection& c) {
    return EachIncident(c, filter, [&](core::Incident i) { return visit(i); });
  });
}

Result<IncidentWithTimeline> SqliteStore::GetIncidentWithTimeline(int64_t number) {
  return WithReader([&](Connection& c) -> Result<IncidentWithTimeline> {
    // One read transaction: both reads see the same snapshot.
    if (auto ok = c.Run("BEGIN"); !ok) return std::unexpected(ok.error());
    auto read = [&]() -> Result<IncidentWithTimeline> {
      auto incident = LoadIncident(c, number);
      if (!incident) return std::unexpected(incident.error());
      auto timeline = QueryTimeline(c, number);
      if (!timeline) return std::unexpected(timeline.error());
      return IncidentWithTimeline{std::move(*incident), std::move(*timeline)};
    }();
    // Ending a read transaction keeps nothing, so a failed COMMIT only needs a ROLLBACK.
    if (!c.Run("COMMIT")) (void)c.Run("ROLLBACK");
    return read;
  });
}

Result<std::vector<core::Service>> SqliteStore::ListServices() {
  return WithReader([&](Connection& c) { return QueryServices(c); });
}

Result<core::Service> SqliteStore::GetService(const std::string& name) {
  return WithReader([&](Connection& c) { return LoadService(c, name); });
}

Result<std::vector<core::ApiToken>> SqliteStore::ListTokens() {
  return WithReader([&](Connection& c) { return QueryTokens(c); });
}

Result<std::optional<core::ApiToken>> SqliteStore::FindTokenByHash(const std::string& hash) {
  return WithReader([&](Connection& c) -> Result<std::optional<core::ApiToken>> {
    if (hash.empty()) return std::nullopt;
    auto tokens = QueryTokens(c, hash);
    if (!tokens) return std::unexpected(tokens.error());
    if (tokens->empty()) return std::nullopt;
    return tokens->front();
  });
}

Result<IncidentCounts> SqliteStore::CountIncidents() {
  return WithReader([&](Connection& c) -> Result<IncidentCounts> {
    IncidentCounts counts;
    auto st = c.Prepare("SELECT status, severity, count(*) FROM incidents GROUP BY 1, 2");
    if (!st) return std::unexpected(st.error());
    for (;;) {
      auto row = (*st)->Step();
      if (!row) return std::unexpected(row.error());
      if (!*row) break;
      auto sev = static_cast<core::Severity>((*st)->Int(1));
      counts.by_status_severity[(*st)->Text(0)][std::string(core::SeverityName(sev))] =
          (*st)->Int(2);
    }
    auto breaches = c.Prepare("SELECT count(*) FROM timeline WHERE kind = 'sla_breach'");
    if (!breaches) return std::unexpected(breaches.error());
    if (auto row = (*breaches)->Step(); !row) return std::unexpected(row.error());
    counts.sla_breaches = (*breaches)->Int(0);
    return counts;
  });
}

Result<int64_t> SqliteStore::LatestTimelineEntry() {
  return WithReader([&](Connection& c) -> Result<int64_t> {
    auto st = c.Prepare("SELECT coalesce(max(id), 0) FROM timeline");
    if (!st) return std::unexpected(st.error());
    if (auto row = (*st)->Step(); !row) return std::unexpected(row.error());
    return (*st)->Int(0);
  });
}

Result<std::vector<IncidentChange>> SqliteStore::IncidentChangesAfter(int64_t after,
                                                                      int64_t limit) {
  return WithReader([&](Connection& c) -> Result<std::vector<IncidentChange>> {
    auto st = c.Prepare("SELECT id, incident FROM timeline WHERE id > ? ORDER BY id LIMIT ?");
    if (!st) return std::unexpected(st.error());
    (*st)->Bind(1, after).Bind(2, limit);
    std::vector<IncidentChange> out;
    auto ok = EachRow(**st, [&](const Statement& r) {
      out.push_back(IncidentChange{.entry_id = r.Int(0), .incident = r.Int(1)});
    });
    if (!ok) return std::unexpected(ok.error());
    return out;
  });
}

Result<std::map<std::string, std::string>> SqliteStore::ConnectorSlaMappings() {
  return WithReader([&](Connection& c) -> Result<std::map<std::string, std::string>> {
    auto st = c.Prepare("SELECT name, sla_mapping FROM connectors WHERE sla_mapping != ''");
    if (!st) return std::unexpected(st.error());
    std::map<std::string, std::string> out;
    auto ok = EachRow(**st, [&](const Statement& r) { out[r.Text(0)] = r.Text(1); });
    if (!ok) return std::unexpected(ok.error());
    return out;
  });
}

Result<void> SqliteStore::ReadWith(const std::function<Result<void>(Connection&)>& fn) {
  return WithReader([&](Connection& c) { return fn(c); });
}

Result<void> SqliteStore::WriteWith(const std::function<Result<void>(Connection&)>& fn) {
  return Transact([&](Tx& tx) { return fn(static_cast<SqliteTx&>(tx).connection()); });
}

Result<void> SqliteStore::WriteWithTx(const std::function<Result<void>(Connection&, Tx&)>& fn) {
  return Transact([&](Tx& tx) { return fn(static_cast<SqliteTx&>(tx).connection(), tx); });
}

Result<int> SqliteStore::SchemaVersion() {
  return WithReader([&](Connection& c) -> Result<int> {
    auto st = c.Prepare("PRAGMA user_version");
    if (!st) return std::unexpected(st.error());
    if (auto row = (*st)->Step(); !row) return std::unexpected(row.error());
    return static_cast<int>((*st)->Int(0));
  });
}

Result<std::string> SqliteStore::InstallId() {
  return WithReader([&](Connection& c) -> Result<std::string> {
    auto st = c.Prepare("SELECT value FROM settings WHERE key = 'install_id'");
    if (!st) return std::unexpected(st.error());
    auto row = (*st)->Step();
    if (!row) return std::unexpected(row.error());
    if (!*row) {
      return Fail(ErrorCode::kInternal,
                  "the data directory has no installation id (its settings table was changed by "
                  "hand); restore it from a backup");
    }
    return (*st)->Text(0);
  });
}

}  // namespace im::store::sqlite

#include "store/pg/pg_store.h"

#include "common/time.h"
#include "store/pg/migrations.h"
#include "store/pg/notify_store.h"
#include "store/pg/rows.h"

namespace im::store::pg {
namespace {

// Idle connections kept per process; more are opened under load and closed after.
constexpr size_t kMaxIdle = 16;

class PgTx final : public Tx {
 public:
  explicit PgTx(Connection& conn) : conn_(conn), notify_(conn) {}
  Connection& connection() { return conn_; }
  NotifyTx& Notify() override { return notify_; }

  Result<int> EnqueueOutbound(int64_t incident, std::string_view kind, const std::string& payload,
                              Time at) override {
    // For every connector whose sync direction sends changes out (see SqliteTx).
    std::string sql =
        "INSERT INTO connector_outbox (connector, incident, kind, payload, created_at, "
        "next_attempt_at) SELECT c.name, $1, $2, $3, $4, $4 FROM connectors c "
        "WHERE c.sends_changes = 1";
    if (kind != "create") {
      sql +=
          " AND (EXISTS (SELECT 1 FROM connector_links l WHERE l.connector = c.name AND "
          "l.incident = $1) OR EXISTS (SELECT 1 FROM connector_outbox o WHERE o.connector = "
          "c.name AND o.incident = $1 AND o.kind = 'create' AND o.state != 'skipped'))";
    }
    auto r = conn_.Query(sql, Params().Add(incident).Add(kind).Add(payload).Add(ToUnixMicros(at)));
    if (!r) return std::unexpected(r.error());
    return static_cast<int>(r->affected());
  }

  Result<core::Incident> GetIncident(int64_t number) override {
    return LoadIncident(conn_, number, /*for_update=*/true);
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
    auto r = conn_.Query(
        "INSERT INTO services (name, created_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        Params().Add(name).Add(ToUnixMicros(now)));
    if (!r) return std::unexpected(r.error());
    return r->affected() == 1;
  }
  Result<void> UpsertService(const core::Service& s) override {
    return conn_.Run(
        "INSERT INTO services (name, description, team, owner, created_at) "
        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (name) DO UPDATE SET "
        "description = excluded.description, team = excluded.team, owner = excluded.owner",
        Params()
            .Add(s.name)
            .Add(s.description)
            .Add(s.team)
            .Add(s.owner)
            .Add(ToUnixMicros(s.created_at)));
  }
  Result<int64_t> InsertToken(const core::ApiToken& t) override {
    auto r = conn_.Query(
        "INSERT INTO api_tokens (name, prefix, hash, created_at, created_by) "
        "VALUES ($1, $2, $3, $4, $5) RETURNING id",
        Params()
            .Add(t.name)
            .Add(t.hint)
            .Add(t.hash)
            .Add(ToUnixMicros(t.created_at))
            .Add(t.created_by));
    if (!r) return std::unexpected(r.error());
    return r->Int(0, 0);
  }
  Result<void> RevokeToken(int64_t id, Time at) override {
    auto r =
        conn_.Query("UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
                    Params().Add(id).Add(ToUnixMicros(at)));
    if (!r) return std::unexpected(r.error());
    if (r->affected() != 1) {
      return Fail(ErrorCode::kNotFound, "no active token with id " + std::to_string(id) +
                                            "; list tokens with `im token list`");
    }
    return Ok();
  }
  Result<std::vector<core::Incident>> UnresolvedIncidents() override {
    // Locked: the sweep writes them back, and must not overwrite a concurrent change.
    return QueryIncidents(
        conn_, IncidentFilter{.statuses = {core::Status::kOpen, core::Status::kMitigated}},
        /*for_update=*/true);
  }

 private:
  Connection& conn_;
  PgNotifyTx notify_;
};

}  // namespace

Result<std::unique_ptr<PgStore>> PgStore::Open(const std::string& url,
                                               const SchemaOptions& schema) {
  auto conn = Connection::Open(url);
  if (!conn) return std::unexpected(conn.error());
  if (auto ok = Migrate(**conn, schema); !ok) return std::unexpected(ok.error());
  auto store = std::unique_ptr<PgStore>(new PgStore(url));
  store->Release(std::move(*conn));
  return store;
}

PgStore::~PgStore() {
  {
    std::lock_guard lock(async_mu_);
    async_stopping_ = true;
  }
  async_cv_.notify_all();
  if (async_thread_.joinable()) async_thread_.join();
}

void PgStore::WriteWithTxAsync(std::function<Result<void>(Connection&, Tx&)> fn,
                               std::function<void(Result<void>)> done) {
  std::lock_guard lock(async_mu_);
  async_queue_.push_back(AsyncJob{std::move(fn), std::move(done)});
  if (!async_thread_.joinable()) async_thread_ = std::thread([this] { AsyncLoop(); });
  async_cv_.notify_one();
}

void PgStore::AsyncLoop() {
  for (;;) {
    AsyncJob job;
    {
      std::unique_lock lock(async_mu_);
      async_cv_.wait(lock, [&] { return async_stopping_ || !async_queue_.empty(); });
      if (async_queue_.empty()) return;  // stopping, nothing left
      job = std::move(async_queue_.front());
      async_queue_.pop_front();
    }
    job.done(WriteWithTx(job.fn));
  }
}

Result<std::unique_ptr<Connection>> PgStore::Acquire() {
  {
    std::lock_guard lock(pool_mu_);
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      return conn;
    }
  }
  return Connection::Open(url_);
}

void PgStore::Release(std::unique_ptr<Connection> conn) {
  // A connection that lost its server, or was left inside a transaction, is not reused.
  if (!conn->healthy() || PQtransactionStatus(conn->raw()) != PQTRANS_IDLE) return;
  conn->observed_writes = nullptr;
  conn->holds_timeline_lock = false;
  std::lock_guard lock(pool_mu_);
  if (idle_.size() < kMaxIdle) idle_.push_back(std::move(conn));
}

template <typename F>
auto PgStore::WithConnection(F&& fn) -> decltype(fn(std::declval<Connection&>())) {
  auto conn = Acquire();
  if (!conn) return std::unexpected(conn.error());
  auto result = fn(**conn);
  Release(std::move(*conn));
  return result;
}

Result<void> PgStore::Transact(const std::function<Result<void>(Tx&)>& fn) {
  Result<void> result;
  for (int attempt = 1; attempt <= kMaxAttempts; ++attempt) {
    auto conn = Acquire();
    if (!conn) return std::unexpected(conn.error());
    Connection& c = **conn;
    c.saw_retryable = false;
    c.holds_timeline_lock = false;
    result = c.Run("BEGIN");
    if (result) {
      PgTx tx(c);
      IncidentObserver* observer = observer_.load();
      std::vector<IncidentWrite> writes;
      c.observed_writes = observer ? &writes : nullptr;
      result = fn(tx);
      c.observed_writes = nullptr;
      if (result && !writes.empty()) result = observer->OnIncidentWrites(tx, writes);
      if (result) {
        result = c.Run("COMMIT");
        // What the observer queued is visible to other connections now: wake its sender.
        if (result && !writes.empty()) observer->OnCommitted();
      } else {
        (void)c.Run("ROLLBACK");
      }
    }
    c.holds_timeline_lock = false;
    bool again = !result && c.saw_retryable && attempt < kMaxAttempts;
    Release(std::move(*conn));
    if (!again) break;
  }
  return result;
}

Result<core::Incident> PgStore::GetIncident(int64_t number) {
  return WithConnection([&](Connection& c) { return LoadIncident(c, number); });
}

Result<std::vector<core::Incident>> PgStore::ListIncidents(const IncidentFilter& filter) {
  return WithConnection([&](Connection& c) { return QueryIncidents(c, filter); });
}

Result<void> PgStore::ForEachIncident(
    const IncidentFilter& filter, const std::function<Result<void>(const core::Incident&)>& visit) {
  // Through a cursor, a page at a time, so a long list is never held whole.
  return WithConnection([&](Connection& c) -> Result<void> {
    if (auto ok = c.Run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); !ok) return ok;
    auto each = [&]() -> Result<void> {
      Params p;
      std::string sql = IncidentQuery(filter, p);
      if (auto ok = c.Run("DECLARE incidents_each NO SCROLL CURSOR FOR " + sql, p); !ok) {
        return ok;
      }
      for (;;) {
        auto page = c.Query("FETCH 500 FROM incidents_each");
        if (!page) return std::unexpected(page.error());
        if (page->rows() == 0) return Ok();
        for (int i = 0; i < page->rows(); ++i) {
          if (auto ok = visit(ReadIncident(*page, i)); !ok) return ok;
        }
      }
    };
    auto result = each();
    // Ending a read-only transaction keeps nothing: ROLLBACK also closes the cursor.
    (void)c.Run("ROLLBACK");
    return result;
  });
}

Result<std::vector<core::TimelineEntry>> PgStore::GetTimeline(int64_t number) {
  return WithConnection([&](Connection& c) { return QueryTimeline(c, number); });
}

Result<IncidentWithTimeline> PgStore::GetIncidentWithTimeline(int64_t number) {
  return WithConnection([&](Connection& c) { return LoadIncidentWithTimeline(c, number); });
}

Result<std::vector<core::Service>> PgStore::ListServices() {
  return WithConnection([&](Connection& c) { return QueryServices(c); });
}

Result<core::Service> PgStore::GetService(const std::string& name) {
  return WithConnection([&](Connection& c) { return LoadService(c, name); });
}

Result<std::vector<core::ApiToken>> PgStore::ListTokens() {
  return WithConnection([&](Connection& c) { return QueryTokens(c); });
}

Result<std::optional<core::ApiToken>> PgStore::FindTokenByHash(const std::string& hash) {
  return WithConnection([&](Connection& c) -> Result<std::optional<core::ApiToken>> {
    if (hash.empty()) return std::nullopt;
    auto tokens = QueryTokens(c, hash);
    if (!tokens) return std::unexpected(tokens.error());
    if (tokens->empty()) return std::nullopt;
    return tokens->front();
  });
}

Result<IncidentCounts> PgStore::CountIncidents() {
  return WithConnection([&](Connection& c) -> Result<IncidentCounts> {
    IncidentCounts counts;
    auto r = c.Query("SELECT status, severity, count(*) FROM incidents GROUP BY 1, 2");
    if (!r) return std::unexpected(r.error());
    for (int i = 0; i < r->rows(); ++i) {
      auto sev = static_cast<core::Severity>(r->Int(i, 1));
      counts.by_status_severity[r->Text(i, 0)][std::string(core::SeverityName(sev))] = r->Int(i, 2);
    }
    auto breaches = c.Query("SELECT count(*) FROM timeline WHERE kind = 'sla_breach'");
    if (!breaches) return std::unexpected(breaches.error());
    counts.sla_breaches = breaches->Int(0, 0);
    return counts;
  });
}

Result<int64_t> PgStore::LatestTimelineEntry() {
  return WithConnection([&](Connection& c) -> Result<int64_t> {
    auto r = c.Query("SELECT coalesce(max(id), 0) FROM timeline");
    if (!r) return std::unexpected(r.error());
    return r->Int(0, 0);
  });
}

Result<std::vector<IncidentChange>> PgStore::IncidentChangesAfter(int64_t after, int64_t limit) {
  return WithConnection([&](Connection& c) -> Result<std::vector<IncidentChange>> {
    auto r = c.Query("SELECT id, incident FROM timeline WHERE id > $1 ORDER BY id LIMIT $2",
                     Params().Add(after).Add(limit));
    if (!r) return std::unexpected(r.error());
    std::vector<IncidentChange> out;
    for (int i = 0; i < r->rows(); ++i) {
      out.push_back(IncidentChange{.entry_id = r->Int(i, 0), .incident = r->Int(i, 1)});
    }
    return out;
  });
}

Result<std::map<std::string, std::string>> PgStore::ConnectorSlaMappings() {
  return WithConnection([&](Connection& c) -> Result<std::map<std::string, std::string>> {
    auto r = c.Query("SELECT name, sla_mapping FROM connectors WHERE sla_mapping != ''");
    if (!r) return std::unexpected(r.error());
    std::map<std::string, std::string> out;
    for (int i = 0; i < r->rows(); ++i) out[r->Text(i, 0)] = r->Text(i, 1);
    return out;
  });
}

Result<int> PgStore::SchemaVersion() {
  return WithConnection([&](Connection& c) { return SchemaVersionOf(c); });
}

Result<std::string> PgStore::InstallId() {
  return WithConnection([&](Connection& c) -> Result<std::string> {
    auto r = c.Query("SELECT value FROM settings WHERE key = 'install_id'");
    if (!r) return std::unexpected(r.error());
    if (r->rows() == 0) {
      return Fail(ErrorCode::kInternal,
                  "the database has no install id; it was not made by im's migrations");
    }
    return r->Text(0, 0);
  });
}

Result<void> PgStore::ReadWith(const std::function<Result<void>(Connection&)>& fn) {
  return WithConnection([&](Connection& c) { return fn(c); });
}

Result<void> PgStore::WriteWith(const std::function<Result<void>(Connection&)>& fn) {
  return Transact([&](Tx& tx) { return fn(static_cast<PgTx&>(tx).connection()); });
}

Result<void> PgStore::WriteWithTx(const std::function<Result<void>(Connection&, Tx&)>& fn) {
  return Transact([&](Tx& tx) { return fn(static_cast<PgTx&>(tx).connection(), tx); });
}

}  // namespace im::store::pg

// The PostgreSQL store: one database shared by any number of `im serve` processes. Every
// process keeps a pool of connections; a transaction (Transact) runs on one of them in READ
// COMMITTED, and the rows it changes are locked until it commits:
//   - Tx::GetIncident and Tx::UpdateIncident lock the incident's row (SELECT … FOR UPDATE),
//     so a read-modify-write waits for a concurrent one and then reads its result;
//   - the first timeline entry a transaction writes takes a transaction advisory lock held to
//     its commit, so entry ids grow in commit order (the IncidentChangesAfter cursor);
// A transaction that fails on a deadlock or serialization error is run again (up to
// kMaxAttempts times), so its function and the observer may run more than once: they must
// only write through the Tx.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/pg/connection.h"
#include "store/schema_options.h"
#include "store/store.h"

namespace im::store::pg {

class PgStore final : public Store {
 public:
  static constexpr int kMaxAttempts = 5;

  // Connects to `url`, migrates the database (under the migration lock) and keeps the
  // connection for the pool. Refuses a database from a newer schema, untouched.
  static Result<std::unique_ptr<PgStore>> Open(const std::string& url,
                                               const SchemaOptions& schema = {});
  ~PgStore() override;

  Result<void> Transact(const std::function<Result<void>(Tx&)>& fn) override;
  Result<core::Incident> GetIncident(int64_t number) override;
  Result<std::vector<core::Incident>> ListIncidents(const IncidentFilter& filter) override;
  Result<void> ForEachIncident(
      const IncidentFilter& filter,
      const std::function<Result<void>(const core::Incident&)>& visit) override;
  Result<std::vector<core::TimelineEntry>> GetTimeline(int64_t number) override;
  Result<IncidentWithTimeline> GetIncidentWithTimeline(int64_t number) override;
  Result<std::vector<core::Service>> ListServices() override;
  Result<core::Service> GetService(const std::string& name) override;
  Result<std::vector<core::ApiToken>> ListTokens() override;
  Result<std::optional<core::ApiToken>> FindTokenByHash(const std::string& hash) override;
  Result<IncidentCounts> CountIncidents() override;
  Result<int64_t> LatestTimelineEntry() override;
  Result<std::vector<IncidentChange>> IncidentChangesAfter(int64_t after, int64_t limit) override;
  Result<std::map<std::string, std::string>> ConnectorSlaMappings() override;
  Result<int> SchemaVersion() override;
  Result<std::string> InstallId() override;
  void SetIncidentObserver(IncidentObserver* observer) override { observer_.store(observer); }

  // For the domain stores beside this one in pg/: run `fn` on a pooled connection outside a
  // transaction, or inside a transaction exactly like Transact (committed when it returns ok,
  // run again on a deadlock).
  Result<void> ReadWith(const std::function<Result<void>(Connection&)>& fn);
  Result<void> WriteWith(const std::function<Result<void>(Connection&)>& fn);
  Result<void> WriteWithTx(const std::function<Result<void>(Connection&, Tx&)>& fn);
  // WriteWithTx without waiting: `fn` runs on this store's async thread, in the order of the
  // calls, and `done` gets its result once committed (or failed), on that thread too, so it
  // must only hand the result on. Jobs queued when the store closes still run first.
  void WriteWithTxAsync(std::function<Result<void>(Connection&, Tx&)> fn,
                        std::function<void(Result<void>)> done);

 private:
  explicit PgStore(std::string url) : url_(std::move(url)) {}
  void AsyncLoop();

  Result<std::unique_ptr<Connection>> Acquire();
  void Release(std::unique_ptr<Connection> conn);
  template <typename F>
  auto WithConnection(F&& fn) -> decltype(fn(std::declval<Connection&>()));

  const std::string url_;
  std::mutex pool_mu_;
  std::vector<std::unique_ptr<Connection>> idle_;  // GUARDED_BY(pool_mu_)
  std::atomic<IncidentObserver*> observer_{nullptr};

  struct AsyncJob {
    std::function<Result<void>(Connection&, Tx&)> fn;
    std::function<void(Result<void>)> done;
  };
  std::mutex async_mu_;
  std::condition_variable async_cv_;
  std::deque<AsyncJob> async_queue_;  // GUARDED_BY(async_mu_)
  bool async_stopping_ = false;       // GUARDED_BY(async_mu_)
  std::thread async_thread_;          // started by the first WriteWithTxAsync
};

// Runs `fn(Connection&) -> Result<T>` on a pooled connection and returns its result.
template <typename F>
auto ReadValue(PgStore& store, F&& fn) -> decltype(fn(std::declval<Connection&>())) {
  decltype(fn(std::declval<Connection&>())) out;
  auto ok = store.ReadWith([&](Connection& c) -> Result<void> {
    out = fn(c);
    return Ok();
  });
  if (!ok) return std::unexpected(ok.error());
  return out;
}

// Runs `fn(Connection&) -> Result<T>` in a transaction, rolled back when it fails, and returns
// its result.
template <typename F>
auto WriteValue(PgStore& store, F&& fn) -> decltype(fn(std::declval<Connection&>())) {
  decltype(fn(std::declval<Connection&>())) out;
  auto ok = store.WriteWith([&](Connection& c) -> Result<void> {
    out = fn(c);
    if (!out) return std::unexpected(out.error());
    return Ok();
  });
  if (!ok) return std::unexpected(ok.error());
  return out;
}

}  // namespace im::store::pg

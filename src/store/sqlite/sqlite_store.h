// The embedded store: one SQLite file in WAL mode. Many readers run in parallel on pooled
// connections; writes from all threads are funnelled to one writer thread that commits them in
// groups (one fsync for many transactions), each in its own savepoint so one failure does not
// undo the others. Other processes (the CLI beside a server) share the file through SQLite's
// locks.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/schema_options.h"
#include "store/sqlite/connection.h"
#include "store/store.h"

namespace im::store::sqlite {

class SqliteStore final : public Store {
 public:
  // Opens or creates `path` and migrates it. Refuses a database from a newer schema.
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path,
                                                   const SchemaOptions& schema = {});
  ~SqliteStore() override;

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

  // For the domain stores beside this one in sqlite/ (schedules, deployments, connectors),
  // which keep their own tables: run `fn` on a pooled read connection, or inside a write
  // transaction that is group-committed exactly like Transact (durable when it returns ok).
  Result<void> ReadWith(const std::function<Result<void>(Connection&)>& fn);
  Result<void> WriteWith(const std::function<Result<void>(Connection&)>& fn);
  // WriteWith that also hands over the incident transaction on the same connection, for a
  // domain store whose change opens or updates incidents in the same commit (monitors).
  Result<void> WriteWithTx(const std::function<Result<void>(Connection&, Tx&)>& fn);
  // WriteWithTx without waiting, as WriteWithAsync.
  void WriteWithTxAsync(std::function<Result<void>(Connection&, Tx&)> fn,
                        std::function<void(Result<void>)> done);
  // WriteWith without waiting: `fn` joins the next group commit and `done` gets its result
  // once that commit is durable (or failed). Both run on the writer thread, so `done` must
  // only hand the result on (post it somewhere) and never wait for the store.
  void WriteWithAsync(std::function<Result<void>(Connection&)> fn,
                      std::function<void(Result<void>)> done);

 private:
  struct Job {
    const std::function<Result<void>(Tx&)>* fn;
    Result<void> result;
    bool done = false;
    // Set for WriteWithAsync: the job owns its function and is deleted after `on_done`.
    std::function<Result<void>(Tx&)> owned_fn;
    std::function<void(Result<void>)> on_done;
  };

  SqliteStore(std::string path, std::unique_ptr<Connection> writer);
  void WriterLoop();
  void RunBatch(std::vector<Job*>& batch);

  // Borrows a read connection for the duration of `fn`.
  template <typename F>
  auto WithReader(F&& fn) -> decltype(fn(std::declval<Connection&>()));

  const std::string path_;
  std::unique_ptr<Connection> writer_;  // used only by the writer thread

  std::mutex readers_mu_;
  std::vector<std::unique_ptr<Connection>> idle_readers_;  // GUARDED_BY(readers_mu_)

  std::mutex mu_;
  std::condition_variable work_cv_;
  std::condition_variable done_cv_;
  std::deque<Job*> queue_;  // GUARDED_BY(mu_)
  bool stopping_ = false;   // GUARDED_BY(mu_)
  std::thread writer_thread_;
  std::atomic<IncidentObserver*> observer_{nullptr};
};

// Runs `fn(Connection&) -> Result<T>` on a read connection and returns its result.
template <typename F>
auto ReadValue(SqliteStore& store, F&& fn) -> decltype(fn(std::declval<Connection&>())) {
  decltype(fn(std::declval<Connection&>())) out;
  auto ok = store.ReadWith([&](Connection& c) -> Result<void> {
    out = fn(c);
    return Ok();
  });
  if (!ok) return std::unexpected(ok.error());
  return out;
}

// Runs `fn(Connection&) -> Result<T>` in a durable write transaction, rolled back when it
// fails, and returns its result.
template <typename F>
auto WriteValue(SqliteStore& store, F&& fn) -> decltype(fn(std::declval<Connection&>())) {
  decltype(fn(std::declval<Connection&>())) out;
  auto ok = store.WriteWith([&](Connection& c) -> Result<void> {
    out = fn(c);
    if (!out) return std::unexpected(out.error());
    return Ok();
  });
  if (!ok) return std::unexpected(ok.error());
  return out;
}

}  // namespace im::store::sqlite

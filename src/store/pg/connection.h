// A thin RAII layer over libpq: a connection, results, and queries with text parameters
// (PQexecParams: every value is a parameter, never spliced into SQL). Errors become im::Error
// naming what failed, with the server's message and what to do.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/error.h"
#include "common/time.h"
#include "store/store.h"

namespace im::store::pg {

// Query parameters, $1, $2, ... in order; all sent as text, typed by the server from context.
class Params {
 public:
  Params() = default;
  Params& Add(int64_t v) {
    values_.push_back(std::to_string(v));
    return *this;
  }
  Params& Add(int v) { return Add(static_cast<int64_t>(v)); }
  Params& Add(bool v) { return Add(int64_t{v ? 1 : 0}); }
  Params& Add(std::string_view v) {
    values_.emplace_back(std::string(v));
    return *this;
  }
  Params& Add(const char* v) { return Add(std::string_view(v)); }
  Params& Add(const std::string& v) { return Add(std::string_view(v)); }
  Params& Add(std::optional<int64_t> v) {
    if (v) return Add(*v);
    return AddNull();
  }
  Params& AddNull() {
    values_.emplace_back(std::nullopt);
    return *this;
  }
  size_t size() const { return values_.size(); }
  const std::optional<std::string>& operator[](size_t i) const { return values_[i]; }

 private:
  std::vector<std::optional<std::string>> values_;
};

// The rows of one query (or none, for a command).
class PgResult {
 public:
  explicit PgResult(PGresult* r) : r_(r, &PQclear) {}
  int rows() const { return PQntuples(r_.get()); }
  // Rows a command touched (INSERT, UPDATE, DELETE).
  int64_t affected() const;
  bool IsNull(int row, int col) const { return PQgetisnull(r_.get(), row, col) != 0; }
  std::string Text(int row, int col) const {
    return std::string(PQgetvalue(r_.get(), row, col),
                       static_cast<size_t>(PQgetlength(r_.get(), row, col)));
  }
  int64_t Int(int row, int col) const;  // 0 for NULL; bool columns read 1 for true
  std::optional<int64_t> OptionalInt(int row, int col) const {
    return IsNull(row, col) ? std::nullopt : std::optional<int64_t>(Int(row, col));
  }
  std::optional<Time> OptTime(int row, int col) const {
    auto v = OptionalInt(row, col);
    return v ? std::optional<Time>(FromUnixMicros(*v)) : std::nullopt;
  }

 private:
  std::unique_ptr<PGresult, void (*)(PGresult*)> r_;
};

class Connection {
 public:
  // Connects to `url` (postgres://user:password@host:port/database?options, or a libpq
  // key=value string).
  static Result<std::unique_ptr<Connection>> Open(const std::string& url);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one statement with `params` and returns its rows.
  Result<PgResult> Query(std::string_view sql, const Params& params = {});
  // Runs one statement and ignores its rows.
  Result<void> Run(std::string_view sql, const Params& params = {});
  // Runs a script of several statements (no parameters), as migrations are.
  Result<void> Script(std::string_view sql);

  // The SQLSTATE of the last failed statement ("" after one that worked): the store retries
  // transactions that failed with 40001 (serialization) or 40P01 (deadlock).
  const std::string& last_sqlstate() const { return last_sqlstate_; }
  // False once the server went away; the pool then drops this connection.
  bool healthy() const { return PQstatus(conn_) == CONNECTION_OK; }
  PGconn* raw() { return conn_; }

  // Set by the store while an IncidentObserver watches: every incident row written is recorded
  // here with its state before, for the observer.
  std::vector<IncidentWrite>* observed_writes = nullptr;
  // Set when a statement failed with a Retryable SQLSTATE; the store clears it before each
  // transaction (later statements of an aborted transaction fail with another state).
  bool saw_retryable = false;
  // Whether this transaction holds the lock that orders timeline entries (PgTx).
  bool holds_timeline_lock = false;

 private:
  explicit Connection(PGconn* conn) : conn_(conn) {}
  Result<PgResult> Check(PGresult* r, std::string_view sql);
  // The name of `sql` prepared on this connection (prepared on first use), or "" for a
  // statement that is run unprepared (not a plain query, or the cache is full).
  std::string PreparedName(const std::string& sql, const Params& params);
  PGconn* conn_;
  std::string last_sqlstate_;
  // Statements prepared on this connection: parsed and planned once, not at every call.
  std::unordered_map<std::string, std::string> prepared_;
};

// True for the SQLSTATEs after which the whole transaction may simply be run again.
inline bool Retryable(std::string_view sqlstate) {
  return sqlstate == "40001" || sqlstate == "40P01";
}

// A database address with any password replaced by "***", for messages and logs.
std::string RedactUrl(std::string_view url);

}  // namespace im::store::pg

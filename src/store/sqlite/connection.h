// A thin RAII layer over the SQLite C API: a connection with a prepared-statement cache, and
// statements with typed bind/column. Errors become im::Error with the SQLite message.
#pragma once

#include <sqlite3.h>

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

namespace im::store::sqlite {

class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  // Resets the statement for reuse (it stays cached by the connection).
  ~Statement() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  Statement& Bind(int index, int64_t v);
  Statement& Bind(int index, std::string_view v);
  Statement& Bind(int index, std::optional<int64_t> v);
  Statement& BindNull(int index);

  // Ok(true) when a row is ready, Ok(false) when done.
  Result<bool> Step();
  Result<void> Run();  // steps to completion

  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  std::optional<int64_t> OptionalInt(int col) const {
    return IsNull(col) ? std::nullopt : std::optional<int64_t>(Int(col));
  }
  std::string Text(int col) const;

 private:
  sqlite3_stmt* stmt_;
};

class Connection {
 public:
  // Opens (creating if needed) the database file and applies the connection pragmas.
  static Result<std::unique_ptr<Connection>> Open(const std::string& path);
  ~Connection();

  Result<void> Exec(std::string_view sql);
  // Runs one statement through the statement cache: for the ones run over and over (BEGIN,
  // SAVEPOINT, COMMIT), which Exec would compile every time.
  Result<void> Run(std::string_view sql);
  // A cached prepared statement; the returned Statement resets it when destroyed.
  Result<std::unique_ptr<Statement>> Prepare(std::string_view sql);
  int64_t LastInsertId() const { return sqlite3_last_insert_rowid(db_); }
  sqlite3* raw() { return db_; }

  // Set by the store's writer while an IncidentObserver watches: every incident row written
  // through rows.h is recorded here with its state before, for the observer.
  std::vector<IncidentWrite>* observed_writes = nullptr;

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  // Looked up by string_view without building a std::string per lookup.
  struct SqlHash {
    using is_transparent = void;
    size_t operator()(std::string_view sql) const { return std::hash<std::string_view>{}(sql); }
  };
  std::unordered_map<std::string, sqlite3_stmt*, SqlHash, std::equal_to<>> cache_;
};

Error SqliteError(sqlite3* db, std::string_view what);

// Steps `st` to the end, calling `row(st)` for each row.
template <typename Row>
Result<void> EachRow(Statement& st, Row&& row) {
  for (;;) {
    auto more = st.Step();
    if (!more) return std::unexpected(more.error());
    if (!*more) return Ok();
    row(st);
  }
}

// A nullable INTEGER column of microseconds since the epoch, and back.
inline std::optional<Time> OptTime(const Statement& st, int col) {
  auto v = st.OptionalInt(col);
  return v ? std::optional<Time>(FromUnixMicros(*v)) : std::nullopt;
}
inline std::optional<int64_t> Micros(const std::optional<Time>& t) {
  return t ? std::optional<int64_t>(ToUnixMicros(*t)) : std::nullopt;
}

}  // namespace im::store::sqlite

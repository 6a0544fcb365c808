#include "store/sqlite/connection.h"

#include <mutex>

namespace im::store::sqlite {

Error SqliteError(sqlite3* db, std::string_view what) {
  int code = sqlite3_extended_errcode(db);
  std::string msg = std::string(what) + ": " + sqlite3_errmsg(db);
  int primary = code & 0xff;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    return Error{ErrorCode::kUnavailable, msg + " (the database is busy; try again)"};
  }
  if (primary == SQLITE_CONSTRAINT) return Error{ErrorCode::kAlreadyExists, msg};
  if (primary == SQLITE_FULL) {
    return Error{ErrorCode::kResourceExhausted, msg + " (the disk is full; free space)"};
  }
  return Error{ErrorCode::kInternal, msg};
}

Statement& Statement::Bind(int index, int64_t v) {
  sqlite3_bind_int64(stmt_, index, v);
  return *this;
}

Statement& Statement::Bind(int index, std::string_view v) {
  sqlite3_bind_text(stmt_, index, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::Bind(int index, std::optional<int64_t> v) {
  return v ? Bind(index, *v) : BindNull(index);
}

Statement& Statement::BindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

Result<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return std::unexpected(SqliteError(sqlite3_db_handle(stmt_), "database step failed"));
}

Result<void> Statement::Run() {
  for (;;) {
    auto r = Step();
    if (!r) return std::unexpected(r.error());
    if (!*r) return Ok();
  }
}

std::string Statement::Text(int col) const {
  auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  if (!p) return {};
  return std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path) {
  // Before SQLite initializes: its memory statistics (which im does not read) take one
  // process-wide mutex on every allocation, and the io threads' reads contended for it.
  // If something opened SQLite first, this is refused harmlessly and the statistics stay on.
  static std::once_flag configured;
  std::call_once(configured, [] { (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    Error e = SqliteError(db, "cannot open database " + path);
    sqlite3_close(db);
    return std::unexpected(e);
  }
  std::unique_ptr<Connection> conn(new Connection(db));
  sqlite3_busy_timeout(db, 10000);
  // WAL lets the CLI and a running server share the file; FULL syncs the WAL on every commit,
  // so a committed write survives power loss, not just a crash of im.
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
                             "PRAGMA foreign_keys=ON", "PRAGMA temp_store=MEMORY"}) {
    if (auto ok = conn->Exec(pragma); !ok) return std::unexpected(ok.error());
  }
  return conn;
}

Connection::~Connection() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

Result<void> Connection::Exec(std::string_view sql) {
  char* err = nullptr;
  std::string text(sql);
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    Error e = SqliteError(db_, "database statement failed");
    e.message += " (" + msg + ")";
    return std::unexpected(e);
  }
  return Ok();
}

Result<void> Connection::Run(std::string_view sql) {
  auto st = Prepare(sql);
  if (!st) return std::unexpected(st.error());
  return (*st)->Run();
}

Result<std::unique_ptr<Statement>> Connection::Prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return std::make_unique<Statement>(it->second);
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                         &stmt, nullptr) != SQLITE_OK) {
    return std::unexpected(SqliteError(db_, "cannot prepare statement"));
  }
  cache_.emplace(std::string(sql), stmt);
  return std::make_unique<Statement>(stmt);
}

}  // namespace im::store::sqlite

// Reading a running im's database from a test, the way a person would with sqlite3 or psql: the
// first column of the first row of `sql`, or -1 / "" when there is none (or on any error).
// `db` is a SQLite file, or a PostgreSQL address (postgres://, postgresql://). A test running on
// PostgreSQL (IM_TEST_BACKEND=postgres, fakes/test_backend.h) that names a SQLite file reads its
// own database (IM_DATABASE_URL) instead: the SQL must then be what both accept.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#if __has_include(<libpq-fe.h>)
#include <libpq-fe.h>
#define IM_TEST_QUERY_PG 1
#endif

namespace im::testing {

namespace sqlite_query_detail {

// The PostgreSQL database `db` stands for, or "" when it is a SQLite file.
inline std::string PgAddress(const std::string& db) {
  if (db.starts_with("postgres://") || db.starts_with("postgresql://")) return db;
  const char* backend = std::getenv("IM_TEST_BACKEND");
  const char* url = std::getenv("IM_DATABASE_URL");
  if (backend != nullptr && std::string_view(backend) == "postgres" && url != nullptr) return url;
  return "";
}

// Runs `sql`; the first cell as text when there is one.
inline std::optional<std::string> Cell(const std::string& db, const std::string& sql,
                                       bool write = false) {
  std::optional<std::string> out;
  if (std::string url = PgAddress(db); !url.empty()) {
#ifdef IM_TEST_QUERY_PG
    PGconn* c = PQconnectdb(url.c_str());
    if (PQstatus(c) == CONNECTION_OK) {
      PGresult* r = PQexec(c, sql.c_str());
      if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0 && PQnfields(r) > 0) {
        out = std::string(PQgetvalue(r, 0, 0));                  // "" for NULL
        if (PQftype(r, 0) == 16) out = *out == "t" ? "1" : "0";  // bool, as SQLite has it
      } else if (write && PQresultStatus(r) == PGRES_COMMAND_OK) {
        out = "";
      }
      PQclear(r);
    }
    PQfinish(c);
#endif
    return out;
  }
  sqlite3* handle = nullptr;
  int flags = write ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY;
  if (write) {
    if (sqlite3_open_v2(db.c_str(), &handle, flags, nullptr) == SQLITE_OK) {
      sqlite3_busy_timeout(handle, 5000);
      if (sqlite3_exec(handle, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK) out = "";
    }
    sqlite3_close(handle);
    return out;
  }
  if (sqlite3_open_v2(db.c_str(), &handle, flags, nullptr) == SQLITE_OK) {
    sqlite3_busy_timeout(handle, 5000);
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(handle, sql.c_str(), -1, &st, nullptr) == SQLITE_OK) {
      int rc = sqlite3_step(st);
      if (rc == SQLITE_ROW) {
        const unsigned char* text = sqlite3_column_text(st, 0);
        out = text ? reinterpret_cast<const char*>(text) : "";  // "" for NULL
      }
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(handle);
  return out;
}

}  // namespace sqlite_query_detail

inline int64_t QueryInt(const std::string& db, const std::string& sql) {
  auto cell = sqlite_query_detail::Cell(db, sql);
  if (!cell) return -1;
  return std::strtoll(cell->c_str(), nullptr, 10);  // 0 for NULL
}

inline std::string QueryText(const std::string& db, const std::string& sql) {
  return sqlite_query_detail::Cell(db, sql).value_or("");
}

// Runs statements that change the database (several, separated by ';'); whether they ran.
inline bool ExecSql(const std::string& db, const std::string& sql) {
  return sqlite_query_detail::Cell(db, sql, true).has_value();
}

}  // namespace im::testing

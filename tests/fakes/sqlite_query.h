// Reading a running im's database from a test, read-only, the way a person would with sqlite3:
// the first column of the first row of `sql`, or -1 / "" when there is none (or on any error).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>

namespace im::testing {

namespace sqlite_query_detail {
template <typename Read>
void FirstCell(const std::string& db_path, const std::string& sql, Read&& read) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_busy_timeout(db, 5000);
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
      read(st);
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
}
}  // namespace sqlite_query_detail

inline int64_t QueryInt(const std::string& db_path, const std::string& sql) {
  int64_t out = -1;
  sqlite_query_detail::FirstCell(db_path, sql,
                                 [&](sqlite3_stmt* st) { out = sqlite3_column_int64(st, 0); });
  return out;
}

inline std::string QueryText(const std::string& db_path, const std::string& sql) {
  std::string out;
  sqlite_query_detail::FirstCell(db_path, sql, [&](sqlite3_stmt* st) {
    if (const unsigned char* text = sqlite3_column_text(st, 0)) {
      out = reinterpret_cast<const char*>(text);
    }
  });
  return out;
}

}  // namespace im::testing

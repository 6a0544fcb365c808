#include "store/copy.h"

#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>

#include "store/pg/connection.h"
#include "store/pg/migrations.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/migrations.h"

namespace im::store {
namespace {

// Every table of the latest schema, parents before children (foreign keys). A table the source has
// and this list lacks (a later migration) stops the copy: it would be lost.
const std::vector<std::string>& CopiedTables() {
  static const std::vector<std::string> kTables = {"services",
                                                   "incidents",
                                                   "incident_services",
                                                   "timeline",
                                                   "api_tokens",
                                                   "connectors",
                                                   "connector_links",
                                                   "connector_events",
                                                   "connector_directory",
                                                   "connector_activity",
                                                   "connector_outbox",
                                                   "outbox_leases",
                                                   "connector_refetch",
                                                   "oncall_schedules",
                                                   "escalation_policies",
                                                   "escalation_policy_services",
                                                   "people",
                                                   "deployments",
                                                   "deployment_attributions",
                                                   "dora_state",
                                                   "settings",
                                                   "monitors",
                                                   "monitor_checks",
                                                   "channels",
                                                   "event_integrations",
                                                   "event_alerts",
                                                   "notify_rules",
                                                   "notify_contacts",
                                                   "notify_claims",
                                                   "notify_escalations",
                                                   "notify_ack_links",
                                                   "im_instances",
                                                   "job_claims",
                                                   "job_modules"};
  return kTables;
}

// Identity columns and the SQLite AUTOINCREMENT counters that may run ahead of them (a number
// once used is never used again, also after a delete).
const std::vector<std::pair<std::string, std::string>>& IdentityColumns() {
  static const std::vector<std::pair<std::string, std::string>> kIds = {
      {"incidents", "number"},     {"timeline", "id"},     {"api_tokens", "id"},
      {"connector_outbox", "seq"}, {"deployments", "seq"}, {"monitors", "id"},
      {"monitor_checks", "id"}};
  return kIds;
}

// A row checksum both databases compute the same way: FNV-1a over each value's text form
// (NULL marked apart), in column order, rows in the order of all columns.
class RowHash {
 public:
  void Null() { Byte('N'); }
  void Value(const char* p, size_t n) {
    Byte('V');
    for (char c : std::to_string(n)) Byte(static_cast<unsigned char>(c));
    Byte(':');
    for (size_t i = 0; i < n; ++i) Byte(static_cast<unsigned char>(p[i]));
  }
  void EndRow() { Byte('\n'); }
  uint64_t value() const { return h_; }

 private:
  void Byte(unsigned char b) {
    h_ ^= b;
    h_ *= 1099511628211ULL;
  }
  uint64_t h_ = 14695981039346656037ULL;
};

std::string OrderByAll(size_t columns, bool postgres) {
  std::string out = " ORDER BY ";
  for (size_t i = 1; i <= columns; ++i) {
    out += (i > 1 ? ", " : "") + std::to_string(i);
    if (postgres) out += " NULLS FIRST";  // SQLite sorts NULL first
  }
  return out;
}

// A statement on the raw SQLite handle (the table scans are built at run time).
struct SqliteStmt {
  sqlite3_stmt* st = nullptr;
  ~SqliteStmt() { sqlite3_finalize(st); }
};

Result<void> SqlitePrepare(sqlite3* db, const std::string& sql, SqliteStmt& out) {
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &out.st, nullptr) != SQLITE_OK) {
    return std::unexpected(sqlite::SqliteError(db, "reading the SQLite database"));
  }
  return Ok();
}

Result<std::vector<std::string>> SqliteColumns(sqlite3* db, const std::string& table) {
  SqliteStmt st;
  if (auto ok =
          SqlitePrepare(db, "SELECT name FROM pragma_table_info('" + table + "') ORDER BY cid", st);
      !ok) {
    return std::unexpected(ok.error());
  }
  std::vector<std::string> out;
  while (sqlite3_step(st.st) == SQLITE_ROW) {
    out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st.st, 0)));
  }
  return out;
}

std::string ColumnList(const std::vector<std::string>& cols) {
  std::string out;
  for (const auto& c : cols) out += (out.empty() ? "" : ", ") + c;
  return out;
}

Result<TableCopy> SqliteChecksum(sqlite3* db, const std::string& table,
                                 const std::vector<std::string>& cols) {
  SqliteStmt st;
  if (auto ok = SqlitePrepare(
          db, "SELECT " + ColumnList(cols) + " FROM " + table + OrderByAll(cols.size(), false), st);
      !ok) {
    return std::unexpected(ok.error());
  }
  TableCopy out{.table = table};
  RowHash h;
  int rc;
  while ((rc = sqlite3_step(st.st)) == SQLITE_ROW) {
    for (int i = 0; i < static_cast<int>(cols.size()); ++i) {
      if (sqlite3_column_type(st.st, i) == SQLITE_NULL) {
        h.Null();
      } else {
        auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st.st, i));
        h.Value(p, static_cast<size_t>(sqlite3_column_bytes(st.st, i)));
      }
    }
    h.EndRow();
    out.rows++;
  }
  if (rc != SQLITE_DONE) {
    return std::unexpected(sqlite::SqliteError(db, "reading table " + table + " of SQLite"));
  }
  out.checksum = h.value();
  return out;
}

Result<TableCopy> PgChecksum(pg::Connection& c, const std::string& table,
                             const std::vector<std::string>& cols) {
  // Through a cursor, a page at a time: a table may not fit in memory. Run in a transaction.
  if (auto ok = c.Run("DECLARE copy_check NO SCROLL CURSOR FOR SELECT " + ColumnList(cols) +
                      " FROM " + table + OrderByAll(cols.size(), true));
      !ok) {
    return std::unexpected(ok.error());
  }
  TableCopy out{.table = table};
  RowHash h;
  for (;;) {
    auto page = c.Query("FETCH 5000 FROM copy_check");
    if (!page) return std::unexpected(page.error());
    if (page->rows() == 0) break;
    for (int r = 0; r < page->rows(); ++r) {
      for (int i = 0; i < static_cast<int>(cols.size()); ++i) {
        if (page->IsNull(r, i)) {
          h.Null();
        } else {
          std::string v = page->Text(r, i);
          h.Value(v.data(), v.size());
        }
      }
      h.EndRow();
      out.rows++;
    }
  }
  if (auto ok = c.Run("CLOSE copy_check"); !ok) return std::unexpected(ok.error());
  out.checksum = h.value();
  return out;
}

// Inserts every row of `table` from SQLite into PostgreSQL, many rows per statement.
Result<void> CopyRows(sqlite3* db, pg::Connection& c, const std::string& table,
                      const std::vector<std::string>& cols) {
  SqliteStmt st;
  if (auto ok = SqlitePrepare(db, "SELECT " + ColumnList(cols) + " FROM " + table, st); !ok) {
    return ok;
  }
  const size_t per_batch = std::max<size_t>(1, std::min<size_t>(1000, 30000 / cols.size()));
  auto insert_sql = [&](size_t rows) {
    std::string sql = "INSERT INTO " + table + " (" + ColumnList(cols) + ") VALUES ";
    size_t n = 0;
    for (size_t r = 0; r < rows; ++r) {
      sql += r ? ", (" : "(";
      for (size_t i = 0; i < cols.size(); ++i) sql += (i ? ", $" : "$") + std::to_string(++n);
      sql += ")";
    }
    return sql;
  };
  pg::Params batch;
  size_t rows = 0;
  auto flush = [&]() -> Result<void> {
    if (rows == 0) return Ok();
    auto ok = c.Run(insert_sql(rows), batch);
    batch = pg::Params();
    rows = 0;
    if (!ok) return std::unexpected(ok.error().Wrap("copying table " + table));
    return Ok();
  };
  int rc;
  while ((rc = sqlite3_step(st.st)) == SQLITE_ROW) {
    for (int i = 0; i < static_cast<int>(cols.size()); ++i) {
      if (sqlite3_column_type(st.st, i) == SQLITE_NULL) {
        batch.AddNull();
      } else {
        auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st.st, i));
        batch.Add(std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(st.st, i))));
      }
    }
    if (++rows == per_batch) {
      if (auto ok = flush(); !ok) return ok;
    }
  }
  if (rc != SQLITE_DONE) {
    return std::unexpected(sqlite::SqliteError(db, "reading table " + table + " of SQLite"));
  }
  return flush();
}

Result<int64_t> SqliteSequence(sqlite3* db, const std::string& table) {
  SqliteStmt st;
  if (auto ok =
          SqlitePrepare(db, "SELECT seq FROM sqlite_sequence WHERE name = '" + table + "'", st);
      !ok) {
    return std::unexpected(ok.error());
  }
  return sqlite3_step(st.st) == SQLITE_ROW ? sqlite3_column_int64(st.st, 0) : 0;
}

}  // namespace

Result<CopyResult> CopyDatabase(std::string_view from, std::string_view to,
                                const CopyOptions& options) {
  if (!from.starts_with("sqlite:") ||
      !(to.starts_with("postgres://") || to.starts_with("postgresql://"))) {
    return Fail(ErrorCode::kInvalidArgument,
                "a copy goes from sqlite:PATH to postgres://USER:PASSWORD@HOST:PORT/DATABASE");
  }
  const std::string path(from.substr(7));
  if (!std::filesystem::exists(path)) {
    return Fail(ErrorCode::kNotFound,
                path + " does not exist; give the data directory of the installation to copy");
  }
  auto src = sqlite::Connection::Open(path);
  if (!src) return std::unexpected(src.error().Wrap("opening " + path));
  if (auto ok = sqlite::Migrate(**src); !ok) return std::unexpected(ok.error().Wrap(path));
  sqlite3* db = (*src)->raw();

  // Every table the source has must be one the copy knows.
  std::map<std::string, std::vector<std::string>> columns;
  {
    SqliteStmt st;
    if (auto ok = SqlitePrepare(db,
                                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT "
                                "LIKE 'sqlite_%' ORDER BY name",
                                st);
        !ok) {
      return std::unexpected(ok.error());
    }
    std::vector<std::string> unknown;
    while (sqlite3_step(st.st) == SQLITE_ROW) {
      std::string t = reinterpret_cast<const char*>(sqlite3_column_text(st.st, 0));
      if (std::find(CopiedTables().begin(), CopiedTables().end(), t) == CopiedTables().end()) {
        unknown.push_back(t);
      }
    }
    if (!unknown.empty()) {
      return Fail(ErrorCode::kInternal,
                  "the SQLite database has table " + unknown.front() +
                      " that this im's copy does not know; nothing was copied (a bug: report it)");
    }
  }
  for (const auto& t : CopiedTables()) {
    auto cols = SqliteColumns(db, t);
    if (!cols) return std::unexpected(cols.error());
    if (cols->empty()) {
      return Fail(ErrorCode::kInternal, "the SQLite database lacks table " + t);
    }
    columns[t] = std::move(*cols);
  }

  // The target, migrated to the same schema (as `im serve` would).
  const std::string url(to);
  auto dst = pg::Connection::Open(url);
  if (!dst) return std::unexpected(dst.error());
  pg::Connection& c = **dst;
  if (auto ok = pg::Migrate(c); !ok) return std::unexpected(ok.error());
  CopyResult result{.schema_version = pg::LatestSchemaVersion(), .target = pg::RedactUrl(to)};
  if (pg::LatestSchemaVersion() != sqlite::LatestSchemaVersion()) {
    return Fail(ErrorCode::kInternal, "this im's SQLite and PostgreSQL schemas differ; a bug");
  }

  // One read transaction on the source: the copy is of one moment.
  if (auto ok = (*src)->Exec("BEGIN"); !ok) return std::unexpected(ok.error());
  std::vector<TableCopy> source;
  for (const auto& t : CopiedTables()) {
    auto sum = SqliteChecksum(db, t, columns[t]);
    if (!sum) return std::unexpected(sum.error());
    source.push_back(*sum);
  }

  auto in_tx = [&]() -> Result<bool> {
    // What the target holds besides what its migration made (its own install id).
    bool holds_data = false;
    bool same = true;
    for (size_t i = 0; i < CopiedTables().size(); ++i) {
      const auto& t = CopiedTables()[i];
      auto sum = PgChecksum(c, t, columns[t]);
      if (!sum) return std::unexpected(sum.error());
      if (t != "settings" && sum->rows > 0) holds_data = true;
      if (sum->rows != source[i].rows || sum->checksum != source[i].checksum) same = false;
    }
    if (same) return false;  // copied before: nothing to do
    if (holds_data && !options.replace) {
      return Fail(ErrorCode::kFailedPrecondition,
                  "the PostgreSQL database already holds other data; nothing was changed. Copy "
                  "into an empty database, or give --replace to overwrite it");
    }
    std::string all;
    for (const auto& t : CopiedTables()) all += (all.empty() ? "" : ", ") + t;
    if (auto ok = c.Run("TRUNCATE " + all + " RESTART IDENTITY"); !ok) {
      return std::unexpected(ok.error());
    }
    for (const auto& t : CopiedTables()) {
      if (auto ok = CopyRows(db, c, t, columns[t]); !ok) return std::unexpected(ok.error());
    }
    for (const auto& [table, column] : IdentityColumns()) {
      auto counter = SqliteSequence(db, table);
      if (!counter) return std::unexpected(counter.error());
      if (auto ok = c.Run("SELECT setval(pg_get_serial_sequence('" + table + "', '" + column +
                              "'), greatest(coalesce((SELECT max(" + column + ") FROM " + table +
                              "), 0), $1::bigint, 1), greatest(coalesce((SELECT max(" + column +
                              ") FROM " + table + "), 0), $1::bigint) > 0)",
                          pg::Params().Add(*counter));
          !ok) {
        return std::unexpected(ok.error());
      }
    }
    // Verified before anything commits.
    for (size_t i = 0; i < CopiedTables().size(); ++i) {
      const auto& t = CopiedTables()[i];
      auto sum = PgChecksum(c, t, columns[t]);
      if (!sum) return std::unexpected(sum.error());
      if (sum->rows != source[i].rows || sum->checksum != source[i].checksum) {
        return Fail(ErrorCode::kInternal, "table " + t + " differs after the copy (" +
                                              std::to_string(sum->rows) + " rows, " +
                                              std::to_string(source[i].rows) +
                                              " in SQLite); nothing was committed");
      }
    }
    return true;
  };
  if (auto ok = c.Run("BEGIN"); !ok) return std::unexpected(ok.error());
  auto copied = in_tx();
  if (copied) {
    if (auto ok = c.Run("COMMIT"); !ok) copied = std::unexpected(ok.error());
  } else {
    (void)c.Run("ROLLBACK");
  }
  (void)(*src)->Exec("ROLLBACK");
  if (!copied) return std::unexpected(copied.error());
  result.copied = *copied;
  result.tables = std::move(source);
  return result;
}

}  // namespace im::store

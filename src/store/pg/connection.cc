#include "store/pg/connection.h"

#include <charconv>

namespace im::store::pg {
namespace {

// The statement's first words, enough to tell which one failed.
std::string Head(std::string_view sql) {
  while (!sql.empty() && (sql.front() == ' ' || sql.front() == '\n')) sql.remove_prefix(1);
  std::string out(sql.substr(0, 60));
  for (char& c : out) {
    if (c == '\n') c = ' ';
  }
  return sql.size() > 60 ? out + "…" : out;
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

Error ErrorFor(std::string_view sqlstate, std::string msg) {
  if (sqlstate.starts_with("23")) return Error{ErrorCode::kAlreadyExists, msg};
  if (Retryable(sqlstate) || sqlstate == "55P03" || sqlstate == "53300") {
    return Error{ErrorCode::kUnavailable, msg + " (the database is busy; try again)"};
  }
  if (sqlstate.starts_with("08") || sqlstate.starts_with("57P") || sqlstate.empty()) {
    return Error{ErrorCode::kUnavailable,
                 msg +
                     " (the PostgreSQL server cannot be reached; check that it runs and "
                     "try again)"};
  }
  if (sqlstate == "53100") {
    return Error{ErrorCode::kResourceExhausted,
                 msg + " (the database server's disk is full; free space)"};
  }
  return Error{ErrorCode::kInternal, msg};
}

}  // namespace

std::string RedactUrl(std::string_view url) {
  std::string out(url);
  auto scheme = out.find("://");
  if (scheme == std::string::npos) return out;
  auto at = out.find('@', scheme + 3);
  if (at == std::string::npos) return out;
  auto colon = out.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return out;
  return out.substr(0, colon + 1) + "***" + out.substr(at);
}

int64_t PgResult::affected() const {
  const char* n = PQcmdTuples(r_.get());
  int64_t v = 0;
  std::from_chars(n, n + std::char_traits<char>::length(n), v);
  return v;
}

int64_t PgResult::Int(int row, int col) const {
  if (IsNull(row, col)) return 0;
  const char* s = PQgetvalue(r_.get(), row, col);
  size_t n = static_cast<size_t>(PQgetlength(r_.get(), row, col));
  if (n == 1 && (s[0] == 't' || s[0] == 'f')) return s[0] == 't';
  int64_t v = 0;
  std::from_chars(s, s + n, v);
  return v;
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& url) {
  PGconn* c = PQconnectdb(url.c_str());
  if (c == nullptr) {
    return Fail(ErrorCode::kResourceExhausted, "connecting to PostgreSQL: out of memory");
  }
  if (PQstatus(c) != CONNECTION_OK) {
    std::string msg = Trim(PQerrorMessage(c));
    PQfinish(c);
    return Fail(ErrorCode::kUnavailable,
                "connecting to PostgreSQL at " + RedactUrl(url) + ": " + msg +
                    " (check the address, that the server runs and accepts this user)");
  }
  auto conn = std::unique_ptr<Connection>(new Connection(c));
  // Quiet NOTICEs ("relation already exists, skipping") instead of libpq printing them.
  PQsetNoticeProcessor(
      c, [](void*, const char*) {}, nullptr);
  if (auto ok = conn->Run("SET client_min_messages = warning"); !ok) {
    return std::unexpected(ok.error());
  }
  return conn;
}

Connection::~Connection() { PQfinish(conn_); }

Result<PgResult> Connection::Check(PGresult* r, std::string_view sql) {
  PgResult result(r);
  auto st = PQresultStatus(r);
  if (r != nullptr && (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)) {
    last_sqlstate_.clear();
    return result;
  }
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  last_sqlstate_ = state ? state : "";
  if (Retryable(last_sqlstate_)) saw_retryable = true;
  std::string msg = Trim(r ? PQresultErrorMessage(r) : PQerrorMessage(conn_));
  if (msg.empty()) msg = Trim(PQerrorMessage(conn_));
  return std::unexpected(ErrorFor(last_sqlstate_, "PostgreSQL: " + Head(sql) + ": " + msg));
}

std::string Connection::PreparedName(const std::string& sql, const Params& params) {
  // Only plain statements (not BEGIN, DECLARE, SET ...), and a bounded number per connection:
  // lists with filters make many shapes of one query.
  constexpr size_t kMaxPrepared = 256;
  if (!(sql.starts_with("SELECT") || sql.starts_with("INSERT") || sql.starts_with("UPDATE") ||
        sql.starts_with("DELETE"))) {
    return "";
  }
  if (auto it = prepared_.find(sql); it != prepared_.end()) return it->second;
  if (prepared_.size() >= kMaxPrepared) return "";
  std::string name = "im_" + std::to_string(prepared_.size());
  PGresult* r =
      PQprepare(conn_, name.c_str(), sql.c_str(), static_cast<int>(params.size()), nullptr);
  bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  PQclear(r);
  if (!ok) return "";  // run unprepared: its error, if any, is reported from there
  prepared_.emplace(sql, name);
  return name;
}

Result<PgResult> Connection::Query(std::string_view sql, const Params& params) {
  std::string text(sql);
  std::vector<const char*> values(params.size());
  for (size_t i = 0; i < params.size(); ++i) {
    values[i] = params[i] ? params[i]->c_str() : nullptr;
  }
  // Preparing inside a failed transaction fails too; then the statement runs unprepared and
  // reports the transaction's state.
  std::string name =
      PQtransactionStatus(conn_) == PQTRANS_INERROR ? "" : PreparedName(text, params);
  PGresult* r = name.empty() ? PQexecParams(conn_, text.c_str(), static_cast<int>(params.size()),
                                            nullptr, values.data(), nullptr, nullptr, 0)
                             : PQexecPrepared(conn_, name.c_str(), static_cast<int>(params.size()),
                                              values.data(), nullptr, nullptr, 0);
  return Check(r, sql);
}

Result<void> Connection::Run(std::string_view sql, const Params& params) {
  auto r = Query(sql, params);
  if (!r) return std::unexpected(r.error());
  return Ok();
}

Result<void> Connection::Script(std::string_view sql) {
  std::string text(sql);
  auto r = Check(PQexec(conn_, text.c_str()), sql);
  if (!r) return std::unexpected(r.error());
  return Ok();
}

}  // namespace im::store::pg

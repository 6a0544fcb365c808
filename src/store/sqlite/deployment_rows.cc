// Deployment rows: times as INTEGER microseconds since the epoch, UTC, like the incidents.
#include "store/sqlite/deployment_rows.h"

#include "common/json.h"
#include "common/time.h"

namespace im::store::sqlite {

const char* const kDeploymentColumns =
    "seq, id, service, environment, triggered_at, finished_at, status, commit_sha, "
    "committed_at, url, source, received_at";

dora::Deployment ReadDeployment(const Statement& st) {
  dora::Deployment d;
  d.id = st.Text(1);
  d.service = st.Text(2);
  d.environment = st.Text(3);
  d.triggered_at = FromUnixMicros(st.Int(4));
  d.finished_at = OptTime(st, 5);
  d.status = st.Text(6) == "failure" ? dora::DeployStatus::kFailure : dora::DeployStatus::kSuccess;
  d.commit_sha = st.Text(7);
  d.committed_at = OptTime(st, 8);
  d.url = st.Text(9);
  d.source = st.Text(10);
  d.received_at = FromUnixMicros(st.Int(11));
  return d;
}

Result<std::optional<SeqDeployment>> FindDeployment(Connection& conn, std::string_view id) {
  auto st =
      conn.Prepare(std::string("SELECT ") + kDeploymentColumns + " FROM deployments WHERE id = ?1");
  if (!st) return std::unexpected(st.error());
  (*st)->Bind(1, id);
  auto row = (*st)->Step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<SeqDeployment>();
  return std::optional<SeqDeployment>(SeqDeployment{(*st)->Int(0), ReadDeployment(**st)});
}

Result<int64_t> InsertDeployment(Connection& conn, const dora::Deployment& d) {
  auto st = conn.Prepare(
      "INSERT INTO deployments (id, service, environment, triggered_at, finished_at, status, "
      "commit_sha, committed_at, url, source, received_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
  if (!st) return std::unexpected(st.error());
  (*st)
      ->Bind(1, d.id)
      .Bind(2, d.service)
      .Bind(3, d.environment)
      .Bind(4, ToUnixMicros(d.triggered_at))
      .Bind(5, Micros(d.finished_at))
      .Bind(6, dora::DeployStatusName(d.status))
      .Bind(7, d.commit_sha)
      .Bind(8, Micros(d.committed_at))
      .Bind(9, d.url)
      .Bind(10, d.source)
      .Bind(11, ToUnixMicros(d.received_at));
  if (auto ok = (*st)->Run(); !ok) return std::unexpected(ok.error());
  return conn.LastInsertId();
}

std::string JsonList(const std::vector<std::string>& items) {
  json::array a;
  for (const auto& s : items) a.emplace_back(s);
  return json::Serialize(a);
}

Result<std::vector<SeqDeployment>> QueryDeployments(Connection& conn, const DeploymentFilter& f,
                                                    bool oldest_first) {
  std::string sql = std::string("SELECT ") + kDeploymentColumns + " FROM deployments WHERE 1";
  if (!f.services.empty()) sql += " AND service IN (SELECT value FROM json_each(?1))";
  if (f.environment) sql += " AND environment = ?2";
  if (f.since) sql += " AND triggered_at >= ?3";
  if (f.until) sql += " AND triggered_at < ?4";
  sql += oldest_first ? " ORDER BY triggered_at, id" : " ORDER BY triggered_at DESC, id DESC";
  if (f.limit > 0) sql += " LIMIT ?5";
  auto st = conn.Prepare(sql);
  if (!st) return std::unexpected(st.error());
  if (!f.services.empty()) (*st)->Bind(1, JsonList(f.services));
  if (f.environment) (*st)->Bind(2, *f.environment);
  if (f.since) (*st)->Bind(3, ToUnixMicros(*f.since));
  if (f.until) (*st)->Bind(4, ToUnixMicros(*f.until));
  if (f.limit > 0) (*st)->Bind(5, f.limit);
  std::vector<SeqDeployment> out;
  for (;;) {
    auto row = (*st)->Step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    out.emplace_back((*st)->Int(0), ReadDeployment(**st));
  }
  return out;
}

Result<void> EnsureServiceRow(Connection& conn, std::string_view name, Time now) {
  auto st = conn.Prepare(
      "INSERT INTO services (name, created_at) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING");
  if (!st) return std::unexpected(st.error());
  return (*st)->Bind(1, name).Bind(2, ToUnixMicros(now)).Run();
}

Result<std::vector<std::string>> TeamServices(Connection& conn, std::string_view team) {
  auto st = conn.Prepare("SELECT name FROM services WHERE team = ?1 ORDER BY name");
  if (!st) return std::unexpected(st.error());
  (*st)->Bind(1, team);
  std::vector<std::string> out;
  auto ok = EachRow(**st, [&](const Statement& r) { out.push_back(r.Text(0)); });
  if (!ok) return std::unexpected(ok.error());
  return out;
}

}  // namespace im::store::sqlite

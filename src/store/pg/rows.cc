#include "store/pg/rows.h"

#include "common/json.h"
#include "common/time.h"

namespace im::store::pg {
namespace {

// The advisory lock ("im-tl") a transaction holds from its first timeline entry to its end.
constexpr int64_t kTimelineLock = 0x696d2d746c;

std::string PgListJson(const std::vector<std::string>& items) {
  json::array a;
  for (const auto& s : items) a.emplace_back(s);
  return json::Serialize(a);
}

std::string PgMapJson(const std::map<std::string, std::string>& items) {
  json::object o;
  for (const auto& [k, v] : items) o[k] = v;
  return json::Serialize(o);
}

// Columns written by us; a row that does not parse is a corrupted store, which is a bug.
std::vector<std::string> PgListFromJson(const std::string& text) {
  std::vector<std::string> out;
  if (text.empty() || text == "[]") return out;
  auto v = json::Parse(text);
  if (v && v->is_array()) {
    for (const auto& item : v->as_array()) {
      if (item.is_string()) out.emplace_back(item.as_string());
    }
  }
  return out;
}

std::map<std::string, std::string> PgMapFromJson(const std::string& text) {
  std::map<std::string, std::string> out;
  if (text.empty() || text == "{}") return out;
  auto v = json::Parse(text);
  if (v && v->is_object()) {
    for (const auto& kv : v->as_object()) {
      if (kv.value().is_string()) out[std::string(kv.key())] = kv.value().as_string();
    }
  }
  return out;
}

std::optional<int64_t> PgMicros(const std::optional<Time>& t) {
  return t ? std::optional<int64_t>(ToUnixMicros(*t)) : std::nullopt;
}

// $1..$22 in the column order of kPgWriteColumns.
void AddIncidentParams(Params& p, const core::Incident& i) {
  p.Add(i.title)
      .Add(i.description)
      .Add(static_cast<int64_t>(i.severity))
      .Add(core::UrgencyName(i.urgency))
      .Add(core::StatusName(i.status))
      .Add(PgListJson(i.services))
      .Add(PgListJson(i.assignees))
      .Add(PgMapJson(i.custom_fields))
      .Add(ToUnixMicros(i.created_at))
      .Add(i.created_by)
      .Add(PgMicros(i.acknowledged_at))
      .Add(i.acknowledged_by)
      .Add(PgMicros(i.resolved_at))
      .Add(i.resolved_by)
      .Add(PgMicros(i.closed_at))
      .Add(i.closed_by)
      .Add(int64_t{i.ack_sla_breached})
      .Add(int64_t{i.resolve_sla_breached})
      .Add(i.source)
      .Add(ToUnixMicros(i.updated_at))
      .Add(i.version)
      .Add(int64_t{i.in_metrics});
}

Result<void> PgIndexServices(Connection& conn, const core::Incident& i) {
  if (auto ok =
          conn.Run("DELETE FROM incident_services WHERE incident = $1", Params().Add(i.number));
      !ok) {
    return ok;
  }
  for (const auto& s : i.services) {
    if (auto ok = conn.Run("INSERT INTO incident_services (incident, service) VALUES ($1, $2)",
                           Params().Add(i.number).Add(s));
        !ok) {
      return ok;
    }
  }
  return Ok();
}

constexpr const char* kPgIncidentColumns =
    "number, title, description, severity, urgency, status, services, assignees, custom_fields, "
    "created_at, created_by, acknowledged_at, acknowledged_by, resolved_at, resolved_by, "
    "closed_at, closed_by, ack_sla_breached, resolve_sla_breached, source, updated_at, version, "
    "synced_with, in_metrics";

}  // namespace

core::Incident ReadIncident(const PgResult& r, int row) {
  core::Incident i;
  i.number = r.Int(row, 0);
  i.title = r.Text(row, 1);
  i.description = r.Text(row, 2);
  i.severity = static_cast<core::Severity>(r.Int(row, 3));
  i.urgency = r.Text(row, 4) == "high" ? core::Urgency::kHigh : core::Urgency::kLow;
  i.status = core::ParseStatus(r.Text(row, 5)).value_or(core::Status::kOpen);
  i.services = PgListFromJson(r.Text(row, 6));
  i.assignees = PgListFromJson(r.Text(row, 7));
  i.custom_fields = PgMapFromJson(r.Text(row, 8));
  i.created_at = FromUnixMicros(r.Int(row, 9));
  i.created_by = r.Text(row, 10);
  i.acknowledged_at = r.OptTime(row, 11);
  i.acknowledged_by = r.Text(row, 12);
  i.resolved_at = r.OptTime(row, 13);
  i.resolved_by = r.Text(row, 14);
  i.closed_at = r.OptTime(row, 15);
  i.closed_by = r.Text(row, 16);
  i.ack_sla_breached = r.Int(row, 17) != 0;
  i.resolve_sla_breached = r.Int(row, 18) != 0;
  i.source = r.Text(row, 19);
  i.updated_at = FromUnixMicros(r.Int(row, 20));
  i.version = r.Int(row, 21);
  i.synced_with = r.Text(row, 22);
  i.in_metrics = r.Int(row, 23) != 0;
  return i;
}

Result<core::Incident> LoadIncident(Connection& conn, int64_t number, bool for_update) {
  std::string sql =
      std::string("SELECT ") + kPgIncidentColumns + " FROM incidents WHERE number = $1";
  if (for_update) sql += " FOR UPDATE";
  auto r = conn.Query(sql, Params().Add(number));
  if (!r) return std::unexpected(r.error());
  if (r->rows() == 0) {
    return Fail(ErrorCode::kNotFound,
                core::IncidentId(number) + " does not exist; list incidents with `im incidents`");
  }
  return ReadIncident(*r, 0);
}

Result<int64_t> InsertIncidentRow(Connection& conn, const core::Incident& incident) {
  Params p;
  AddIncidentParams(p, incident);
  auto r = conn.Query(
      "INSERT INTO incidents (title, description, severity, urgency, status, services, "
      "assignees, custom_fields, created_at, created_by, acknowledged_at, acknowledged_by, "
      "resolved_at, resolved_by, closed_at, closed_by, ack_sla_breached, resolve_sla_breached, "
      "source, updated_at, version, in_metrics) VALUES "
      "($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22) "
      "RETURNING number",
      p);
  if (!r) return std::unexpected(r.error());
  core::Incident stored = incident;
  stored.number = r->Int(0, 0);
  if (auto ok = PgIndexServices(conn, stored); !ok) return std::unexpected(ok.error());
  if (conn.observed_writes) {
    conn.observed_writes->push_back({.before = std::nullopt, .after = stored});
  }
  return stored.number;
}

Result<void> UpdateIncidentRow(Connection& conn, const core::Incident& incident) {
  auto before = conn.Query(
      "SELECT services, status, ack_sla_breached, resolve_sla_breached FROM incidents "
      "WHERE number = $1 FOR UPDATE",
      Params().Add(incident.number));
  if (!before) return std::unexpected(before.error());
  if (before->rows() == 0) {
    return Fail(ErrorCode::kNotFound, core::IncidentId(incident.number) + " does not exist");
  }
  std::string services = PgListJson(incident.services);
  bool same_services = before->Text(0, 0) == services;
  if (conn.observed_writes) {
    conn.observed_writes->push_back(
        {.before =
             IncidentWrite::Before{
                 .status = core::ParseStatus(before->Text(0, 1)).value_or(core::Status::kOpen),
                 .ack_sla_breached = before->Int(0, 2) != 0,
                 .resolve_sla_breached = before->Int(0, 3) != 0},
         .after = incident});
  }
  Params p;
  AddIncidentParams(p, incident);
  p.Add(incident.number);
  auto ok = conn.Run(
      "UPDATE incidents SET title=$1, description=$2, severity=$3, urgency=$4, status=$5, "
      "services=$6, assignees=$7, custom_fields=$8, created_at=$9, created_by=$10, "
      "acknowledged_at=$11, acknowledged_by=$12, resolved_at=$13, resolved_by=$14, "
      "closed_at=$15, closed_by=$16, ack_sla_breached=$17, resolve_sla_breached=$18, "
      "source=$19, updated_at=$20, version=$21, in_metrics=$22 WHERE number=$23",
      p);
  if (!ok) return ok;
  return same_services ? Ok() : PgIndexServices(conn, incident);
}

Result<void> InsertTimelineRows(Connection& conn, int64_t number,
                                const std::vector<core::TimelineEntry>& entries) {
  if (entries.empty()) return Ok();
  if (!conn.holds_timeline_lock) {
    if (auto ok = conn.Run("SELECT pg_advisory_xact_lock($1)", Params().Add(kTimelineLock)); !ok) {
      return ok;
    }
    conn.holds_timeline_lock = true;
  }
  for (const auto& e : entries) {
    Params p;
    p.Add(number)
        .Add(ToUnixMicros(e.at))
        .Add(core::EntryKindName(e.kind))
        .Add(e.actor)
        .Add(e.message)
        .Add(e.source);
    if (e.external_key.empty()) {
      p.AddNull();
    } else {
      p.Add(e.external_key);
    }
    if (auto ok = conn.Run(
            "INSERT INTO timeline (incident, at, kind, actor, message, source, external_key) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
            p);
        !ok) {
      return ok;
    }
  }
  return Ok();
}

std::string IncidentQuery(const IncidentFilter& f, Params& p, bool for_update) {
  // Built from fixed fragments only; every value is a parameter.
  std::string sql = std::string("SELECT ") + kPgIncidentColumns + " FROM incidents WHERE true";
  auto next = [&] { return "$" + std::to_string(p.size()); };
  auto in_list = [&](std::string_view column, auto values, auto add) {
    sql += " AND ";
    sql += column;
    sql += " IN (";
    bool first = true;
    for (const auto& v : values) {
      add(v);
      sql += (first ? "" : ",") + next();
      first = false;
    }
    sql += ")";
  };
  if (!f.statuses.empty()) {
    in_list("status", f.statuses, [&](core::Status s) { p.Add(core::StatusName(s)); });
  }
  if (!f.severities.empty()) {
    in_list("severity", f.severities, [&](core::Severity s) { p.Add(static_cast<int64_t>(s)); });
  }
  if (!f.sources.empty()) {
    in_list("source", f.sources, [&](const std::string& s) { p.Add(s); });
  }
  if (!f.services.empty()) {
    in_list("number IN (SELECT incident FROM incident_services WHERE service", f.services,
            [&](const std::string& s) { p.Add(s); });
    sql += ")";
  }
  if (f.since) {
    p.Add(ToUnixMicros(*f.since));
    sql += " AND created_at >= " + next();
  }
  if (f.until) {
    p.Add(ToUnixMicros(*f.until));
    sql += " AND created_at < " + next();
  }
  if (f.before_number > 0) {
    p.Add(f.before_number);
    sql += " AND number < " + next();
  }
  sql += " ORDER BY number DESC";
  if (f.limit > 0) {
    p.Add(f.limit);
    sql += " LIMIT " + next();
  }
  if (for_update) sql += " FOR UPDATE";
  return sql;
}

Result<std::vector<core::Incident>> QueryIncidents(Connection& conn, const IncidentFilter& f,
                                                   bool for_update) {
  Params p;
  std::string sql = IncidentQuery(f, p, for_update);
  auto r = conn.Query(sql, p);
  if (!r) return std::unexpected(r.error());
  std::vector<core::Incident> out;
  out.reserve(static_cast<size_t>(r->rows()));
  for (int i = 0; i < r->rows(); ++i) out.push_back(ReadIncident(*r, i));
  return out;
}

Result<IncidentWithTimeline> LoadIncidentWithTimeline(Connection& conn, int64_t number) {
  // One statement, so one snapshot and one round trip: the incident's columns on every row of
  // its timeline (or on one row of NULLs when it has none).
  static const std::string sql = [] {
    std::string cols;
    std::string all = kPgIncidentColumns;
    for (size_t start = 0; start < all.size();) {
      size_t end = all.find(',', start);
      if (end == std::string::npos) end = all.size();
      std::string col = all.substr(start, end - start);
      while (!col.empty() && col.front() == ' ') col.erase(0, 1);
      cols += (cols.empty() ? "i." : ", i.") + col;
      start = end + 1;
    }
    return "SELECT " + cols +
           ", t.id, t.at, t.kind, t.actor, t.message, t.source, t.external_key FROM incidents i "
           "LEFT JOIN timeline t ON t.incident = i.number WHERE i.number = $1 ORDER BY t.at, t.id";
  }();
  auto r = conn.Query(sql, Params().Add(number));
  if (!r) return std::unexpected(r.error());
  if (r->rows() == 0) {
    return Fail(ErrorCode::kNotFound,
                core::IncidentId(number) + " does not exist; list incidents with `im incidents`");
  }
  IncidentWithTimeline out{.incident = ReadIncident(*r, 0)};
  constexpr int kT = 24;  // the first timeline column
  for (int i = 0; i < r->rows(); ++i) {
    if (r->IsNull(i, kT)) continue;
    out.timeline.push_back(core::TimelineEntry{
        .id = r->Int(i, kT),
        .at = FromUnixMicros(r->Int(i, kT + 1)),
        .kind = core::ParseEntryKind(r->Text(i, kT + 2)).value_or(core::EntryKind::kNote),
        .actor = r->Text(i, kT + 3),
        .message = r->Text(i, kT + 4),
        .source = r->Text(i, kT + 5),
        .external_key = r->Text(i, kT + 6),
    });
  }
  return out;
}

Result<std::vector<core::TimelineEntry>> QueryTimeline(Connection& conn, int64_t number) {
  auto r = conn.Query(
      "SELECT id, at, kind, actor, message, source, external_key FROM timeline WHERE "
      "incident = $1 ORDER BY at, id",
      Params().Add(number));
  if (!r) return std::unexpected(r.error());
  std::vector<core::TimelineEntry> out;
  for (int i = 0; i < r->rows(); ++i) {
    out.push_back(core::TimelineEntry{
        .id = r->Int(i, 0),
        .at = FromUnixMicros(r->Int(i, 1)),
        .kind = core::ParseEntryKind(r->Text(i, 2)).value_or(core::EntryKind::kNote),
        .actor = r->Text(i, 3),
        .message = r->Text(i, 4),
        .source = r->Text(i, 5),
        .external_key = r->Text(i, 6),
    });
  }
  return out;
}

namespace {
core::Service PgReadService(const PgResult& r, int i) {
  return core::Service{.name = r.Text(i, 0),
                       .description = r.Text(i, 1),
                       .team = r.Text(i, 2),
                       .owner = r.Text(i, 3),
                       .created_at = FromUnixMicros(r.Int(i, 4))};
}
}  // namespace

Result<std::vector<core::Service>> QueryServices(Connection& conn) {
  auto r =
      conn.Query("SELECT name, description, team, owner, created_at FROM services ORDER BY name");
  if (!r) return std::unexpected(r.error());
  std::vector<core::Service> out;
  for (int i = 0; i < r->rows(); ++i) out.push_back(PgReadService(*r, i));
  return out;
}

Result<core::Service> LoadService(Connection& conn, const std::string& name) {
  auto r =
      conn.Query("SELECT name, description, team, owner, created_at FROM services WHERE name = $1",
                 Params().Add(name));
  if (!r) return std::unexpected(r.error());
  if (r->rows() == 0) {
    return Fail(ErrorCode::kNotFound,
                "service '" + name + "' does not exist; list services with `im services`");
  }
  return PgReadService(*r, 0);
}

Result<std::vector<core::ApiToken>> QueryTokens(Connection& conn, const std::string& hash) {
  std::string sql =
      "SELECT id, name, prefix, hash, created_at, created_by, revoked_at, last_used_at "
      "FROM api_tokens";
  Params p;
  if (hash.empty()) {
    sql += " ORDER BY id";
  } else {
    sql += " WHERE hash = $1";
    p.Add(hash);
  }
  auto r = conn.Query(sql, p);
  if (!r) return std::unexpected(r.error());
  std::vector<core::ApiToken> out;
  for (int i = 0; i < r->rows(); ++i) {
    out.push_back(core::ApiToken{.id = r->Int(i, 0),
                                 .name = r->Text(i, 1),
                                 .hint = r->Text(i, 2),  // column "prefix", from before
                                 .hash = r->Text(i, 3),
                                 .created_at = FromUnixMicros(r->Int(i, 4)),
                                 .created_by = r->Text(i, 5),
                                 .revoked_at = r->OptTime(i, 6),
                                 .last_used_at = r->OptTime(i, 7)});
  }
  return out;
}

}  // namespace im::store::pg

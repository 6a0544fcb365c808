#include "store/sqlite/rows.h"

#include "common/json.h"
#include "common/time.h"

namespace im::store::sqlite {
namespace {

std::string ToJson(const std::vector<std::string>& items) {
  json::array a;
  for (const auto& s : items) a.emplace_back(s);
  return json::Serialize(a);
}

std::string ToJson(const std::map<std::string, std::string>& items) {
  json::object o;
  for (const auto& [k, v] : items) o[k] = v;
  return json::Serialize(o);
}

// Columns written by us; a row that does not parse is a corrupted store, which is a bug.
std::vector<std::string> ListFromJson(const std::string& text) {
  std::vector<std::string> out;
  if (text.empty() || text == "[]") return out;  // most assignee lists: no parse needed
  auto v = json::Parse(text);
  if (v && v->is_array()) {
    for (const auto& item : v->as_array()) {
      if (item.is_string()) out.emplace_back(item.as_string());
    }
  }
  return out;
}

std::map<std::string, std::string> MapFromJson(const std::string& text) {
  std::map<std::string, std::string> out;
  if (text.empty() || text == "{}") return out;  // most custom fields: no parse needed
  auto v = json::Parse(text);
  if (v && v->is_object()) {
    for (const auto& kv : v->as_object()) {
      if (kv.value().is_string()) out[std::string(kv.key())] = kv.value().as_string();
    }
  }
  return out;
}

void BindIncident(Statement& st, const core::Incident& i) {
  st.Bind(1, i.title)
      .Bind(2, i.description)
      .Bind(3, static_cast<int64_t>(i.severity))
      .Bind(4, core::UrgencyName(i.urgency))
      .Bind(5, core::StatusName(i.status))
      .Bind(6, ToJson(i.services))
      .Bind(7, ToJson(i.assignees))
      .Bind(8, ToJson(i.custom_fields))
      .Bind(9, ToUnixMicros(i.created_at))
      .Bind(10, i.created_by)
      .Bind(11, Micros(i.acknowledged_at))
      .Bind(12, i.acknowledged_by)
      .Bind(13, Micros(i.resolved_at))
      .Bind(14, i.resolved_by)
      .Bind(15, Micros(i.closed_at))
      .Bind(16, i.closed_by)
      .Bind(17, int64_t{i.ack_sla_breached})
      .Bind(18, int64_t{i.resolve_sla_breached})
      .Bind(19, i.source)
      .Bind(20, ToUnixMicros(i.updated_at))
      .Bind(21, i.version)
      .Bind(22, int64_t{i.in_metrics});
}

Result<void> IndexServices(Connection& conn, const core::Incident& i) {
  auto del = conn.Prepare("DELETE FROM incident_services WHERE incident = ?1");
  if (!del) return std::unexpected(del.error());
  if (auto ok = (*del)->Bind(1, i.number).Run(); !ok) return ok;
  for (const auto& s : i.services) {
    auto ins = conn.Prepare("INSERT INTO incident_services (incident, service) VALUES (?1, ?2)");
    if (!ins) return std::unexpected(ins.error());
    if (auto ok = (*ins)->Bind(1, i.number).Bind(2, s).Run(); !ok) return ok;
  }
  return Ok();
}

}  // namespace

const char* const kIncidentColumns =
    "number, title, description, severity, urgency, status, services, assignees, custom_fields, "
    "created_at, created_by, acknowledged_at, acknowledged_by, resolved_at, resolved_by, "
    "closed_at, closed_by, ack_sla_breached, resolve_sla_breached, source, updated_at, version, "
    "synced_with, in_metrics";

core::Incident ReadIncident(const Statement& st) {
  core::Incident i;
  i.number = st.Int(0);
  i.title = st.Text(1);
  i.description = st.Text(2);
  i.severity = static_cast<core::Severity>(st.Int(3));
  i.urgency = st.Text(4) == "high" ? core::Urgency::kHigh : core::Urgency::kLow;
  i.status = core::ParseStatus(st.Text(5)).value_or(core::Status::kOpen);
  i.services = ListFromJson(st.Text(6));
  i.assignees = ListFromJson(st.Text(7));
  i.custom_fields = MapFromJson(st.Text(8));
  i.created_at = FromUnixMicros(st.Int(9));
  i.created_by = st.Text(10);
  i.acknowledged_at = OptTime(st, 11);
  i.acknowledged_by = st.Text(12);
  i.resolved_at = OptTime(st, 13);
  i.resolved_by = st.Text(14);
  i.closed_at = OptTime(st, 15);
  i.closed_by = st.Text(16);
  i.ack_sla_breached = st.Int(17) != 0;
  i.resolve_sla_breached = st.Int(18) != 0;
  i.source = st.Text(19);
  i.updated_at = FromUnixMicros(st.Int(20));
  i.version = st.Int(21);
  i.synced_with = st.Text(22);
  i.in_metrics = st.Int(23) != 0;
  return i;
}

Result<core::Incident> LoadIncident(Connection& conn, int64_t number) {
  static const std::string sql =
      std::string("SELECT ") + kIncidentColumns + " FROM incidents WHERE number = ?1";
  auto st = conn.Prepare(sql);
  if (!st) return std::unexpected(st.error());
  (*st)->Bind(1, number);
  auto row = (*st)->Step();
  if (!row) return std::unexpected(row.error());
  if (!*row) {
    return Fail(ErrorCode::kNotFound,
                core::IncidentId(number) + " does not exist; list incidents with `im incidents`");
  }
  return ReadIncident(**st);
}

Result<int64_t> InsertIncidentRow(Connection& conn, const core::Incident& incident) {
  auto st = conn.Prepare(
      "INSERT INTO incidents (title, description, severity, urgency, status, services, "
      "assignees, custom_fields, created_at, created_by, acknowledged_at, acknowledged_by, "
      "resolved_at, resolved_by, closed_at, closed_by, ack_sla_breached, resolve_sla_breached, "
      "source, updated_at, version, in_metrics) VALUES "
      "(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22)");
  if (!st) return std::unexpected(st.error());
  BindIncident(**st, incident);
  if (auto ok = (*st)->Run(); !ok) return std::unexpected(ok.error());
  core::Incident stored = incident;
  stored.number = conn.LastInsertId();
  if (auto ok = IndexServices(conn, stored); !ok) return std::unexpected(ok.error());
  if (conn.observed_writes)
    conn.observed_writes->push_back({.before = std::nullopt, .after = stored});
  return stored.number;
}

Result<void> UpdateIncidentRow(Connection& conn, const core::Incident& incident) {
  auto st = conn.Prepare(
      "UPDATE incidents SET title=?1, description=?2, severity=?3, urgency=?4, status=?5, "
      "services=?6, assignees=?7, custom_fields=?8, created_at=?9, created_by=?10, "
      "acknowledged_at=?11, acknowledged_by=?12, resolved_at=?13, resolved_by=?14, "
      "closed_at=?15, closed_by=?16, ack_sla_breached=?17, resolve_sla_breached=?18, "
      "source=?19, updated_at=?20, version=?21, in_metrics=?22 WHERE number=?23");
  if (!st) return std::unexpected(st.error());
  // Most changes (acknowledge, resolve, a note) keep the services: then their index rows stay,
  // rather than being deleted and written again (pages the commit would write to the WAL).
  auto before = conn.Prepare(
      "SELECT services, status, ack_sla_breached, resolve_sla_breached FROM incidents "
      "WHERE number = ?1");
  if (!before) return std::unexpected(before.error());
  auto found = (*before)->Bind(1, incident.number).Step();
  if (!found) return std::unexpected(found.error());
  if (!*found) {
    return Fail(ErrorCode::kNotFound, core::IncidentId(incident.number) + " does not exist");
  }
  std::string services = ToJson(incident.services);
  bool same_services = (*before)->Text(0) == services;
  if (conn.observed_writes) {
    conn.observed_writes->push_back(
        {.before =
             IncidentWrite::Before{
                 .status = core::ParseStatus((*before)->Text(1)).value_or(core::Status::kOpen),
                 .ack_sla_breached = (*before)->Int(2) != 0,
                 .resolve_sla_breached = (*before)->Int(3) != 0},
         .after = incident});
  }
  before->reset();
  BindIncident(**st, incident);
  (*st)->Bind(23, incident.number);
  if (auto ok = (*st)->Run(); !ok) return ok;
  return same_services ? Ok() : IndexServices(conn, incident);
}

Result<void> InsertTimelineRows(Connection& conn, int64_t number,
                                const std::vector<core::TimelineEntry>& entries) {
  for (const auto& e : entries) {
    auto st = conn.Prepare(
        "INSERT INTO timeline (incident, at, kind, actor, message, source, external_key) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING");
    if (!st) return std::unexpected(st.error());
    (*st)
        ->Bind(1, number)
        .Bind(2, ToUnixMicros(e.at))
        .Bind(3, core::EntryKindName(e.kind))
        .Bind(4, e.actor)
        .Bind(5, e.message)
        .Bind(6, e.source);
    if (e.external_key.empty()) {
      (*st)->BindNull(7);
    } else {
      (*st)->Bind(7, e.external_key);
    }
    if (auto ok = (*st)->Run(); !ok) return ok;
  }
  return Ok();
}

Result<std::vector<core::Incident>> QueryIncidents(Connection& conn, const IncidentFilter& f) {
  std::vector<core::Incident> out;
  auto ok = EachIncident(conn, f, [&](core::Incident i) -> Result<void> {
    out.push_back(std::move(i));
    return Ok();
  });
  if (!ok) return std::unexpected(ok.error());
  return out;
}

Result<void> EachIncident(Connection& conn, const IncidentFilter& f,
                          const std::function<Result<void>(core::Incident)>& visit) {
  // Built from fixed fragments only; every value is bound.
  std::string sql = std::string("SELECT ") + kIncidentColumns + " FROM incidents WHERE 1=1";
  std::vector<std::string> texts;
  std::vector<int64_t> ints;
  std::vector<std::pair<bool, size_t>> order;  // (is_text, index) per placeholder
  auto text = [&](std::string v) {
    texts.push_back(std::move(v));
    order.emplace_back(true, texts.size() - 1);
  };
  auto integer = [&](int64_t v) {
    ints.push_back(v);
    order.emplace_back(false, ints.size() - 1);
  };
  auto in_list = [&](std::string_view column, size_t n) {
    sql += " AND ";
    sql += column;
    sql += " IN (";
    for (size_t i = 0; i < n; ++i) sql += i ? ",?" : "?";
    sql += ")";
  };
  if (!f.statuses.empty()) {
    in_list("status", f.statuses.size());
    for (auto s : f.statuses) text(std::string(core::StatusName(s)));
  }
  if (!f.severities.empty()) {
    in_list("severity", f.severities.size());
    for (auto s : f.severities) integer(static_cast<int64_t>(s));
  }
  if (!f.sources.empty()) {
    in_list("source", f.sources.size());
    for (const auto& s : f.sources) text(s);
  }
  if (!f.services.empty()) {
    sql += " AND number IN (SELECT incident FROM incident_services WHERE service IN (";
    for (size_t i = 0; i < f.services.size(); ++i) sql += i ? ",?" : "?";
    sql += "))";
    for (const auto& s : f.services) text(s);
  }
  if (f.since) {
    sql += " AND created_at >= ?";
    integer(ToUnixMicros(*f.since));
  }
  if (f.until) {
    sql += " AND created_at < ?";
    integer(ToUnixMicros(*f.until));
  }
  if (f.before_number > 0) {
    sql += " AND number < ?";
    integer(f.before_number);
  }
  sql += " ORDER BY number DESC";
  if (f.limit > 0) {
    sql += " LIMIT ?";
    integer(f.limit);
  }
  auto st = conn.Prepare(sql);
  if (!st) return std::unexpected(st.error());
  for (size_t i = 0; i < order.size(); ++i) {
    int idx = static_cast<int>(i + 1);
    if (order[i].first) {
      (*st)->Bind(idx, std::string_view(texts[order[i].second]));
    } else {
      (*st)->Bind(idx, ints[order[i].second]);
    }
  }
  for (;;) {
    auto row = (*st)->Step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return Ok();
    if (auto ok = visit(ReadIncident(**st)); !ok) return ok;
  }
}

Result<std::vector<core::TimelineEntry>> QueryTimeline(Connection& conn, int64_t number) {
  auto st = conn.Prepare(
      "SELECT id, at, kind, actor, message, source, external_key FROM timeline WHERE "
      "incident = ?1 "
      "ORDER BY at, id");
  if (!st) return std::unexpected(st.error());
  (*st)->Bind(1, number);
  std::vector<core::TimelineEntry> out;
  for (;;) {
    auto row = (*st)->Step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    const Statement& s = **st;
    out.push_back(core::TimelineEntry{
        .id = s.Int(0),
        .at = FromUnixMicros(s.Int(1)),
        .kind = core::ParseEntryKind(s.Text(2)).value_or(core::EntryKind::kNote),
        .actor = s.Text(3),
        .message = s.Text(4),
        .source = s.Text(5),
        .external_key = s.Text(6),
    });
  }
  return out;
}

namespace {
core::Service ReadService(const Statement& s) {
  return core::Service{.name = s.Text(0),
                       .description = s.Text(1),
                       .team = s.Text(2),
                       .owner = s.Text(3),
                       .created_at = FromUnixMicros(s.Int(4))};
}
}  // namespace

Result<std::vector<core::Service>> QueryServices(Connection& conn) {
  auto st =
      conn.Prepare("SELECT name, description, team, owner, created_at FROM services ORDER BY name");
  if (!st) return std::unexpected(st.error());
  std::vector<core::Service> out;
  for (;;) {
    auto row = (*st)->Step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    out.push_back(ReadService(**st));
  }
  return out;
}

Result<core::Service> LoadService(Connection& conn, const std::string& name) {
  auto st = conn.Prepare(
      "SELECT name, description, team, owner, created_at FROM services WHERE name = ?1");
  if (!st) return std::unexpected(st.error());
  (*st)->Bind(1, name);
  auto row = (*st)->Step();
  if (!row) return std::unexpected(row.error());
  if (!*row) {
    return Fail(ErrorCode::kNotFound,
                "service '" + name + "' does not exist; list services with `im services`");
  }
  return ReadService(**st);
}

Result<std::vector<core::ApiToken>> QueryTokens(Connection& conn, const std::string& hash) {
  std::string sql =
      "SELECT id, name, prefix, hash, created_at, created_by, revoked_at, last_used_at "
      "FROM api_tokens";
  sql += hash.empty() ? " ORDER BY id" : " WHERE hash = ?1";
  auto st = conn.Prepare(sql);
  if (!st) return std::unexpected(st.error());
  if (!hash.empty()) (*st)->Bind(1, hash);
  std::vector<core::ApiToken> out;
  for (;;) {
    auto row = (*st)->Step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    const Statement& s = **st;
    out.push_back(core::ApiToken{.id = s.Int(0),
                                 .name = s.Text(1),
                                 .hint = s.Text(2),  // column "prefix", from before
                                 .hash = s.Text(3),
                                 .created_at = FromUnixMicros(s.Int(4)),
                                 .created_by = s.Text(5),
                                 .revoked_at = OptTime(s, 6),
                                 .last_used_at = OptTime(s, 7)});
  }
  return out;
}

}  // namespace im::store::sqlite

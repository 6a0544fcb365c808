// Attribution rows. The deployments' `incidents` column counts the attribution rows pointing at
// each deployment, so the change failure rate is read from the covering index alone.
#include "store/sqlite/attribution_rows.h"

#include "common/time.h"
#include "core/incident.h"

namespace im::store::sqlite {
namespace {

struct Current {
  std::optional<int64_t> deployment;
  std::string service;
  bool manual = false;
};

Result<std::optional<Current>> LoadCurrent(Connection& conn, int64_t incident) {
  auto st = conn.Prepare(
      "SELECT deployment, service, manual FROM deployment_attributions WHERE incident = ?1");
  if (!st) return std::unexpected(st.error());
  (*st)->Bind(1, incident);
  auto row = (*st)->Step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<Current>();
  return std::optional<Current>(Current{(*st)->OptionalInt(0), (*st)->Text(1), (*st)->Int(2) != 0});
}

Result<void> Count(Connection& conn, std::optional<int64_t> seq, int64_t delta) {
  if (!seq) return Ok();
  auto st = conn.Prepare("UPDATE deployments SET incidents = incidents + ?2 WHERE seq = ?1");
  if (!st) return std::unexpected(st.error());
  return (*st)->Bind(1, *seq).Bind(2, delta).Run();
}

// Replaces the incident's row (or removes it when `deployment` is null and not manual).
Result<void> Store(Connection& conn, int64_t incident, const std::optional<Current>& old,
                   std::optional<int64_t> deployment, std::string_view service, bool manual,
                   std::string_view actor, Time at) {
  if (auto ok = Count(conn, old ? old->deployment : std::nullopt, -1); !ok) return ok;
  if (auto ok = Count(conn, deployment, +1); !ok) return ok;
  if (!deployment && !manual) {
    auto del = conn.Prepare("DELETE FROM deployment_attributions WHERE incident = ?1");
    if (!del) return std::unexpected(del.error());
    return (*del)->Bind(1, incident).Run();
  }
  auto st = conn.Prepare(
      "INSERT OR REPLACE INTO deployment_attributions (incident, deployment, service, manual, "
      "actor, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!st) return std::unexpected(st.error());
  return (*st)
      ->Bind(1, incident)
      .Bind(2, deployment)
      .Bind(3, service)
      .Bind(4, int64_t{manual})
      .Bind(5, actor)
      .Bind(6, ToUnixMicros(at))
      .Run();
}

Result<std::vector<std::string>> ServicesOf(Connection& conn, int64_t incident) {
  auto st = conn.Prepare("SELECT service FROM incident_services WHERE incident = ?1");
  if (!st) return std::unexpected(st.error());
  (*st)->Bind(1, incident);
  std::vector<std::string> out;
  auto ok = EachRow(**st, [&](const Statement& r) { out.push_back(r.Text(0)); });
  if (!ok) return std::unexpected(ok.error());
  return out;
}

Result<std::optional<std::string>> StateValue(Connection& conn, std::string_view key) {
  auto st = conn.Prepare("SELECT value FROM dora_state WHERE key = ?1");
  if (!st) return std::unexpected(st.error());
  (*st)->Bind(1, key);
  auto row = (*st)->Step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>((*st)->Text(0));
}

Result<void> SetState(Connection& conn, std::string_view key, std::string_view value) {
  auto st = conn.Prepare("INSERT OR REPLACE INTO dora_state (key, value) VALUES (?1, ?2)");
  if (!st) return std::unexpected(st.error());
  return (*st)->Bind(1, key).Bind(2, value).Run();
}

std::string SettingsKey(const AttributionSettings& s) {
  return std::to_string(s.window.before.count()) + "/" + std::to_string(s.window.after.count()) +
         "/" + s.environment;
}

Result<int64_t> Watermark(Connection& conn) {
  auto v = StateValue(conn, "attributed_through");
  if (!v) return std::unexpected(v.error());
  return *v ? std::strtoll((*v)->c_str(), nullptr, 10) : int64_t{0};
}

// Forgets every attribution made by the rule, to be made again under new settings.
Result<void> ForgetAutomatic(Connection& conn, const AttributionSettings& settings) {
  for (const char* sql :
       {"DELETE FROM deployment_attributions WHERE manual = 0",
        "UPDATE deployments SET incidents = (SELECT count(*) FROM deployment_attributions a "
        "WHERE a.deployment = deployments.seq) WHERE incidents != 0"}) {
    if (auto ok = conn.Exec(sql); !ok) return ok;
  }
  if (auto ok = SetState(conn, "attributed_through", "0"); !ok) return ok;
  return SetState(conn, "settings", SettingsKey(settings));
}

}  // namespace

Result<bool> Reattribute(Connection& conn, int64_t incident, Time created,
                         const AttributionSettings& settings) {
  auto old = LoadCurrent(conn, incident);
  if (!old) return std::unexpected(old.error());
  if (*old && (*old)->manual) return false;
  auto services = ServicesOf(conn, incident);
  if (!services) return std::unexpected(services.error());
  std::vector<dora::Candidate> candidates;
  for (const auto& s : *services) {
    auto st = conn.Prepare(
        "SELECT seq, id, triggered_at FROM deployments WHERE service = ?1 AND environment = ?2 "
        "AND status = 'success' AND triggered_at BETWEEN ?3 AND ?4");
    if (!st) return std::unexpected(st.error());
    (*st)->Bind(1, s).Bind(2, settings.environment);
    (*st)->Bind(3, ToUnixMicros(dora::EarliestCandidate(created, settings.window)));
    (*st)->Bind(4, ToUnixMicros(dora::LatestCandidate(created, settings.window)));
    for (;;) {
      auto row = (*st)->Step();
      if (!row) return std::unexpected(row.error());
      if (!*row) break;
      candidates.push_back({(*st)->Int(0), (*st)->Text(1), s, FromUnixMicros((*st)->Int(2))});
    }
  }
  auto pick = dora::ChooseDeployment(created, candidates, settings.window);
  std::optional<int64_t> seq;
  std::string service;
  if (pick) {
    seq = candidates[*pick].seq;
    service = candidates[*pick].service;
  }
  const std::optional<int64_t> was = *old ? (*old)->deployment : std::nullopt;
  if (was == seq && (!*old || (*old)->service == service)) return false;
  if (auto ok = Store(conn, incident, *old, seq, service, false, "", created); !ok) {
    return std::unexpected(ok.error());
  }
  return true;
}

Result<int64_t> ReattributeAround(Connection& conn, std::string_view service, Time triggered_at,
                                  const AttributionSettings& settings) {
  // Incidents created in [triggered − before, triggered + after], found through the created_at
  // index (a few hours of incidents) and then checked for the service by primary key.
  std::vector<std::pair<int64_t, Time>> incidents;
  {
    auto st = conn.Prepare(
        "SELECT i.number, i.created_at FROM incidents i CROSS JOIN incident_services s "
        "ON s.service = ?1 AND s.incident = i.number WHERE i.created_at BETWEEN ?2 AND ?3");
    if (!st) return std::unexpected(st.error());
    (*st)->Bind(1, service);
    (*st)->Bind(2, ToUnixMicros(triggered_at - settings.window.before));
    (*st)->Bind(3, ToUnixMicros(triggered_at + settings.window.after));
    for (;;) {
      auto row = (*st)->Step();
      if (!row) return std::unexpected(row.error());
      if (!*row) break;
      incidents.emplace_back((*st)->Int(0), FromUnixMicros((*st)->Int(1)));
    }
  }
  int64_t changed = 0;
  for (const auto& [number, created] : incidents) {
    auto c = Reattribute(conn, number, created, settings);
    if (!c) return std::unexpected(c.error());
    changed += *c ? 1 : 0;
  }
  return changed;
}

Result<bool> NeedsCatchUp(Connection& conn, const AttributionSettings& settings) {
  auto key = StateValue(conn, "settings");
  if (!key) return std::unexpected(key.error());
  if (*key != SettingsKey(settings)) return true;
  auto mark = Watermark(conn);
  if (!mark) return std::unexpected(mark.error());
  auto st = conn.Prepare("SELECT max(number) FROM incidents");
  if (!st) return std::unexpected(st.error());
  auto row = (*st)->Step();
  if (!row) return std::unexpected(row.error());
  return (*st)->Int(0) > *mark;
}

Result<int64_t> CatchUpBatch(Connection& conn, const AttributionSettings& settings, int64_t batch) {
  auto key = StateValue(conn, "settings");
  if (!key) return std::unexpected(key.error());
  if (*key != SettingsKey(settings)) {
    if (auto ok = ForgetAutomatic(conn, settings); !ok) return std::unexpected(ok.error());
  }
  auto mark = Watermark(conn);
  if (!mark) return std::unexpected(mark.error());
  std::vector<std::pair<int64_t, Time>> incidents;
  {
    auto st = conn.Prepare(
        "SELECT number, created_at FROM incidents WHERE number > ?1 ORDER BY number LIMIT ?2");
    if (!st) return std::unexpected(st.error());
    (*st)->Bind(1, *mark).Bind(2, batch);
    for (;;) {
      auto row = (*st)->Step();
      if (!row) return std::unexpected(row.error());
      if (!*row) break;
      incidents.emplace_back((*st)->Int(0), FromUnixMicros((*st)->Int(1)));
    }
  }
  if (incidents.empty()) return 0;
  for (const auto& [number, created] : incidents) {
    if (auto c = Reattribute(conn, number, created, settings); !c) {
      return std::unexpected(c.error());
    }
  }
  if (auto ok = SetState(conn, "attributed_through", std::to_string(incidents.back().first)); !ok) {
    return std::unexpected(ok.error());
  }
  return static_cast<int64_t>(incidents.size());
}

Result<void> SetManual(Connection& conn, int64_t incident, std::optional<int64_t> deployment_seq,
                       std::string_view actor, Time at) {
  auto old = LoadCurrent(conn, incident);
  if (!old) return std::unexpected(old.error());
  return Store(conn, incident, *old, deployment_seq, "", true, actor, at);
}

Result<void> ClearManual(Connection& conn, int64_t incident) {
  auto old = LoadCurrent(conn, incident);
  if (!old) return std::unexpected(old.error());
  if (!*old || !(*old)->manual) return Ok();
  return Store(conn, incident, *old, std::nullopt, "", false, "", Time{});
}

Result<Time> IncidentCreatedAt(Connection& conn, int64_t incident) {
  auto st = conn.Prepare("SELECT created_at FROM incidents WHERE number = ?1");
  if (!st) return std::unexpected(st.error());
  (*st)->Bind(1, incident);
  auto row = (*st)->Step();
  if (!row) return std::unexpected(row.error());
  if (!*row) {
    return Fail(ErrorCode::kNotFound,
                core::IncidentId(incident) + " does not exist; list incidents with `im incidents`");
  }
  return FromUnixMicros((*st)->Int(0));
}

}  // namespace im::store::sqlite

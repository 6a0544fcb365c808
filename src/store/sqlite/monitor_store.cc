#include "store/sqlite/monitor_store.h"

#include "common/json.h"
#include "common/time.h"

namespace im::store::sqlite {
namespace {

constexpr const char* kMonitorColumns =
    "SELECT id, name, definition, paused, state, coalesce(heartbeat_token, ''), "
    "last_heartbeat_at, last_check_at, created_at, updated_at FROM monitors ";

StoredMonitor ReadMonitorRow(const Statement& st) {
  return StoredMonitor{.id = st.Int(0),
                       .name = st.Text(1),
                       .definition = st.Text(2),
                       .paused = st.Int(3) != 0,
                       .state = st.Text(4),
                       .heartbeat_token = st.Text(5),
                       .last_heartbeat_at = OptTime(st, 6),
                       .last_check_at = OptTime(st, 7),
                       .created_at = FromUnixMicros(st.Int(8)),
                       .updated_at = FromUnixMicros(st.Int(9))};
}

Result<StoredMonitor> LoadMonitorWhere(Connection& c, const std::string& where,
                                       const std::function<void(Statement&)>& bind,
                                       const std::string& what) {
  auto st = c.Prepare(std::string(kMonitorColumns) + where);
  if (!st) return std::unexpected(st.error());
  bind(**st);
  auto row = (*st)->Step();
  if (!row) return std::unexpected(row.error());
  if (!*row) {
    return Fail(ErrorCode::kNotFound, "no monitor " + what + "; list them with `im monitor list`");
  }
  return ReadMonitorRow(**st);
}

Result<void> BindToken(Statement& st, int index, const std::string& token) {
  if (token.empty()) {
    st.BindNull(index);
  } else {
    st.Bind(index, token);
  }
  return Ok();
}

StoredChannel ReadChannelRow(const Statement& st) {
  return StoredChannel{.name = st.Text(0),
                       .type = st.Text(1),
                       .config = st.Text(2),
                       .created_at = FromUnixMicros(st.Int(3))};
}

EventIntegration ReadIntegrationRow(const Statement& st) {
  return EventIntegration{.routing_key = st.Text(0),
                          .name = st.Text(1),
                          .service = st.Text(2),
                          .severity_map = st.Text(3),
                          .created_at = FromUnixMicros(st.Int(4))};
}

// Queues channel notifications in the open transaction, due at `at`.
Result<void> QueueChannelMessages(Connection& c, const std::vector<ChannelMessage>& messages,
                                  Time at) {
  for (const auto& msg : messages) {
    auto q = c.Prepare(
        "INSERT INTO connector_outbox (connector, incident, kind, payload, created_at, "
        "next_attempt_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)");
    if (!q) return std::unexpected(q.error());
    auto done = (*q)->Bind(1, ChannelOutbox(msg.channel))
                    .Bind(2, msg.incident)
                    .Bind(3, msg.kind)
                    .Bind(4, msg.payload)
                    .Bind(5, ToUnixMicros(at))
                    .Run();
    if (!done) return done;
  }
  return Ok();
}

}  // namespace

Result<int64_t> SqliteMonitorStore::AddMonitor(const StoredMonitor& m) {
  return WriteValue(db_, [&](Connection& c) -> Result<int64_t> {
    auto st = c.Prepare(
        "INSERT INTO monitors (name, definition, paused, state, heartbeat_token, created_at, "
        "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)");
    if (!st) return std::unexpected(st.error());
    (*st)->Bind(1, m.name).Bind(2, m.definition).Bind(3, int64_t{m.paused}).Bind(4, m.state);
    (void)BindToken(**st, 5, m.heartbeat_token);
    (*st)->Bind(6, ToUnixMicros(m.created_at));
    if (auto ok = (*st)->Run(); !ok) {
      if (ok.error().code == ErrorCode::kAlreadyExists) {
        return Fail(ErrorCode::kAlreadyExists,
                    "a monitor named '" + m.name +
                        "' exists already; choose another name or change it with `im monitor "
                        "edit`");
      }
      return std::unexpected(ok.error());
    }
    return c.LastInsertId();
  });
}

Result<void> SqliteMonitorStore::UpdateMonitor(const StoredMonitor& m) {
  return db_.WriteWith([&](Connection& c) -> Result<void> {
    auto st = c.Prepare(
        "UPDATE monitors SET name = ?2, definition = ?3, paused = ?4, heartbeat_token = ?5, "
        "updated_at = ?6 WHERE id = ?1");
    if (!st) return std::unexpected(st.error());
    (*st)->Bind(1, m.id).Bind(2, m.name).Bind(3, m.definition).Bind(4, int64_t{m.paused});
    (void)BindToken(**st, 5, m.heartbeat_token);
    (*st)->Bind(6, ToUnixMicros(m.updated_at));
    if (auto ok = (*st)->Run(); !ok) {
      if (ok.error().code == ErrorCode::kAlreadyExists) {
        return Fail(ErrorCode::kAlreadyExists,
                    "a monitor named '" + m.name + "' exists already; choose another name");
      }
      return ok;
    }
    if (sqlite3_changes(c.raw()) != 1) {
      return Fail(ErrorCode::kNotFound, "no monitor with id " + std::to_string(m.id));
    }
    return Ok();
  });
}

Result<void> SqliteMonitorStore::RemoveMonitor(int64_t id,
                                               const std::vector<ChannelMessage>& messages,
                                               Time at) {
  return db_.WriteWith([&](Connection& c) -> Result<void> {
    if (auto ok = QueueChannelMessages(c, messages, at); !ok) return ok;
    auto st = c.Prepare("DELETE FROM monitors WHERE id = ?1");
    if (!st) return std::unexpected(st.error());
    if (auto ok = (*st)->Bind(1, id).Run(); !ok) return ok;
    if (sqlite3_changes(c.raw()) != 1) {
      return Fail(ErrorCode::kNotFound, "no monitor with id " + std::to_string(id));
    }
    auto checks = c.Prepare("DELETE FROM monitor_checks WHERE monitor = ?1");
    if (!checks) return std::unexpected(checks.error());
    return (*checks)->Bind(1, id).Run();
  });
}

Result<StoredMonitor> SqliteMonitorStore::GetMonitor(int64_t id) {
  return ReadValue(db_, [&](Connection& c) {
    return LoadMonitorWhere(
        c, "WHERE id = ?1", [&](Statement& st) { st.Bind(1, id); },
        "with id " + std::to_string(id));
  });
}

Result<StoredMonitor> SqliteMonitorStore::GetMonitorByName(const std::string& name) {
  return ReadValue(db_, [&](Connection& c) {
    return LoadMonitorWhere(
        c, "WHERE name = ?1", [&](Statement& st) { st.Bind(1, name); }, "named '" + name + "'");
  });
}

Result<std::vector<StoredMonitor>> SqliteMonitorStore::ListMonitors() {
  return ReadValue(db_, [&](Connection& c) -> Result<std::vector<StoredMonitor>> {
    auto st = c.Prepare(std::string(kMonitorColumns) + "ORDER BY name");
    if (!st) return std::unexpected(st.error());
    std::vector<StoredMonitor> out;
    auto ok = EachRow(**st, [&](Statement& s) { out.push_back(ReadMonitorRow(s)); });
    if (!ok) return std::unexpected(ok.error());
    return out;
  });
}

Result<std::vector<MonitorStatusRow>> SqliteMonitorStore::ListMonitorStatuses() {
  return ReadValue(db_, [&](Connection& c) -> Result<std::vector<MonitorStatusRow>> {
    // Covered by the monitors_status index (migration 16).
    auto st =
        c.Prepare("SELECT id, name, paused, state, last_check_at FROM monitors ORDER BY name");
    if (!st) return std::unexpected(st.error());
    std::vector<MonitorStatusRow> out;
    auto ok = EachRow(**st, [&](Statement& s) {
      out.push_back(MonitorStatusRow{.id = s.Int(0),
                                     .name = s.Text(1),
                                     .paused = s.Int(2) != 0,
                                     .state = s.Text(3),
                                     .last_check_at = OptTime(s, 4)});
    });
    if (!ok) return std::unexpected(ok.error());
    return out;
  });
}

Result<std::vector<StoredMonitor>> SqliteMonitorStore::GetMonitors(
    const std::vector<int64_t>& ids) {
  return ReadValue(db_, [&](Connection& c) -> Result<std::vector<StoredMonitor>> {
    auto st =
        c.Prepare(std::string(kMonitorColumns) + "WHERE id IN (SELECT value FROM json_each(?1))");
    if (!st) return std::unexpected(st.error());
    json::array list;
    for (int64_t id : ids) list.emplace_back(id);
    (*st)->Bind(1, json::Serialize(list));
    std::vector<StoredMonitor> out;
    auto ok = EachRow(**st, [&](Statement& s) { out.push_back(ReadMonitorRow(s)); });
    if (!ok) return std::unexpected(ok.error());
    return out;
  });
}

Result<int64_t> SqliteMonitorStore::RecordHeartbeat(const std::string& token, Time at) {
  return WriteValue(db_, [&](Connection& c) -> Result<int64_t> {
    auto st = c.Prepare(
        "UPDATE monitors SET last_heartbeat_at = ?2 WHERE heartbeat_token = ?1 RETURNING id");
    if (!st) return std::unexpected(st.error());
    (*st)->Bind(1, token).Bind(2, ToUnixMicros(at));
    auto row = (*st)->Step();
    if (!row) return std::unexpected(row.error());
    if (!*row) {
      return Fail(ErrorCode::kNotFound,
                  "no heartbeat monitor has this URL; copy it from `im monitor show NAME`");
    }
    int64_t id = (*st)->Int(0);
    if (auto done = (*st)->Step(); !done) return std::unexpected(done.error());
    return id;
  });
}

Result<MonitorStore::CheckWrite> SqliteMonitorStore::RecordCheck(
    int64_t monitor, const CheckRecord& check,
    const std::function<Result<CheckWrite>(const StoredMonitor&, Tx&)>& apply) {
  CheckWrite out;
  auto ok = db_.WriteWithTx([&](Connection& c, Tx& tx) -> Result<void> {
    auto m = LoadMonitorWhere(
        c, "WHERE id = ?1", [&](Statement& st) { st.Bind(1, monitor); },
        "with id " + std::to_string(monitor));
    if (!m) return std::unexpected(m.error());
    auto w = apply(*m, tx);
    if (!w) return std::unexpected(w.error());
    out = std::move(*w);
    auto ins = c.Prepare(
        "INSERT INTO monitor_checks (monitor, at, ok, response_us, error) "
        "VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!ins) return std::unexpected(ins.error());
    auto done = (*ins)
                    ->Bind(1, monitor)
                    .Bind(2, ToUnixMicros(check.at))
                    .Bind(3, int64_t{check.ok})
                    .Bind(4, static_cast<int64_t>(check.response_time.count()))
                    .Bind(5, check.error)
                    .Run();
    if (!done) return done;
    auto upd = c.Prepare("UPDATE monitors SET state = ?2, last_check_at = ?3 WHERE id = ?1");
    if (!upd) return std::unexpected(upd.error());
    done = (*upd)->Bind(1, monitor).Bind(2, out.state).Bind(3, ToUnixMicros(check.at)).Run();
    if (!done) return done;
    for (const auto& msg : out.messages) {
      auto q = c.Prepare(
          "INSERT INTO connector_outbox (connector, incident, kind, payload, created_at, "
          "next_attempt_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)");
      if (!q) return std::unexpected(q.error());
      done = (*q)->Bind(1, ChannelOutbox(msg.channel))
                 .Bind(2, msg.incident)
                 .Bind(3, msg.kind)
                 .Bind(4, msg.payload)
                 .Bind(5, ToUnixMicros(check.at))
                 .Run();
      if (!done) return done;
    }
    return Ok();
  });
  if (!ok) return std::unexpected(ok.error());
  return out;
}

Result<std::vector<CheckRecord>> SqliteMonitorStore::Checks(int64_t monitor, Time since) {
  return ReadValue(db_, [&](Connection& c) -> Result<std::vector<CheckRecord>> {
    auto st = c.Prepare(
        "SELECT at, ok, response_us, error FROM monitor_checks WHERE monitor = ?1 AND at >= ?2 "
        "ORDER BY at, id");
    if (!st) return std::unexpected(st.error());
    (*st)->Bind(1, monitor).Bind(2, ToUnixMicros(since));
    std::vector<CheckRecord> out;
    auto ok = EachRow(**st, [&](Statement& s) {
      out.push_back(CheckRecord{.at = FromUnixMicros(s.Int(0)),
                                .ok = s.Int(1) != 0,
                                .response_time = Duration(s.Int(2)),
                                .error = s.Text(3)});
    });
    if (!ok) return std::unexpected(ok.error());
    return out;
  });
}

Result<int64_t> SqliteMonitorStore::PruneChecks(Time before) {
  return WriteValue(db_, [&](Connection& c) -> Result<int64_t> {
    auto st = c.Prepare("DELETE FROM monitor_checks WHERE at < ?1");
    if (!st) return std::unexpected(st.error());
    if (auto ok = (*st)->Bind(1, ToUnixMicros(before)).Run(); !ok) {
      return std::unexpected(ok.error());
    }
    return static_cast<int64_t>(sqlite3_changes(c.raw()));
  });
}

Result<void> SqliteMonitorStore::AddChannel(const StoredChannel& ch) {
  return db_.WriteWith([&](Connection& c) -> Result<void> {
    auto st =
        c.Prepare("INSERT INTO channels (name, type, config, created_at) VALUES (?1, ?2, ?3, ?4)");
    if (!st) return std::unexpected(st.error());
    auto ok = (*st)
                  ->Bind(1, ch.name)
                  .Bind(2, ch.type)
                  .Bind(3, ch.config)
                  .Bind(4, ToUnixMicros(ch.created_at))
                  .Run();
    if (!ok && ok.error().code == ErrorCode::kAlreadyExists) {
      return Fail(ErrorCode::kAlreadyExists,
                  "a channel named '" + ch.name +
                      "' exists already; choose another name or `im channel remove` it first");
    }
    return ok;
  });
}

Result<void> SqliteMonitorStore::RemoveChannel(const std::string& name) {
  return db_.WriteWith([&](Connection& c) -> Result<void> {
    auto st = c.Prepare("DELETE FROM channels WHERE name = ?1");
    if (!st) return std::unexpected(st.error());
    if (auto ok = (*st)->Bind(1, name).Run(); !ok) return ok;
    if (sqlite3_changes(c.raw()) != 1) {
      return Fail(ErrorCode::kNotFound,
                  "no channel named '" + name + "'; list them with `im channel list`");
    }
    return Ok();
  });
}

Result<StoredChannel> SqliteMonitorStore::GetChannel(const std::string& name) {
  return ReadValue(db_, [&](Connection& c) -> Result<StoredChannel> {
    auto st = c.Prepare("SELECT name, type, config, created_at FROM channels WHERE name = ?1");
    if (!st) return std::unexpected(st.error());
    (*st)->Bind(1, name);
    auto row = (*st)->Step();
    if (!row) return std::unexpected(row.error());
    if (!*row) {
      return Fail(ErrorCode::kNotFound,
                  "no channel named '" + name + "'; list them with `im channel list`");
    }
    return ReadChannelRow(**st);
  });
}

Result<std::vector<StoredChannel>> SqliteMonitorStore::ListChannels() {
  return ReadValue(db_, [&](Connection& c) -> Result<std::vector<StoredChannel>> {
    auto st = c.Prepare("SELECT name, type, config, created_at FROM channels ORDER BY name");
    if (!st) return std::unexpected(st.error());
    std::vector<StoredChannel> out;
    auto ok = EachRow(**st, [&](Statement& s) { out.push_back(ReadChannelRow(s)); });
    if (!ok) return std::unexpected(ok.error());
    return out;
  });
}

Result<void> SqliteMonitorStore::AddIntegration(const EventIntegration& i) {
  return db_.WriteWith([&](Connection& c) -> Result<void> {
    auto st = c.Prepare(
        "INSERT INTO event_integrations (routing_key, name, service, severity_map, created_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!st) return std::unexpected(st.error());
    return (*st)
        ->Bind(1, i.routing_key)
        .Bind(2, i.name)
        .Bind(3, i.service)
        .Bind(4, i.severity_map)
        .Bind(5, ToUnixMicros(i.created_at))
        .Run();
  });
}

Result<EventIntegration> SqliteMonitorStore::GetIntegration(const std::string& routing_key) {
  return ReadValue(db_, [&](Connection& c) -> Result<EventIntegration> {
    auto st = c.Prepare(
        "SELECT routing_key, name, service, severity_map, created_at FROM event_integrations "
        "WHERE routing_key = ?1");
    if (!st) return std::unexpected(st.error());
    (*st)->Bind(1, routing_key);
    auto row = (*st)->Step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return Fail(ErrorCode::kNotFound, "no integration has this routing key");
    return ReadIntegrationRow(**st);
  });
}

Result<std::vector<EventIntegration>> SqliteMonitorStore::ListIntegrations() {
  return ReadValue(db_, [&](Connection& c) -> Result<std::vector<EventIntegration>> {
    auto st = c.Prepare(
        "SELECT routing_key, name, service, severity_map, created_at FROM event_integrations "
        "ORDER BY created_at");
    if (!st) return std::unexpected(st.error());
    std::vector<EventIntegration> out;
    auto ok = EachRow(**st, [&](Statement& s) { out.push_back(ReadIntegrationRow(s)); });
    if (!ok) return std::unexpected(ok.error());
    return out;
  });
}

namespace {

// Finds the open incident of (routing_key, dedup_key), applies, and links a new incident.
Result<int64_t> ApplyEventIn(Connection& c, Tx& tx, const std::string& routing_key,
                             const std::string& dedup_key,
                             const std::function<Result<int64_t>(int64_t, Tx&)>& apply) {
  auto st = c.Prepare(
      "SELECT a.incident FROM event_alerts a JOIN incidents i ON i.number = a.incident "
      "WHERE a.routing_key = ?1 AND a.dedup_key = ?2 AND i.status IN ('open', 'mitigated') "
      "ORDER BY a.incident DESC LIMIT 1");
  if (!st) return std::unexpected(st.error());
  (*st)->Bind(1, routing_key).Bind(2, dedup_key);
  auto row = (*st)->Step();
  if (!row) return std::unexpected(row.error());
  int64_t open = *row ? (*st)->Int(0) : 0;
  st->reset();  // done with the statement before others run
  auto r = apply(open, tx);
  if (!r) return std::unexpected(r.error());
  if (*r != 0 && *r != open) {
    auto link = c.Prepare(
        "INSERT INTO event_alerts (routing_key, dedup_key, incident) VALUES (?1, ?2, ?3)");
    if (!link) return std::unexpected(link.error());
    if (auto ok = (*link)->Bind(1, routing_key).Bind(2, dedup_key).Bind(3, *r).Run(); !ok) {
      return std::unexpected(ok.error());
    }
  }
  return *r;
}

}  // namespace

Result<int64_t> SqliteMonitorStore::ApplyEvent(
    const std::string& routing_key, const std::string& dedup_key,
    const std::function<Result<int64_t>(int64_t open_incident, Tx&)>& apply) {
  int64_t result = 0;
  auto ok = db_.WriteWithTx([&](Connection& c, Tx& tx) -> Result<void> {
    auto r = ApplyEventIn(c, tx, routing_key, dedup_key, apply);
    if (!r) return std::unexpected(r.error());
    result = *r;
    return Ok();
  });
  if (!ok) return std::unexpected(ok.error());
  return result;
}

void SqliteMonitorStore::ApplyEventAsync(
    std::string routing_key, std::string dedup_key,
    std::function<Result<int64_t>(int64_t open_incident, Tx&)> apply,
    std::function<void(Result<int64_t>)> done) {
  auto result = std::make_shared<int64_t>(0);
  db_.WriteWithTxAsync(
      [routing_key = std::move(routing_key), dedup_key = std::move(dedup_key),
       apply = std::move(apply), result](Connection& c, Tx& tx) -> Result<void> {
        auto r = ApplyEventIn(c, tx, routing_key, dedup_key, apply);
        if (!r) return std::unexpected(r.error());
        *result = *r;
        return Ok();
      },
      [result, done = std::move(done)](Result<void> ok) {
        if (!ok) return done(std::unexpected(ok.error()));
        done(*result);
      });
}

}  // namespace im::store::sqlite

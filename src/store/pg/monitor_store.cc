#include "store/pg/monitor_store.h"

#include "common/time.h"

namespace im::store::pg {
namespace {

constexpr const char* kPgMonitorColumns =
    "SELECT id, name, definition, paused, state, coalesce(heartbeat_token, ''), "
    "last_heartbeat_at, last_check_at, created_at, updated_at FROM monitors ";

StoredMonitor ReadMonitorAt(const PgResult& r, int i) {
  return StoredMonitor{.id = r.Int(i, 0),
                       .name = r.Text(i, 1),
                       .definition = r.Text(i, 2),
                       .paused = r.Int(i, 3) != 0,
                       .state = r.Text(i, 4),
                       .heartbeat_token = r.Text(i, 5),
                       .last_heartbeat_at = r.OptTime(i, 6),
                       .last_check_at = r.OptTime(i, 7),
                       .created_at = FromUnixMicros(r.Int(i, 8)),
                       .updated_at = FromUnixMicros(r.Int(i, 9))};
}

Result<StoredMonitor> PgLoadMonitorWhere(Connection& c, const std::string& where,
                                         const Params& params, const std::string& what) {
  auto r = c.Query(std::string(kPgMonitorColumns) + where, params);
  if (!r) return std::unexpected(r.error());
  if (r->rows() == 0) {
    return Fail(ErrorCode::kNotFound, "no monitor " + what + "; list them with `im monitor list`");
  }
  return ReadMonitorAt(*r, 0);
}

Params& AddToken(Params& p, const std::string& token) {
  return token.empty() ? p.AddNull() : p.Add(token);
}

StoredChannel ReadChannelAt(const PgResult& r, int i) {
  return StoredChannel{.name = r.Text(i, 0),
                       .type = r.Text(i, 1),
                       .config = r.Text(i, 2),
                       .created_at = FromUnixMicros(r.Int(i, 3))};
}

EventIntegration ReadIntegrationAt(const PgResult& r, int i) {
  return EventIntegration{.routing_key = r.Text(i, 0),
                          .name = r.Text(i, 1),
                          .service = r.Text(i, 2),
                          .severity_map = r.Text(i, 3),
                          .created_at = FromUnixMicros(r.Int(i, 4))};
}

// Queues channel notifications in the open transaction, due at `at`.
Result<void> PgQueueChannelMessages(Connection& c, const std::vector<ChannelMessage>& messages,
                                    Time at) {
  for (const auto& msg : messages) {
    auto done = c.Run(
        "INSERT INTO connector_outbox (connector, incident, kind, payload, created_at, "
        "next_attempt_at) VALUES ($1, $2, $3, $4, $5, $5)",
        Params()
            .Add(ChannelOutbox(msg.channel))
            .Add(msg.incident)
            .Add(msg.kind)
            .Add(msg.payload)
            .Add(ToUnixMicros(at)));
    if (!done) return done;
  }
  return Ok();
}

// Finds the open incident of (routing_key, dedup_key), applies, and links a new incident. The
// pair is locked until the transaction ends, so events of one pair arriving at two instances
// at once are applied one after the other (the second sees the incident the first opened).
Result<int64_t> PgApplyEventIn(Connection& c, Tx& tx, const std::string& routing_key,
                               const std::string& dedup_key,
                               const std::function<Result<int64_t>(int64_t, Tx&)>& apply) {
  if (auto ok = c.Run("SELECT pg_advisory_xact_lock(hashtextextended($1 || chr(10) || $2, 0))",
                      Params().Add(routing_key).Add(dedup_key));
      !ok) {
    return std::unexpected(ok.error());
  }
  auto r = c.Query(
      "SELECT a.incident FROM event_alerts a JOIN incidents i ON i.number = a.incident "
      "WHERE a.routing_key = $1 AND a.dedup_key = $2 AND i.status IN ('open', 'mitigated') "
      "ORDER BY a.incident DESC LIMIT 1",
      Params().Add(routing_key).Add(dedup_key));
  if (!r) return std::unexpected(r.error());
  int64_t open = r->rows() > 0 ? r->Int(0, 0) : 0;
  auto applied = apply(open, tx);
  if (!applied) return std::unexpected(applied.error());
  if (*applied != 0 && *applied != open) {
    if (auto ok =
            c.Run("INSERT INTO event_alerts (routing_key, dedup_key, incident) VALUES ($1, $2, $3)",
                  Params().Add(routing_key).Add(dedup_key).Add(*applied));
        !ok) {
      return std::unexpected(ok.error());
    }
  }
  return *applied;
}

}  // namespace

Result<int64_t> PgMonitorStore::AddMonitor(const StoredMonitor& m) {
  return WriteValue(db_, [&](Connection& c) -> Result<int64_t> {
    Params p;
    p.Add(m.name).Add(m.definition).Add(int64_t{m.paused}).Add(m.state);
    AddToken(p, m.heartbeat_token).Add(ToUnixMicros(m.created_at));
    auto r = c.Query(
        "INSERT INTO monitors (name, definition, paused, state, heartbeat_token, created_at, "
        "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
        p);
    if (!r) {
      if (r.error().code == ErrorCode::kAlreadyExists) {
        return Fail(ErrorCode::kAlreadyExists,
                    "a monitor named '" + m.name +
                        "' exists already; choose another name or change it with `im monitor "
                        "edit`");
      }
      return std::unexpected(r.error());
    }
    return r->Int(0, 0);
  });
}

Result<void> PgMonitorStore::UpdateMonitor(const StoredMonitor& m) {
  return db_.WriteWith([&](Connection& c) -> Result<void> {
    Params p;
    p.Add(m.id).Add(m.name).Add(m.definition).Add(int64_t{m.paused});
    AddToken(p, m.heartbeat_token).Add(ToUnixMicros(m.updated_at));
    auto r = c.Query(
        "UPDATE monitors SET name = $2, definition = $3, paused = $4, heartbeat_token = $5, "
        "updated_at = $6 WHERE id = $1",
        p);
    if (!r) {
      if (r.error().code == ErrorCode::kAlreadyExists) {
        return Fail(ErrorCode::kAlreadyExists,
                    "a monitor named '" + m.name + "' exists already; choose another name");
      }
      return std::unexpected(r.error());
    }
    if (r->affected() != 1) {
      return Fail(ErrorCode::kNotFound, "no monitor with id " + std::to_string(m.id));
    }
    return Ok();
  });
}

Result<void> PgMonitorStore::RemoveMonitor(int64_t id, const std::vector<ChannelMessage>& messages,
                                           Time at) {
  return db_.WriteWith([&](Connection& c) -> Result<void> {
    if (auto ok = PgQueueChannelMessages(c, messages, at); !ok) return ok;
    auto r = c.Query("DELETE FROM monitors WHERE id = $1", Params().Add(id));
    if (!r) return std::unexpected(r.error());
    if (r->affected() != 1) {
      return Fail(ErrorCode::kNotFound, "no monitor with id " + std::to_string(id));
    }
    return c.Run("DELETE FROM monitor_checks WHERE monitor = $1", Params().Add(id));
  });
}

Result<StoredMonitor> PgMonitorStore::GetMonitor(int64_t id) {
  return ReadValue(db_, [&](Connection& c) {
    return PgLoadMonitorWhere(c, "WHERE id = $1", Params().Add(id),
                              "with id " + std::to_string(id));
  });
}

Result<StoredMonitor> PgMonitorStore::GetMonitorByName(const std::string& name) {
  return ReadValue(db_, [&](Connection& c) {
    return PgLoadMonitorWhere(c, "WHERE name = $1", Params().Add(name), "named '" + name + "'");
  });
}

Result<std::vector<StoredMonitor>> PgMonitorStore::ListMonitors() {
  return ReadValue(db_, [&](Connection& c) -> Result<std::vector<StoredMonitor>> {
    auto r = c.Query(std::string(kPgMonitorColumns) + "ORDER BY name");
    if (!r) return std::unexpected(r.error());
    std::vector<StoredMonitor> out;
    for (int i = 0; i < r->rows(); ++i) out.push_back(ReadMonitorAt(*r, i));
    return out;
  });
}

Result<std::vector<MonitorStatusRow>> PgMonitorStore::ListMonitorStatuses() {
  return ReadValue(db_, [&](Connection& c) -> Result<std::vector<MonitorStatusRow>> {
    auto r = c.Query("SELECT id, name, paused, state, last_check_at FROM monitors ORDER BY name");
    if (!r) return std::unexpected(r.error());
    std::vector<MonitorStatusRow> out;
    out.reserve(static_cast<size_t>(r->rows()));
    for (int i = 0; i < r->rows(); ++i) {
      out.push_back(MonitorStatusRow{.id = r->Int(i, 0),
                                     .name = r->Text(i, 1),
                                     .paused = r->Int(i, 2) != 0,
                                     .state = r->Text(i, 3),
                                     .last_check_at = r->OptTime(i, 4)});
    }
    return out;
  });
}

Result<std::vector<StoredMonitor>> PgMonitorStore::GetMonitors(const std::vector<int64_t>& ids) {
  return ReadValue(db_, [&](Connection& c) -> Result<std::vector<StoredMonitor>> {
    std::string list = "{";
    for (size_t i = 0; i < ids.size(); ++i) list += (i ? "," : "") + std::to_string(ids[i]);
    list += "}";
    auto r = c.Query(std::string(kPgMonitorColumns) + "WHERE id = ANY($1::bigint[])",
                     Params().Add(list));
    if (!r) return std::unexpected(r.error());
    std::vector<StoredMonitor> out;
    out.reserve(static_cast<size_t>(r->rows()));
    for (int i = 0; i < r->rows(); ++i) out.push_back(ReadMonitorAt(*r, i));
    return out;
  });
}

Result<int64_t> PgMonitorStore::RecordHeartbeat(const std::string& token, Time at) {
  return WriteValue(db_, [&](Connection& c) -> Result<int64_t> {
    auto r = c.Query(
        "UPDATE monitors SET last_heartbeat_at = $2 WHERE heartbeat_token = $1 RETURNING id",
        Params().Add(token).Add(ToUnixMicros(at)));
    if (!r) return std::unexpected(r.error());
    if (r->rows() == 0) {
      return Fail(ErrorCode::kNotFound,
                  "no heartbeat monitor has this URL; copy it from `im monitor show NAME`");
    }
    return r->Int(0, 0);
  });
}

Result<MonitorStore::CheckWrite> PgMonitorStore::RecordCheck(
    int64_t monitor, const CheckRecord& check,
    const std::function<Result<CheckWrite>(const StoredMonitor&, Tx&)>& apply) {
  CheckWrite out;
  auto ok = db_.WriteWithTx([&](Connection& c, Tx& tx) -> Result<void> {
    // The monitor's state is read, changed and written back: its row stays locked meanwhile.
    auto m = PgLoadMonitorWhere(c, "WHERE id = $1 FOR UPDATE", Params().Add(monitor),
                                "with id " + std::to_string(monitor));
    if (!m) return std::unexpected(m.error());
    auto w = apply(*m, tx);
    if (!w) return std::unexpected(w.error());
    out = std::move(*w);
    auto done = c.Run(
        "INSERT INTO monitor_checks (monitor, at, ok, response_us, error) "
        "VALUES ($1, $2, $3, $4, $5)",
        Params()
            .Add(monitor)
            .Add(ToUnixMicros(check.at))
            .Add(int64_t{check.ok})
            .Add(static_cast<int64_t>(check.response_time.count()))
            .Add(check.error));
    if (!done) return done;
    done = c.Run("UPDATE monitors SET state = $2, last_check_at = $3 WHERE id = $1",
                 Params().Add(monitor).Add(out.state).Add(ToUnixMicros(check.at)));
    if (!done) return done;
    return PgQueueChannelMessages(c, out.messages, check.at);
  });
  if (!ok) return std::unexpected(ok.error());
  return out;
}

Result<std::vector<CheckRecord>> PgMonitorStore::Checks(int64_t monitor, Time since) {
  return ReadValue(db_, [&](Connection& c) -> Result<std::vector<CheckRecord>> {
    auto r = c.Query(
        "SELECT at, ok, response_us, error FROM monitor_checks WHERE monitor = $1 AND at >= $2 "
        "ORDER BY at, id",
        Params().Add(monitor).Add(ToUnixMicros(since)));
    if (!r) return std::unexpected(r.error());
    std::vector<CheckRecord> out;
    for (int i = 0; i < r->rows(); ++i) {
      out.push_back(CheckRecord{.at = FromUnixMicros(r->Int(i, 0)),
                                .ok = r->Int(i, 1) != 0,
                                .response_time = Duration(r->Int(i, 2)),
                                .error = r->Text(i, 3)});
    }
    return out;
  });
}

Result<int64_t> PgMonitorStore::PruneChecks(Time before) {
  return WriteValue(db_, [&](Connection& c) -> Result<int64_t> {
    auto r =
        c.Query("DELETE FROM monitor_checks WHERE at < $1", Params().Add(ToUnixMicros(before)));
    if (!r) return std::unexpected(r.error());
    return r->affected();
  });
}

Result<void> PgMonitorStore::AddChannel(const StoredChannel& ch) {
  return db_.WriteWith([&](Connection& c) -> Result<void> {
    auto ok =
        c.Run("INSERT INTO channels (name, type, config, created_at) VALUES ($1, $2, $3, $4)",
              Params().Add(ch.name).Add(ch.type).Add(ch.config).Add(ToUnixMicros(ch.created_at)));
    if (!ok && ok.error().code == ErrorCode::kAlreadyExists) {
      return Fail(ErrorCode::kAlreadyExists,
                  "a channel named '" + ch.name +
                      "' exists already; choose another name or `im channel remove` it first");
    }
    return ok;
  });
}

Result<void> PgMonitorStore::RemoveChannel(const std::string& name) {
  return db_.WriteWith([&](Connection& c) -> Result<void> {
    auto r = c.Query("DELETE FROM channels WHERE name = $1", Params().Add(name));
    if (!r) return std::unexpected(r.error());
    if (r->affected() != 1) {
      return Fail(ErrorCode::kNotFound,
                  "no channel named '" + name + "'; list them with `im channel list`");
    }
    return Ok();
  });
}

Result<StoredChannel> PgMonitorStore::GetChannel(const std::string& name) {
  return ReadValue(db_, [&](Connection& c) -> Result<StoredChannel> {
    auto r = c.Query("SELECT name, type, config, created_at FROM channels WHERE name = $1",
                     Params().Add(name));
    if (!r) return std::unexpected(r.error());
    if (r->rows() == 0) {
      return Fail(ErrorCode::kNotFound,
                  "no channel named '" + name + "'; list them with `im channel list`");
    }
    return ReadChannelAt(*r, 0);
  });
}

Result<std::vector<StoredChannel>> PgMonitorStore::ListChannels() {
  return ReadValue(db_, [&](Connection& c) -> Result<std::vector<StoredChannel>> {
    auto r = c.Query("SELECT name, type, config, created_at FROM channels ORDER BY name");
    if (!r) return std::unexpected(r.error());
    std::vector<StoredChannel> out;
    for (int i = 0; i < r->rows(); ++i) out.push_back(ReadChannelAt(*r, i));
    return out;
  });
}

Result<void> PgMonitorStore::AddIntegration(const EventIntegration& i) {
  return db_.WriteWith([&](Connection& c) -> Result<void> {
    return c.Run(
        "INSERT INTO event_integrations (routing_key, name, service, severity_map, created_at) "
        "VALUES ($1, $2, $3, $4, $5)",
        Params()
            .Add(i.routing_key)
            .Add(i.name)
            .Add(i.service)
            .Add(i.severity_map)
            .Add(ToUnixMicros(i.created_at)));
  });
}

Result<EventIntegration> PgMonitorStore::GetIntegration(const std::string& routing_key) {
  return ReadValue(db_, [&](Connection& c) -> Result<EventIntegration> {
    auto r = c.Query(
        "SELECT routing_key, name, service, severity_map, created_at FROM event_integrations "
        "WHERE routing_key = $1",
        Params().Add(routing_key));
    if (!r) return std::unexpected(r.error());
    if (r->rows() == 0) return Fail(ErrorCode::kNotFound, "no integration has this routing key");
    return ReadIntegrationAt(*r, 0);
  });
}

Result<std::vector<EventIntegration>> PgMonitorStore::ListIntegrations() {
  return ReadValue(db_, [&](Connection& c) -> Result<std::vector<EventIntegration>> {
    auto r = c.Query(
        "SELECT routing_key, name, service, severity_map, created_at FROM event_integrations "
        "ORDER BY created_at");
    if (!r) return std::unexpected(r.error());
    std::vector<EventIntegration> out;
    for (int i = 0; i < r->rows(); ++i) out.push_back(ReadIntegrationAt(*r, i));
    return out;
  });
}

Result<int64_t> PgMonitorStore::ApplyEvent(
    const std::string& routing_key, const std::string& dedup_key,
    const std::function<Result<int64_t>(int64_t open_incident, Tx&)>& apply) {
  int64_t result = 0;
  auto ok = db_.WriteWithTx([&](Connection& c, Tx& tx) -> Result<void> {
    auto r = PgApplyEventIn(c, tx, routing_key, dedup_key, apply);
    if (!r) return std::unexpected(r.error());
    result = *r;
    return Ok();
  });
  if (!ok) return std::unexpected(ok.error());
  return result;
}

void PgMonitorStore::ApplyEventAsync(
    std::string routing_key, std::string dedup_key,
    std::function<Result<int64_t>(int64_t open_incident, Tx&)> apply,
    std::function<void(Result<int64_t>)> done) {
  auto result = std::make_shared<int64_t>(0);
  db_.WriteWithTxAsync(
      [routing_key = std::move(routing_key), dedup_key = std::move(dedup_key),
       apply = std::move(apply), result](Connection& c, Tx& tx) -> Result<void> {
        auto r = PgApplyEventIn(c, tx, routing_key, dedup_key, apply);
        if (!r) return std::unexpected(r.error());
        *result = *r;
        return Ok();
      },
      [result, done = std::move(done)](Result<void> ok) {
        if (!ok) return done(std::unexpected(ok.error()));
        done(*result);
      });
}

}  // namespace im::store::pg

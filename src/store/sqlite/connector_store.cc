#include "store/sqlite/connector_store.h"

#include "store/outbox_payload.h"

#include "common/time.h"
#include "store/sqlite/rows.h"

namespace im::store::sqlite {
namespace {

constexpr const char* kColumns =
    "name, type, config, created_at, last_sync_at, last_error, import_checkpoint, import_done, "
    "last_webhook_at, sends_changes, sla_mapping";

StoredConnector ReadConnector(const Statement& s) {
  return StoredConnector{.name = s.Text(0),
                         .type = s.Text(1),
                         .config = s.Text(2),
                         .created_at = FromUnixMicros(s.Int(3)),
                         .last_sync_at = OptTime(s, 4),
                         .last_error = s.Text(5),
                         .import_checkpoint = OptTime(s, 6),
                         .import_done = s.Int(7) != 0,
                         .last_webhook_at = OptTime(s, 8),
                         .sends_changes = s.Int(9) != 0,
                         .sla_mapping = s.Text(10)};
}

Error NoSuch(const std::string& name) {
  return Error{ErrorCode::kNotFound,
               "no connector named '" + name + "'; list them with `im connector list`"};
}

Result<void> Exec(Connection& c, std::string_view sql, const std::string& a) {
  auto st = c.Prepare(sql);
  if (!st) return std::unexpected(st.error());
  return (*st)->Bind(1, a).Run();
}

// What the outbox holds for `incident` (see OutboundOf), on `conn`.
Result<OutboundOf> ReadOutbound(Connection& conn, const std::string& connector, int64_t incident) {
  auto st = conn.Prepare(
      "SELECT coalesce(sum(kind = 'create' AND state IN ('pending', 'sent', 'parked')), 0), "
      "coalesce(sum(state = 'pending'), 0) FROM connector_outbox "
      "WHERE connector = ?1 AND incident = ?2");
  if (!st) return std::unexpected(st.error());
  (*st)->Bind(1, connector).Bind(2, incident);
  auto row = (*st)->Step();
  if (!row) return std::unexpected(row.error());
  return OutboundOf{.created_here = (*st)->Int(0) > 0, .pending = (*st)->Int(1)};
}

// The first connector linked to an incident is the one it is synced with (whose SLA mapping
// applies, docs/pagerduty.md "SLA alignment"); a later link changes nothing. Called in the
// transaction that makes each link.
Result<void> MarkSyncedWith(Connection& conn, const std::string& connector, int64_t incident) {
  auto st =
      conn.Prepare("UPDATE incidents SET synced_with = ?1 WHERE number = ?2 AND synced_with = ''");
  if (!st) return std::unexpected(st.error());
  return (*st)->Bind(1, connector).Bind(2, incident).Run();
}

// Queues a fetch of provider incident `external_id`, asked by `event` (see Refetch).
Result<void> QueueRefetch(Connection& conn, const std::string& connector,
                          const std::string& external_id, const WebhookEventRecord& event) {
  auto st = conn.Prepare(
      "INSERT INTO connector_refetch (connector, external_id, reason, queued_at, "
      "next_attempt_at) VALUES (?1, ?2, ?3, ?4, ?4) ON CONFLICT (connector, external_id) DO "
      "UPDATE SET reason = excluded.reason, queued_at = max(queued_at, excluded.queued_at), "
      "next_attempt_at = min(next_attempt_at, excluded.next_attempt_at)");
  if (!st) return std::unexpected(st.error());
  return (*st)
      ->Bind(1, connector)
      .Bind(2, external_id)
      .Bind(3, event.event_type)
      .Bind(4, ToUnixMicros(event.received_at))
      .Run();
}

// Reads the incident linked to `external_id`, asks `decide`, and stores its answer (with the
// refetch it asks for, when `event` is given).
Result<void> ApplyLinked(Connection& conn, const std::string& connector,
                         const std::string& external_id,
                         const std::function<Result<ProviderUpdate>(const LinkedIncident&)>& decide,
                         const WebhookEventRecord* event, int64_t& number) {
  number = 0;
  LinkedIncident linked;
  linked.outbound = [&conn, &connector](int64_t incident) {
    return ReadOutbound(conn, connector, incident);
  };
  auto find = conn.Prepare(
      "SELECT incident, last_event_at FROM connector_links WHERE connector = ?1 AND "
      "external_id = ?2");
  if (!find) return std::unexpected(find.error());
  (*find)->Bind(1, connector).Bind(2, external_id);
  auto row = (*find)->Step();
  if (!row) return std::unexpected(row.error());
  if (*row) {
    number = (*find)->Int(0);
    linked.last_event_at = OptTime(**find, 1);
    find->reset();  // done with the lookup statement
    auto incident = LoadIncident(conn, number);
    if (!incident) return std::unexpected(incident.error());
    linked.incident = *incident;
    linked.sent_changes = [&conn, &connector, number]() -> Result<std::vector<SentChange>> {
      auto st = conn.Prepare(
          "SELECT kind, created_at, done_at, payload, state = 'pending' FROM connector_outbox "
          "WHERE incident = ?1 AND connector = ?2 AND state IN ('sent', 'pending') ORDER BY seq");
      if (!st) return std::unexpected(st.error());
      (*st)->Bind(1, number).Bind(2, connector);
      std::vector<SentChange> out;
      auto ok = EachRow(**st, [&](const Statement& r) {
        Time queued = FromUnixMicros(r.Int(1));
        bool pending = r.Int(4) != 0;
        out.push_back({.kind = r.Text(0),
                       .queued_at = queued,
                       .sent_at = pending ? Time::max() : OptTime(r, 2).value_or(queued),
                       .text = SentChangeText(r.Text(3))});
      });
      if (!ok) return std::unexpected(ok.error());
      return out;
    };
  } else {
    find->reset();
  }
  auto update = decide(linked);
  if (!update) return std::unexpected(update.error());
  if (update->refetch && event) {
    if (auto r = QueueRefetch(conn, connector, external_id, *event); !r) return r;
  }
  if (update->skip) return Ok();
  for (const auto& s : update->services_to_ensure) {
    auto st = conn.Prepare(
        "INSERT INTO services (name, created_at) VALUES (?1, ?2) ON CONFLICT DO NOTHING");
    if (!st) return std::unexpected(st.error());
    int64_t created = ToUnixMicros(update->incident.created_at);
    if (auto r = (*st)->Bind(1, s).Bind(2, created).Run(); !r) return r;
  }
  if (linked.incident) {
    update->incident.number = number;
    if (auto r = UpdateIncidentRow(conn, update->incident); !r) return r;
  } else {
    auto n = InsertIncidentRow(conn, update->incident);
    if (!n) return std::unexpected(n.error());
    number = *n;
  }
  if (auto r = InsertTimelineRows(conn, number, update->entries); !r) return r;
  auto link = conn.Prepare(
      "INSERT INTO connector_links (connector, external_id, incident, last_event_at) "
      "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (connector, external_id) DO UPDATE SET "
      "last_event_at = max(coalesce(last_event_at, 0), coalesce(excluded.last_event_at, 0))");
  if (!link) return std::unexpected(link.error());
  auto linked_now = (*link)
                        ->Bind(1, connector)
                        .Bind(2, external_id)
                        .Bind(3, number)
                        .Bind(4, Micros(update->event_at))
                        .Run();
  if (!linked_now) return linked_now;
  return MarkSyncedWith(conn, connector, number);
}

// One webhook event recorded in the open write transaction (a duplicate is kAlreadyExists),
// counted, with its refetch queued.
Result<void> RecordEvent(Connection& conn, const std::string& connector,
                         const WebhookEventRecord& event) {
  auto ins = conn.Prepare(
      "INSERT INTO connector_events (connector, event_id, webhook_id, event_type, "
      "occurred_at, received_at, resource_id, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
      "ON CONFLICT DO NOTHING");
  if (!ins) return std::unexpected(ins.error());
  (*ins)
      ->Bind(1, connector)
      .Bind(2, event.event_id)
      .Bind(3, event.webhook_id)
      .Bind(4, event.event_type)
      .Bind(5, ToUnixMicros(event.occurred_at))
      .Bind(6, ToUnixMicros(event.received_at))
      .Bind(7, event.resource_id);
  if (event.body.empty()) {
    (*ins)->BindNull(8);
  } else {
    (*ins)->Bind(8, event.body);
  }
  if (auto r = (*ins)->Run(); !r) return r;
  if (sqlite3_changes(conn.raw()) != 1) {
    return Fail(ErrorCode::kAlreadyExists, "event " + event.event_id + " already applied");
  }
  auto touch = conn.Prepare(
      "UPDATE connectors SET last_webhook_at = max(coalesce(last_webhook_at, 0), ?2) "
      "WHERE name = ?1");
  if (!touch) return std::unexpected(touch.error());
  if (auto t = (*touch)->Bind(1, connector).Bind(2, ToUnixMicros(event.occurred_at)).Run(); !t) {
    return t;
  }
  // Counted here, in the same transaction, so "webhook events in 24h" never disagrees
  // with what was stored.
  auto count = conn.Prepare(
      "INSERT INTO connector_activity (connector, minute, webhook_events, webhook_unreadable) "
      "VALUES (?1, ?2, 1, ?3) ON CONFLICT DO UPDATE SET webhook_events = webhook_events + 1, "
      "webhook_unreadable = webhook_unreadable + excluded.webhook_unreadable");
  if (!count) return std::unexpected(count.error());
  auto minute = std::chrono::floor<std::chrono::minutes>(event.received_at);
  int64_t unreadable = event.unreadable ? 1 : 0;
  if (auto c = (*count)->Bind(1, connector).Bind(2, ToUnixMicros(minute)).Bind(3, unreadable).Run();
      !c) {
    return c;
  }
  if (event.refetch.empty()) return Ok();
  return QueueRefetch(conn, connector, event.refetch, event);
}

// One provider event in the open write transaction: recorded, then applied to the linked
// incident.
Result<void> ApplyEvent(Connection& conn, const std::string& connector,
                        const std::string& external_id,
                        const std::optional<WebhookEventRecord>& event,
                        const std::function<Result<ProviderUpdate>(const LinkedIncident&)>& decide,
                        int64_t& number) {
  number = 0;
  if (event) {
    if (auto r = RecordEvent(conn, connector, *event); !r) return r;
  }
  return ApplyLinked(conn, connector, external_id, decide, event ? &*event : nullptr, number);
}

Result<void> WriteDirectory(Connection& conn, const std::string& connector,
                            const std::vector<DirectoryEntry>& entries) {
  for (const auto& e : entries) {
    auto st = conn.Prepare(
        "INSERT INTO connector_directory (connector, kind, external_id, name, data) "
        "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO UPDATE SET name = excluded.name, "
        "data = excluded.data");
    if (!st) return std::unexpected(st.error());
    auto r = (*st)
                 ->Bind(1, connector)
                 .Bind(2, e.kind)
                 .Bind(3, e.external_id)
                 .Bind(4, e.name)
                 .Bind(5, e.data)
                 .Run();
    if (!r) return r;
  }
  return Ok();
}

}  // namespace

Result<void> SqliteConnectorStore::Add(const StoredConnector& c) {
  return db_.WriteWith([&](Connection& conn) -> Result<void> {
    auto st = conn.Prepare(
        "INSERT INTO connectors (name, type, config, created_at, sends_changes, sla_mapping) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (name) DO NOTHING");
    if (!st) return std::unexpected(st.error());
    auto ok = (*st)
                  ->Bind(1, c.name)
                  .Bind(2, c.type)
                  .Bind(3, c.config)
                  .Bind(4, ToUnixMicros(c.created_at))
                  .Bind(5, int64_t{c.sends_changes ? 1 : 0})
                  .Bind(6, c.sla_mapping)
                  .Run();
    if (!ok) return ok;
    if (sqlite3_changes(conn.raw()) != 1) {
      return Fail(
          ErrorCode::kAlreadyExists,
          "a connector named '" + c.name +
              "' already exists; change it with `im connector update` or pick another name");
    }
    return Ok();
  });
}

Result<void> SqliteConnectorStore::UpdateConfig(const StoredConnector& c) {
  return db_.WriteWith([&](Connection& conn) -> Result<void> {
    auto st = conn.Prepare(
        "UPDATE connectors SET config = ?2, sends_changes = ?3, sla_mapping = ?4 WHERE name = ?1");
    if (!st) return std::unexpected(st.error());
    auto ok = (*st)
                  ->Bind(1, c.name)
                  .Bind(2, c.config)
                  .Bind(3, int64_t{c.sends_changes ? 1 : 0})
                  .Bind(4, c.sla_mapping)
                  .Run();
    if (!ok) return ok;
    if (sqlite3_changes(conn.raw()) != 1) return std::unexpected(NoSuch(c.name));
    return Ok();
  });
}

Result<void> SqliteConnectorStore::Remove(const std::string& name) {
  return db_.WriteWith([&](Connection& conn) -> Result<void> {
    for (const char* sql : {"DELETE FROM connector_links WHERE connector = ?1",
                            "DELETE FROM connector_events WHERE connector = ?1",
                            "DELETE FROM connector_directory WHERE connector = ?1",
                            "DELETE FROM connector_activity WHERE connector = ?1",
                            "DELETE FROM connector_outbox WHERE connector = ?1",
                            "DELETE FROM connector_refetch WHERE connector = ?1"}) {
      if (auto ok = Exec(conn, sql, name); !ok) return ok;
    }
    if (auto ok = Exec(conn, "DELETE FROM connectors WHERE name = ?1", name); !ok) return ok;
    if (sqlite3_changes(conn.raw()) != 1) return std::unexpected(NoSuch(name));
    return Ok();
  });
}

Result<StoredConnector> SqliteConnectorStore::Get(const std::string& name) {
  StoredConnector out;
  auto ok = db_.ReadWith([&](Connection& conn) -> Result<void> {
    auto st = conn.Prepare(std::string("SELECT ") + kColumns + " FROM connectors WHERE name = ?1");
    if (!st) return std::unexpected(st.error());
    (*st)->Bind(1, name);
    auto row = (*st)->Step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return std::unexpected(NoSuch(name));
    out = ReadConnector(**st);
    return Ok();
  });
  if (!ok) return std::unexpected(ok.error());
  return out;
}

Result<std::vector<StoredConnector>> SqliteConnectorStore::List() {
  std::vector<StoredConnector> out;
  auto ok = db_.ReadWith([&](Connection& conn) -> Result<void> {
    auto st = conn.Prepare(std::string("SELECT ") + kColumns + " FROM connectors ORDER BY name");
    if (!st) return std::unexpected(st.error());
    for (;;) {
      auto row = (*st)->Step();
      if (!row) return std::unexpected(row.error());
      if (!*row) return Ok();
      out.push_back(ReadConnector(**st));
    }
  });
  if (!ok) return std::unexpected(ok.error());
  return out;
}

Result<void> SqliteConnectorStore::RecordSync(const std::string& name, Time at,
                                              const std::string& error) {
  return db_.WriteWith([&](Connection& conn) -> Result<void> {
    auto st =
        conn.Prepare("UPDATE connectors SET last_sync_at = ?2, last_error = ?3 WHERE name = ?1");
    if (!st) return std::unexpected(st.error());
    return (*st)->Bind(1, name).Bind(2, ToUnixMicros(at)).Bind(3, error).Run();
  });
}

Result<void> SqliteConnectorStore::SetCheckpoint(const std::string& name, Time checkpoint,
                                                 bool done) {
  return db_.WriteWith([&](Connection& conn) -> Result<void> {
    auto st = conn.Prepare(
        "UPDATE connectors SET import_checkpoint = ?2, import_done = ?3 WHERE name = ?1");
    if (!st) return std::unexpected(st.error());
    return (*st)->Bind(1, name).Bind(2, ToUnixMicros(checkpoint)).Bind(3, int64_t{done}).Run();
  });
}

Result<int64_t> SqliteConnectorStore::ApplyProviderIncident(
    const std::string& connector, const std::string& external_id,
    const std::optional<WebhookEventRecord>& event,
    const std::function<Result<ProviderUpdate>(const LinkedIncident&)>& decide) {
  int64_t number = 0;
  auto ok = db_.WriteWith([&](Connection& conn) {
    return ApplyEvent(conn, connector, external_id, event, decide, number);
  });
  if (!ok) return std::unexpected(ok.error());
  return number;
}

void SqliteConnectorStore::ApplyProviderIncidentAsync(
    std::string connector, std::string external_id, std::optional<WebhookEventRecord> event,
    std::function<Result<ProviderUpdate>(const LinkedIncident&)> decide,
    std::function<void(Result<int64_t>)> done) {
  auto number = std::make_shared<int64_t>(0);
  db_.WriteWithAsync(
      [number, connector = std::move(connector), external_id = std::move(external_id),
       event = std::move(event), decide = std::move(decide)](Connection& conn) {
        return ApplyEvent(conn, connector, external_id, event, decide, *number);
      },
      [number, done = std::move(done)](Result<void> ok) {
        if (!ok) return done(std::unexpected(ok.error()));
        done(*number);
      });
}

Result<void> SqliteConnectorStore::ApplyProviderIncidents(const std::string& connector,
                                                          const std::vector<Item>& items) {
  return db_.WriteWith([&](Connection& conn) -> Result<void> {
    for (const auto& item : items) {
      int64_t number = 0;
      if (auto ok = ApplyLinked(conn, connector, item.external_id, item.decide, nullptr, number);
          !ok) {
        return ok;
      }
    }
    return Ok();
  });
}

Result<std::optional<int64_t>> SqliteConnectorStore::FindLinkedIncident(
    const std::string& connector, const std::string& external_id) {
  std::optional<int64_t> out;
  auto ok = db_.ReadWith([&](Connection& conn) -> Result<void> {
    auto st = conn.Prepare(
        "SELECT incident FROM connector_links WHERE connector = ?1 AND external_id = ?2");
    if (!st) return std::unexpected(st.error());
    (*st)->Bind(1, connector).Bind(2, external_id);
    auto row = (*st)->Step();
    if (!row) return std::unexpected(row.error());
    if (*row) out = (*st)->Int(0);
    return Ok();
  });
  if (!ok) return std::unexpected(ok.error());
  return out;
}

Result<int64_t> SqliteConnectorStore::CountLinks(const std::string& connector) {
  int64_t n = 0;
  auto ok = db_.ReadWith([&](Connection& conn) -> Result<void> {
    auto st = conn.Prepare("SELECT count(*) FROM connector_links WHERE connector = ?1");
    if (!st) return std::unexpected(st.error());
    (*st)->Bind(1, connector);
    if (auto row = (*st)->Step(); !row) return std::unexpected(row.error());
    n = (*st)->Int(0);
    return Ok();
  });
  if (!ok) return std::unexpected(ok.error());
  return n;
}

Result<void> SqliteConnectorStore::SaveDirectory(const std::string& connector,
                                                 const std::vector<DirectoryEntry>& entries) {
  return db_.WriteWith([&](Connection& conn) { return WriteDirectory(conn, connector, entries); });
}

void SqliteConnectorStore::RecordEventAsync(std::string connector, WebhookEventRecord event,
                                            std::vector<DirectoryEntry> entries,
                                            std::function<void(Result<void>)> done) {
  db_.WriteWithAsync(
      [connector = std::move(connector), event = std::move(event),
       entries = std::move(entries)](Connection& conn) -> Result<void> {
        if (auto r = RecordEvent(conn, connector, event); !r) return r;
        return WriteDirectory(conn, connector, entries);
      },
      std::move(done));
}

Result<std::vector<Refetch>> SqliteConnectorStore::DueRefetches(const std::string& connector,
                                                                Time now, int64_t limit) {
  std::vector<Refetch> out;
  auto ok = db_.ReadWith([&](Connection& conn) -> Result<void> {
    auto st = conn.Prepare(
        "SELECT external_id, reason, queued_at, attempts, last_error FROM connector_refetch "
        "WHERE connector = ?1 AND next_attempt_at <= ?2 ORDER BY next_attempt_at LIMIT ?3");
    if (!st) return std::unexpected(st.error());
    (*st)->Bind(1, connector).Bind(2, ToUnixMicros(now)).Bind(3, limit);
    return EachRow(**st, [&](const Statement& r) {
      out.push_back({.external_id = r.Text(0),
                     .reason = r.Text(1),
                     .queued_at = FromUnixMicros(r.Int(2)),
                     .attempts = static_cast<int>(r.Int(3)),
                     .last_error = r.Text(4)});
    });
  });
  if (!ok) return std::unexpected(ok.error());
  return out;
}

Result<void> SqliteConnectorStore::FinishRefetches(const std::string& connector,
                                                   const std::vector<Refetch>& done) {
  if (done.empty()) return Ok();
  return db_.WriteWith([&](Connection& conn) -> Result<void> {
    for (const auto& r : done) {
      auto st = conn.Prepare(
          "DELETE FROM connector_refetch WHERE connector = ?1 AND external_id = ?2 AND "
          "queued_at <= ?3");
      if (!st) return std::unexpected(st.error());
      auto ok =
          (*st)->Bind(1, connector).Bind(2, r.external_id).Bind(3, ToUnixMicros(r.queued_at)).Run();
      if (!ok) return ok;
    }
    return Ok();
  });
}

Result<void> SqliteConnectorStore::RetryRefetch(const std::string& connector,
                                                const std::string& external_id, int attempts,
                                                Time next, const std::string& error) {
  return db_.WriteWith([&](Connection& conn) -> Result<void> {
    auto st = conn.Prepare(
        "UPDATE connector_refetch SET attempts = ?3, next_attempt_at = ?4, last_error = ?5 "
        "WHERE connector = ?1 AND external_id = ?2");
    if (!st) return std::unexpected(st.error());
    return (*st)
        ->Bind(1, connector)
        .Bind(2, external_id)
        .Bind(3, static_cast<int64_t>(attempts))
        .Bind(4, ToUnixMicros(next))
        .Bind(5, error)
        .Run();
  });
}

Result<int64_t> SqliteConnectorStore::CountRefetches(const std::string& connector) {
  return ReadValue(db_, [&](Connection& c) -> Result<int64_t> {
    auto st = c.Prepare("SELECT count(*) FROM connector_refetch WHERE connector = ?1");
    if (!st) return std::unexpected(st.error());
    (*st)->Bind(1, connector);
    if (auto row = (*st)->Step(); !row) return std::unexpected(row.error());
    return (*st)->Int(0);
  });
}

Result<std::vector<DirectoryEntry>> SqliteConnectorStore::Directory(const std::string& connector,
                                                                    const std::string& kind) {
  std::vector<DirectoryEntry> out;
  auto ok = db_.ReadWith([&](Connection& conn) -> Result<void> {
    auto st = conn.Prepare(
        "SELECT kind, external_id, name, data FROM connector_directory WHERE connector = ?1 "
        "AND kind = ?2 ORDER BY name");
    if (!st) return std::unexpected(st.error());
    (*st)->Bind(1, connector).Bind(2, kind);
    for (;;) {
      auto row = (*st)->Step();
      if (!row) return std::unexpected(row.error());
      if (!*row) return Ok();
      out.push_back({(*st)->Text(0), (*st)->Text(1), (*st)->Text(2), (*st)->Text(3)});
    }
  });
  if (!ok) return std::unexpected(ok.error());
  return out;
}

Result<void> SqliteConnectorStore::AddActivity(const std::string& connector, Time minute,
                                               const ActivityCounters& c) {
  return db_.WriteWith([&](Connection& conn) -> Result<void> {
    auto st = conn.Prepare(
        "INSERT INTO connector_activity (connector, minute, api_calls, api_errors, rate_limited, "
        "api_latency_us, webhook_events, incidents_synced, syncs, sync_failures, sync_time_us, "
        "webhook_unreadable) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) "
        "ON CONFLICT DO UPDATE SET "
        "api_calls = api_calls + excluded.api_calls, "
        "api_errors = api_errors + excluded.api_errors, "
        "rate_limited = rate_limited + excluded.rate_limited, "
        "api_latency_us = api_latency_us + excluded.api_latency_us, "
        "webhook_events = webhook_events + excluded.webhook_events, "
        "incidents_synced = incidents_synced + excluded.incidents_synced, "
        "syncs = syncs + excluded.syncs, sync_failures = sync_failures + excluded.sync_failures, "
        "sync_time_us = sync_time_us + excluded.sync_time_us, "
        "webhook_unreadable = webhook_unreadable + excluded.webhook_unreadable");
    if (!st) return std::unexpected(st.error());
    return (*st)
        ->Bind(1, connector)
        .Bind(2, ToUnixMicros(minute))
        .Bind(3, c.api_calls)
        .Bind(4, c.api_errors)
        .Bind(5, c.rate_limited)
        .Bind(6, c.api_latency_us)
        .Bind(7, c.webhook_events)
        .Bind(8, c.incidents_synced)
        .Bind(9, c.syncs)
        .Bind(10, c.sync_failures)
        .Bind(11, c.sync_time_us)
        .Bind(12, c.webhook_unreadable)
        .Run();
  });
}

Result<ActivityCounters> SqliteConnectorStore::Activity(const std::string& connector, Time since) {
  ActivityCounters c;
  auto ok = db_.ReadWith([&](Connection& conn) -> Result<void> {
    auto st = conn.Prepare(
        "SELECT total(api_calls), total(api_errors), total(rate_limited), total(api_latency_us), "
        "total(webhook_events), total(incidents_synced), total(syncs), total(sync_failures), "
        "total(sync_time_us), total(webhook_unreadable) FROM connector_activity "
        "WHERE connector = ?1 AND minute >= ?2");
    if (!st) return std::unexpected(st.error());
    (*st)->Bind(1, connector).Bind(2, ToUnixMicros(since));
    if (auto row = (*st)->Step(); !row) return std::unexpected(row.error());
    const Statement& s = **st;
    int64_t* fields[] = {
        &c.api_calls,      &c.api_errors,        &c.rate_limited, &c.api_latency_us,
        &c.webhook_events, &c.incidents_synced,  &c.syncs,        &c.sync_failures,
        &c.sync_time_us,   &c.webhook_unreadable};
    for (int i = 0; i < 10; ++i) *fields[i] = s.Int(i);
    return Ok();
  });
  if (!ok) return std::unexpected(ok.error());
  return c;
}

namespace {

constexpr const char* kOutboxColumns =
    "seq, connector, incident, kind, payload, created_at, state, attempts, next_attempt_at, "
    "last_error";

OutboxMessage ReadOutbox(const Statement& s) {
  return OutboxMessage{.seq = s.Int(0),
                       .connector = s.Text(1),
                       .incident = s.Int(2),
                       .kind = s.Text(3),
                       .payload = s.Text(4),
                       .created_at = FromUnixMicros(s.Int(5)),
                       .state = s.Text(6),
                       .attempts = static_cast<int>(s.Int(7)),
                       .next_attempt_at = FromUnixMicros(s.Int(8)),
                       .last_error = s.Text(9)};
}

}  // namespace

Result<std::vector<OutboxMessage>> SqliteConnectorStore::ListOutbound(const std::string& connector,
                                                                      std::string_view state,
                                                                      int64_t limit) {
  std::vector<OutboxMessage> out;
  auto ok = db_.ReadWith([&](Connection& conn) -> Result<void> {
    auto st = conn.Prepare(std::string("SELECT ") + kOutboxColumns +
                           " FROM connector_outbox WHERE connector = ?1 AND state = ?2 "
                           "ORDER BY seq LIMIT ?3");
    if (!st) return std::unexpected(st.error());
    (*st)->Bind(1, connector).Bind(2, state).Bind(3, limit);
    return EachRow(**st, [&](const Statement& r) { out.push_back(ReadOutbox(r)); });
  });
  if (!ok) return std::unexpected(ok.error());
  return out;
}

Result<void> SqliteConnectorStore::FinishOutbound(int64_t seq, std::string_view state, int attempts,
                                                  Time next_attempt_at, const std::string& error,
                                                  Time at) {
  return db_.WriteWith([&](Connection& conn) -> Result<void> {
    auto st = conn.Prepare(
        "UPDATE connector_outbox SET state = ?2, attempts = ?3, next_attempt_at = ?4, "
        "last_error = ?5, done_at = CASE WHEN ?2 = 'pending' THEN NULL ELSE ?6 END "
        "WHERE seq = ?1");
    if (!st) return std::unexpected(st.error());
    return (*st)
        ->Bind(1, seq)
        .Bind(2, state)
        .Bind(3, static_cast<int64_t>(attempts))
        .Bind(4, ToUnixMicros(next_attempt_at))
        .Bind(5, error)
        .Bind(6, ToUnixMicros(at))
        .Run();
  });
}

Result<int64_t> SqliteConnectorStore::RetryParked(const std::string& connector, Time now) {
  int64_t n = 0;
  auto ok = db_.WriteWith([&](Connection& conn) -> Result<void> {
    auto st = conn.Prepare(
        "UPDATE connector_outbox SET state = 'pending', attempts = 0, next_attempt_at = ?2, "
        "done_at = NULL WHERE connector = ?1 AND state = 'parked'");
    if (!st) return std::unexpected(st.error());
    if (auto r = (*st)->Bind(1, connector).Bind(2, ToUnixMicros(now)).Run(); !r) return r;
    n = sqlite3_changes(conn.raw());
    return Ok();
  });
  if (!ok) return std::unexpected(ok.error());
  return n;
}

Result<bool> SqliteConnectorStore::LeaseOutbox(const std::string& connector,
                                               const std::string& owner, Time now, Time until,
                                               const std::string& replacing) {
  bool held = false;
  auto ok = db_.WriteWith([&](Connection& conn) -> Result<void> {
    auto st = conn.Prepare(
        "INSERT INTO outbox_leases (connector, owner, until) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (connector) DO UPDATE SET owner = excluded.owner, until = excluded.until "
        "WHERE outbox_leases.owner = excluded.owner OR outbox_leases.until <= ?4 OR "
        "(?5 <> '' AND outbox_leases.owner = ?5)");
    if (!st) return std::unexpected(st.error());
    auto r = (*st)
                 ->Bind(1, connector)
                 .Bind(2, owner)
                 .Bind(3, ToUnixMicros(until))
                 .Bind(4, ToUnixMicros(now))
                 .Bind(5, replacing)
                 .Run();
    if (!r) return r;
    held = sqlite3_changes(conn.raw()) == 1;
    return Ok();
  });
  if (!ok) return std::unexpected(ok.error());
  return held;
}

Result<std::string> SqliteConnectorStore::OutboxLeaseHolder(const std::string& connector,
                                                            Time now) {
  std::string holder;
  auto ok = db_.ReadWith([&](Connection& conn) -> Result<void> {
    auto st = conn.Prepare("SELECT owner FROM outbox_leases WHERE connector = ?1 AND until > ?2");
    if (!st) return std::unexpected(st.error());
    (*st)->Bind(1, connector).Bind(2, ToUnixMicros(now));
    return EachRow(**st, [&](const Statement& r) { holder = r.Text(0); });
  });
  if (!ok) return std::unexpected(ok.error());
  return holder;
}

Result<void> SqliteConnectorStore::ReleaseOutbox(const std::string& connector,
                                                 const std::string& owner) {
  return db_.WriteWith([&](Connection& conn) -> Result<void> {
    auto st = conn.Prepare("DELETE FROM outbox_leases WHERE connector = ?1 AND owner = ?2");
    if (!st) return std::unexpected(st.error());
    return (*st)->Bind(1, connector).Bind(2, owner).Run();
  });
}

Result<OutboxCounts> SqliteConnectorStore::Outbox(const std::string& connector, Time since) {
  OutboxCounts out;
  auto ok = db_.ReadWith([&](Connection& conn) -> Result<void> {
    auto st = conn.Prepare(
        "SELECT coalesce(sum(state = 'pending'), 0), coalesce(sum(state = 'parked'), 0), "
        "coalesce(sum(state = 'sent' AND done_at >= ?2), 0), "
        "min(CASE WHEN state = 'pending' THEN created_at END) "
        "FROM connector_outbox WHERE connector = ?1");
    if (!st) return std::unexpected(st.error());
    (*st)->Bind(1, connector).Bind(2, ToUnixMicros(since));
    auto row = (*st)->Step();
    if (!row) return std::unexpected(row.error());
    out.pending = (*st)->Int(0);
    out.parked = (*st)->Int(1);
    out.sent_since = (*st)->Int(2);
    out.oldest_pending = OptTime(**st, 3);
    return Ok();
  });
  if (!ok) return std::unexpected(ok.error());
  return out;
}

Result<std::vector<std::string>> SqliteConnectorStore::LinksOf(const std::string& connector,
                                                               int64_t incident) {
  std::vector<std::string> out;
  auto ok = db_.ReadWith([&](Connection& conn) -> Result<void> {
    auto st = conn.Prepare(
        "SELECT external_id FROM connector_links WHERE connector = ?1 AND incident = ?2 "
        "ORDER BY external_id");
    if (!st) return std::unexpected(st.error());
    (*st)->Bind(1, connector).Bind(2, incident);
    return EachRow(**st, [&](const Statement& r) { out.push_back(r.Text(0)); });
  });
  if (!ok) return std::unexpected(ok.error());
  return out;
}

Result<void> SqliteConnectorStore::LinkIncident(const std::string& connector,
                                                const std::string& external_id, int64_t incident,
                                                const std::vector<core::TimelineEntry>& entries) {
  return db_.WriteWith([&](Connection& conn) -> Result<void> {
    auto st = conn.Prepare(
        "INSERT INTO connector_links (connector, external_id, incident) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (connector, external_id) DO NOTHING");
    if (!st) return std::unexpected(st.error());
    if (auto r = (*st)->Bind(1, connector).Bind(2, external_id).Bind(3, incident).Run(); !r) {
      return r;
    }
    if (sqlite3_changes(conn.raw()) == 0) return Ok();  // linked before: nothing to add
    if (auto r = MarkSyncedWith(conn, connector, incident); !r) return r;
    return InsertTimelineRows(conn, incident, entries);
  });
}

Result<ConnectorStore::OutboundOf> SqliteConnectorStore::OutboundFor(const std::string& connector,
                                                                     int64_t incident) {
  return ReadValue(db_, [&](Connection& c) { return ReadOutbound(c, connector, incident); });
}

Result<std::vector<std::pair<std::string, int64_t>>> SqliteConnectorStore::LinkedUnresolved(
    const std::string& connector) {
  std::vector<std::pair<std::string, int64_t>> out;
  auto ok = db_.ReadWith([&](Connection& conn) -> Result<void> {
    auto st = conn.Prepare(
        "SELECT l.external_id, l.incident FROM connector_links l JOIN incidents i ON i.number = "
        "l.incident WHERE l.connector = ?1 AND i.status IN ('open', 'mitigated') "
        "ORDER BY l.incident");
    if (!st) return std::unexpected(st.error());
    (*st)->Bind(1, connector);
    return EachRow(**st, [&](const Statement& r) { out.emplace_back(r.Text(0), r.Int(1)); });
  });
  if (!ok) return std::unexpected(ok.error());
  return out;
}

}  // namespace im::store::sqlite

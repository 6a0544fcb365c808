#include "store/pg/connector_store.h"

#include "store/outbox_payload.h"

#include "common/time.h"
#include "store/pg/rows.h"

namespace im::store::pg {
namespace {

constexpr const char* kConnColumns =
    "name, type, config, created_at, last_sync_at, last_error, import_checkpoint, import_done, "
    "last_webhook_at, sends_changes, sla_mapping";

StoredConnector ReadConnectorAt(const PgResult& r, int i) {
  return StoredConnector{.name = r.Text(i, 0),
                         .type = r.Text(i, 1),
                         .config = r.Text(i, 2),
                         .created_at = FromUnixMicros(r.Int(i, 3)),
                         .last_sync_at = r.OptTime(i, 4),
                         .last_error = r.Text(i, 5),
                         .import_checkpoint = r.OptTime(i, 6),
                         .import_done = r.Int(i, 7) != 0,
                         .last_webhook_at = r.OptTime(i, 8),
                         .sends_changes = r.Int(i, 9) != 0,
                         .sla_mapping = r.Text(i, 10)};
}

Error NoConnector(const std::string& name) {
  return Error{ErrorCode::kNotFound,
               "no connector named '" + name + "'; list them with `im connector list`"};
}

std::optional<int64_t> ConnMicros(const std::optional<Time>& t) {
  return t ? std::optional<int64_t>(ToUnixMicros(*t)) : std::nullopt;
}

// Holds (connector, provider id) until the transaction ends: whoever applies or links that
// provider object meanwhile waits, then sees what this transaction did.
Result<void> LockProviderObject(Connection& c, const std::string& connector,
                                const std::string& external_id) {
  return c.Run(
      "SELECT pg_advisory_xact_lock(hashtextextended('im-link' || chr(10) || $1 || chr(10) || "
      "$2, 0))",
      Params().Add(connector).Add(external_id));
}

// What the outbox holds for `incident` (see OutboundOf).
Result<OutboundOf> ReadOutboundOf(Connection& c, const std::string& connector, int64_t incident) {
  auto r = c.Query(
      "SELECT count(*) FILTER (WHERE kind = 'create' AND state IN ('pending', 'sent', "
      "'parked')), count(*) FILTER (WHERE state = 'pending') FROM connector_outbox "
      "WHERE connector = $1 AND incident = $2",
      Params().Add(connector).Add(incident));
  if (!r) return std::unexpected(r.error());
  return OutboundOf{.created_here = r->Int(0, 0) > 0, .pending = r->Int(0, 1)};
}

// Queues a fetch of provider incident `external_id`, asked by `event` (see Refetch).
Result<void> QueueRefetchRow(Connection& c, const std::string& connector,
                             const std::string& external_id, const WebhookEventRecord& event) {
  return c.Run(
      "INSERT INTO connector_refetch (connector, external_id, reason, queued_at, "
      "next_attempt_at) VALUES ($1, $2, $3, $4, $4) ON CONFLICT (connector, external_id) DO "
      "UPDATE SET reason = excluded.reason, "
      "queued_at = greatest(connector_refetch.queued_at, excluded.queued_at), "
      "next_attempt_at = least(connector_refetch.next_attempt_at, excluded.next_attempt_at)",
      Params()
          .Add(connector)
          .Add(external_id)
          .Add(event.event_type)
          .Add(ToUnixMicros(event.received_at)));
}

// The first connector linked to an incident is the one it is synced with (whose SLA mapping
// applies, docs/pagerduty.md "SLA alignment"); a later link changes nothing. Called in the
// transaction that makes each link.
Result<void> MarkSyncedWith(Connection& c, const std::string& connector, int64_t incident) {
  return c.Run("UPDATE incidents SET synced_with = $1 WHERE number = $2 AND synced_with = ''",
               Params().Add(connector).Add(incident));
}

// Reads the incident linked to `external_id`, asks `decide`, and stores its answer (with the
// refetch it asks for, when `event` is given).
Result<void> ApplyLinkedRow(
    Connection& c, const std::string& connector, const std::string& external_id,
    const std::function<Result<ProviderUpdate>(const LinkedIncident&)>& decide,
    const WebhookEventRecord* event, int64_t& number) {
  number = 0;
  if (auto ok = LockProviderObject(c, connector, external_id); !ok) return ok;
  LinkedIncident linked;
  linked.outbound = [&c, &connector](int64_t incident) {
    return ReadOutboundOf(c, connector, incident);
  };
  auto found = c.Query(
      "SELECT incident, last_event_at FROM connector_links WHERE connector = $1 AND "
      "external_id = $2",
      Params().Add(connector).Add(external_id));
  if (!found) return std::unexpected(found.error());
  if (found->rows() > 0) {
    number = found->Int(0, 0);
    linked.last_event_at = found->OptTime(0, 1);
    auto incident = LoadIncident(c, number, /*for_update=*/true);
    if (!incident) return std::unexpected(incident.error());
    linked.incident = *incident;
    linked.sent_changes = [&c, &connector, number]() -> Result<std::vector<SentChange>> {
      auto r = c.Query(
          "SELECT kind, created_at, done_at, payload, state = 'pending' FROM connector_outbox "
          "WHERE incident = $1 AND connector = $2 AND state IN ('sent', 'pending') ORDER BY seq",
          Params().Add(number).Add(connector));
      if (!r) return std::unexpected(r.error());
      std::vector<SentChange> out;
      for (int i = 0; i < r->rows(); ++i) {
        Time queued = FromUnixMicros(r->Int(i, 1));
        bool pending = r->Int(i, 4) != 0;
        out.push_back({.kind = r->Text(i, 0),
                       .queued_at = queued,
                       .sent_at = pending ? Time::max() : r->OptTime(i, 2).value_or(queued),
                       .text = SentChangeText(r->Text(i, 3))});
      }
      return out;
    };
  }
  auto update = decide(linked);
  if (!update) return std::unexpected(update.error());
  if (update->refetch && event) {
    if (auto r = QueueRefetchRow(c, connector, external_id, *event); !r) return r;
  }
  if (update->skip) return Ok();
  for (const auto& s : update->services_to_ensure) {
    if (auto r =
            c.Run("INSERT INTO services (name, created_at) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                  Params().Add(s).Add(ToUnixMicros(update->incident.created_at)));
        !r) {
      return r;
    }
  }
  if (linked.incident) {
    update->incident.number = number;
    if (auto r = UpdateIncidentRow(c, update->incident); !r) return r;
  } else {
    auto n = InsertIncidentRow(c, update->incident);
    if (!n) return std::unexpected(n.error());
    number = *n;
  }
  if (auto r = InsertTimelineRows(c, number, update->entries); !r) return r;
  if (auto r = c.Run(
          "INSERT INTO connector_links (connector, external_id, incident, last_event_at) "
          "VALUES ($1, $2, $3, $4) ON CONFLICT (connector, external_id) DO UPDATE SET "
          "last_event_at = greatest(coalesce(connector_links.last_event_at, 0), "
          "coalesce(excluded.last_event_at, 0))",
          Params().Add(connector).Add(external_id).Add(number).Add(ConnMicros(update->event_at)));
      !r) {
    return r;
  }
  return MarkSyncedWith(c, connector, number);
}

// One webhook event recorded in the open transaction (a duplicate is kAlreadyExists), counted,
// with its refetch queued.
Result<void> RecordEventRow(Connection& c, const std::string& connector,
                            const WebhookEventRecord& event) {
  Params p;
  p.Add(connector)
      .Add(event.event_id)
      .Add(event.webhook_id)
      .Add(event.event_type)
      .Add(ToUnixMicros(event.occurred_at))
      .Add(ToUnixMicros(event.received_at))
      .Add(event.resource_id);
  if (event.body.empty()) {
    p.AddNull();
  } else {
    p.Add(event.body);
  }
  // A second delivery of one event to another instance at the same moment waits for the first
  // and then does nothing: refused below as a duplicate.
  auto ins = c.Query(
      "INSERT INTO connector_events (connector, event_id, webhook_id, event_type, "
      "occurred_at, received_at, resource_id, body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
      "ON CONFLICT DO NOTHING",
      p);
  if (!ins) return std::unexpected(ins.error());
  if (ins->affected() != 1) {
    return Fail(ErrorCode::kAlreadyExists, "event " + event.event_id + " already applied");
  }
  if (auto t = c.Run(
          "UPDATE connectors SET last_webhook_at = greatest(coalesce(last_webhook_at, 0), $2) "
          "WHERE name = $1",
          Params().Add(connector).Add(ToUnixMicros(event.occurred_at)));
      !t) {
    return t;
  }
  // Counted here, in the same transaction, so "webhook events in 24h" never disagrees
  // with what was stored.
  auto minute = std::chrono::floor<std::chrono::minutes>(event.received_at);
  if (auto n = c.Run(
          "INSERT INTO connector_activity (connector, minute, webhook_events, webhook_unreadable) "
          "VALUES ($1, $2, 1, $3) ON CONFLICT (connector, minute) DO UPDATE SET "
          "webhook_events = connector_activity.webhook_events + 1, "
          "webhook_unreadable = connector_activity.webhook_unreadable + "
          "excluded.webhook_unreadable",
          Params().Add(connector).Add(ToUnixMicros(minute)).Add(int64_t{event.unreadable ? 1 : 0}));
      !n) {
    return n;
  }
  if (event.refetch.empty()) return Ok();
  return QueueRefetchRow(c, connector, event.refetch, event);
}

Result<void> ApplyEventRow(
    Connection& c, const std::string& connector, const std::string& external_id,
    const std::optional<WebhookEventRecord>& event,
    const std::function<Result<ProviderUpdate>(const LinkedIncident&)>& decide, int64_t& number) {
  number = 0;
  if (event) {
    if (auto r = RecordEventRow(c, connector, *event); !r) return r;
  }
  return ApplyLinkedRow(c, connector, external_id, decide, event ? &*event : nullptr, number);
}

Result<void> WriteDirectoryRows(Connection& c, const std::string& connector,
                                const std::vector<DirectoryEntry>& entries) {
  for (const auto& e : entries) {
    if (auto r = c.Run(
            "INSERT INTO connector_directory (connector, kind, external_id, name, data) "
            "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (connector, kind, external_id) DO UPDATE "
            "SET name = excluded.name, data = excluded.data",
            Params().Add(connector).Add(e.kind).Add(e.external_id).Add(e.name).Add(e.data));
        !r) {
      return r;
    }
  }
  return Ok();
}

constexpr const char* kOutboxCols =
    "seq, connector, incident, kind, payload, created_at, state, attempts, next_attempt_at, "
    "last_error";

OutboxMessage ReadOutboxAt(const PgResult& r, int i) {
  return OutboxMessage{.seq = r.Int(i, 0),
                       .connector = r.Text(i, 1),
                       .incident = r.Int(i, 2),
                       .kind = r.Text(i, 3),
                       .payload = r.Text(i, 4),
                       .created_at = FromUnixMicros(r.Int(i, 5)),
                       .state = r.Text(i, 6),
                       .attempts = static_cast<int>(r.Int(i, 7)),
                       .next_attempt_at = FromUnixMicros(r.Int(i, 8)),
                       .last_error = r.Text(i, 9)};
}

}  // namespace

Result<void> PgConnectorStore::Add(const StoredConnector& c) {
  return db_.WriteWith([&](Connection& conn) -> Result<void> {
    auto r = conn.Query(
        "INSERT INTO connectors (name, type, config, created_at, sends_changes, sla_mapping) "
        "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (name) DO NOTHING",
        Params()
            .Add(c.name)
            .Add(c.type)
            .Add(c.config)
            .Add(ToUnixMicros(c.created_at))
            .Add(int64_t{c.sends_changes ? 1 : 0})
            .Add(c.sla_mapping));
    if (!r) return std::unexpected(r.error());
    if (r->affected() != 1) {
      return Fail(
          ErrorCode::kAlreadyExists,
          "a connector named '" + c.name +
              "' already exists; change it with `im connector update` or pick another name");
    }
    return Ok();
  });
}

Result<void> PgConnectorStore::UpdateConfig(const StoredConnector& c) {
  return db_.WriteWith([&](Connection& conn) -> Result<void> {
    auto r = conn.Query(
        "UPDATE connectors SET config = $2, sends_changes = $3, sla_mapping = $4 WHERE name = $1",
        Params()
            .Add(c.name)
            .Add(c.config)
            .Add(int64_t{c.sends_changes ? 1 : 0})
            .Add(c.sla_mapping));
    if (!r) return std::unexpected(r.error());
    if (r->affected() != 1) return std::unexpected(NoConnector(c.name));
    return Ok();
  });
}

Result<void> PgConnectorStore::Remove(const std::string& name) {
  return db_.WriteWith([&](Connection& conn) -> Result<void> {
    for (const char* sql : {"DELETE FROM connector_links WHERE connector = $1",
                            "DELETE FROM connector_events WHERE connector = $1",
                            "DELETE FROM connector_directory WHERE connector = $1",
                            "DELETE FROM connector_activity WHERE connector = $1",
                            "DELETE FROM connector_outbox WHERE connector = $1",
                            "DELETE FROM connector_refetch WHERE connector = $1"}) {
      if (auto ok = conn.Run(sql, Params().Add(name)); !ok) return ok;
    }
    auto r = conn.Query("DELETE FROM connectors WHERE name = $1", Params().Add(name));
    if (!r) return std::unexpected(r.error());
    if (r->affected() != 1) return std::unexpected(NoConnector(name));
    return Ok();
  });
}

Result<StoredConnector> PgConnectorStore::Get(const std::string& name) {
  return ReadValue(db_, [&](Connection& c) -> Result<StoredConnector> {
    auto r = c.Query(std::string("SELECT ") + kConnColumns + " FROM connectors WHERE name = $1",
                     Params().Add(name));
    if (!r) return std::unexpected(r.error());
    if (r->rows() == 0) return std::unexpected(NoConnector(name));
    return ReadConnectorAt(*r, 0);
  });
}

Result<std::vector<StoredConnector>> PgConnectorStore::List() {
  return ReadValue(db_, [&](Connection& c) -> Result<std::vector<StoredConnector>> {
    auto r = c.Query(std::string("SELECT ") + kConnColumns + " FROM connectors ORDER BY name");
    if (!r) return std::unexpected(r.error());
    std::vector<StoredConnector> out;
    for (int i = 0; i < r->rows(); ++i) out.push_back(ReadConnectorAt(*r, i));
    return out;
  });
}

Result<void> PgConnectorStore::RecordSync(const std::string& name, Time at,
                                          const std::string& error) {
  return db_.WriteWith([&](Connection& c) {
    return c.Run("UPDATE connectors SET last_sync_at = $2, last_error = $3 WHERE name = $1",
                 Params().Add(name).Add(ToUnixMicros(at)).Add(error));
  });
}

Result<void> PgConnectorStore::SetCheckpoint(const std::string& name, Time checkpoint, bool done) {
  return db_.WriteWith([&](Connection& c) {
    return c.Run("UPDATE connectors SET import_checkpoint = $2, import_done = $3 WHERE name = $1",
                 Params().Add(name).Add(ToUnixMicros(checkpoint)).Add(int64_t{done}));
  });
}

Result<int64_t> PgConnectorStore::ApplyProviderIncident(
    const std::string& connector, const std::string& external_id,
    const std::optional<WebhookEventRecord>& event,
    const std::function<Result<ProviderUpdate>(const LinkedIncident&)>& decide) {
  int64_t number = 0;
  auto ok = db_.WriteWith([&](Connection& c) {
    return ApplyEventRow(c, connector, external_id, event, decide, number);
  });
  if (!ok) return std::unexpected(ok.error());
  return number;
}

void PgConnectorStore::ApplyProviderIncidentAsync(
    std::string connector, std::string external_id, std::optional<WebhookEventRecord> event,
    std::function<Result<ProviderUpdate>(const LinkedIncident&)> decide,
    std::function<void(Result<int64_t>)> done) {
  auto number = std::make_shared<int64_t>(0);
  db_.WriteWithTxAsync(
      [number, connector = std::move(connector), external_id = std::move(external_id),
       event = std::move(event), decide = std::move(decide)](Connection& c, Tx&) {
        return ApplyEventRow(c, connector, external_id, event, decide, *number);
      },
      [number, done = std::move(done)](Result<void> ok) {
        if (!ok) return done(std::unexpected(ok.error()));
        done(*number);
      });
}

Result<void> PgConnectorStore::ApplyProviderIncidents(const std::string& connector,
                                                      const std::vector<Item>& items) {
  return db_.WriteWith([&](Connection& c) -> Result<void> {
    for (const auto& item : items) {
      int64_t number = 0;
      if (auto ok = ApplyLinkedRow(c, connector, item.external_id, item.decide, nullptr, number);
          !ok) {
        return ok;
      }
    }
    return Ok();
  });
}

Result<std::optional<int64_t>> PgConnectorStore::FindLinkedIncident(
    const std::string& connector, const std::string& external_id) {
  return ReadValue(db_, [&](Connection& c) -> Result<std::optional<int64_t>> {
    auto r =
        c.Query("SELECT incident FROM connector_links WHERE connector = $1 AND external_id = $2",
                Params().Add(connector).Add(external_id));
    if (!r) return std::unexpected(r.error());
    if (r->rows() == 0) return std::optional<int64_t>();
    return std::optional<int64_t>(r->Int(0, 0));
  });
}

Result<int64_t> PgConnectorStore::CountLinks(const std::string& connector) {
  return ReadValue(db_, [&](Connection& c) -> Result<int64_t> {
    auto r = c.Query("SELECT count(*) FROM connector_links WHERE connector = $1",
                     Params().Add(connector));
    if (!r) return std::unexpected(r.error());
    return r->Int(0, 0);
  });
}

Result<void> PgConnectorStore::SaveDirectory(const std::string& connector,
                                             const std::vector<DirectoryEntry>& entries) {
  return db_.WriteWith([&](Connection& c) { return WriteDirectoryRows(c, connector, entries); });
}

void PgConnectorStore::RecordEventAsync(std::string connector, WebhookEventRecord event,
                                        std::vector<DirectoryEntry> entries,
                                        std::function<void(Result<void>)> done) {
  db_.WriteWithTxAsync(
      [connector = std::move(connector), event = std::move(event), entries = std::move(entries)](
          Connection& c, Tx&) -> Result<void> {
        if (auto r = RecordEventRow(c, connector, event); !r) return r;
        return WriteDirectoryRows(c, connector, entries);
      },
      std::move(done));
}

Result<std::vector<Refetch>> PgConnectorStore::DueRefetches(const std::string& connector, Time now,
                                                            int64_t limit) {
  return ReadValue(db_, [&](Connection& c) -> Result<std::vector<Refetch>> {
    auto r = c.Query(
        "SELECT external_id, reason, queued_at, attempts, last_error FROM connector_refetch "
        "WHERE connector = $1 AND next_attempt_at <= $2 ORDER BY next_attempt_at, external_id "
        "LIMIT $3",
        Params().Add(connector).Add(ToUnixMicros(now)).Add(limit));
    if (!r) return std::unexpected(r.error());
    std::vector<Refetch> out;
    for (int i = 0; i < r->rows(); ++i) {
      out.push_back({.external_id = r->Text(i, 0),
                     .reason = r->Text(i, 1),
                     .queued_at = FromUnixMicros(r->Int(i, 2)),
                     .attempts = static_cast<int>(r->Int(i, 3)),
                     .last_error = r->Text(i, 4)});
    }
    return out;
  });
}

Result<void> PgConnectorStore::FinishRefetches(const std::string& connector,
                                               const std::vector<Refetch>& done) {
  if (done.empty()) return Ok();
  return db_.WriteWith([&](Connection& c) -> Result<void> {
    for (const auto& r : done) {
      if (auto ok =
              c.Run("DELETE FROM connector_refetch WHERE connector = $1 AND external_id = $2 AND "
                    "queued_at <= $3",
                    Params().Add(connector).Add(r.external_id).Add(ToUnixMicros(r.queued_at)));
          !ok) {
        return ok;
      }
    }
    return Ok();
  });
}

Result<void> PgConnectorStore::RetryRefetch(const std::string& connector,
                                            const std::string& external_id, int attempts, Time next,
                                            const std::string& error) {
  return db_.WriteWith([&](Connection& c) {
    return c.Run(
        "UPDATE connector_refetch SET attempts = $3, next_attempt_at = $4, last_error = $5 "
        "WHERE connector = $1 AND external_id = $2",
        Params().Add(connector).Add(external_id).Add(attempts).Add(ToUnixMicros(next)).Add(error));
  });
}

Result<int64_t> PgConnectorStore::CountRefetches(const std::string& connector) {
  return ReadValue(db_, [&](Connection& c) -> Result<int64_t> {
    auto r = c.Query("SELECT count(*) FROM connector_refetch WHERE connector = $1",
                     Params().Add(connector));
    if (!r) return std::unexpected(r.error());
    return r->Int(0, 0);
  });
}

Result<std::vector<DirectoryEntry>> PgConnectorStore::Directory(const std::string& connector,
                                                                const std::string& kind) {
  return ReadValue(db_, [&](Connection& c) -> Result<std::vector<DirectoryEntry>> {
    auto r = c.Query(
        "SELECT kind, external_id, name, data FROM connector_directory WHERE connector = $1 "
        "AND kind = $2 ORDER BY name, external_id",
        Params().Add(connector).Add(kind));
    if (!r) return std::unexpected(r.error());
    std::vector<DirectoryEntry> out;
    for (int i = 0; i < r->rows(); ++i) {
      out.push_back({r->Text(i, 0), r->Text(i, 1), r->Text(i, 2), r->Text(i, 3)});
    }
    return out;
  });
}

Result<void> PgConnectorStore::AddActivity(const std::string& connector, Time minute,
                                           const ActivityCounters& a) {
  return db_.WriteWith([&](Connection& c) {
    return c.Run(
        "INSERT INTO connector_activity AS t (connector, minute, api_calls, api_errors, "
        "rate_limited, api_latency_us, webhook_events, incidents_synced, syncs, sync_failures, "
        "sync_time_us, webhook_unreadable) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
        "$11, $12) ON CONFLICT (connector, minute) DO UPDATE SET "
        "api_calls = t.api_calls + excluded.api_calls, "
        "api_errors = t.api_errors + excluded.api_errors, "
        "rate_limited = t.rate_limited + excluded.rate_limited, "
        "api_latency_us = t.api_latency_us + excluded.api_latency_us, "
        "webhook_events = t.webhook_events + excluded.webhook_events, "
        "incidents_synced = t.incidents_synced + excluded.incidents_synced, "
        "syncs = t.syncs + excluded.syncs, sync_failures = t.sync_failures + "
        "excluded.sync_failures, sync_time_us = t.sync_time_us + excluded.sync_time_us, "
        "webhook_unreadable = t.webhook_unreadable + excluded.webhook_unreadable",
        Params()
            .Add(connector)
            .Add(ToUnixMicros(minute))
            .Add(a.api_calls)
            .Add(a.api_errors)
            .Add(a.rate_limited)
            .Add(a.api_latency_us)
            .Add(a.webhook_events)
            .Add(a.incidents_synced)
            .Add(a.syncs)
            .Add(a.sync_failures)
            .Add(a.sync_time_us)
            .Add(a.webhook_unreadable));
  });
}

Result<ActivityCounters> PgConnectorStore::Activity(const std::string& connector, Time since) {
  return ReadValue(db_, [&](Connection& c) -> Result<ActivityCounters> {
    auto r = c.Query(
        "SELECT coalesce(sum(api_calls), 0), coalesce(sum(api_errors), 0), "
        "coalesce(sum(rate_limited), 0), coalesce(sum(api_latency_us), 0), "
        "coalesce(sum(webhook_events), 0), coalesce(sum(incidents_synced), 0), "
        "coalesce(sum(syncs), 0), coalesce(sum(sync_failures), 0), coalesce(sum(sync_time_us), "
        "0), coalesce(sum(webhook_unreadable), 0) FROM connector_activity "
        "WHERE connector = $1 AND minute >= $2",
        Params().Add(connector).Add(ToUnixMicros(since)));
    if (!r) return std::unexpected(r.error());
    ActivityCounters a;
    int64_t* fields[] = {
        &a.api_calls,      &a.api_errors,        &a.rate_limited, &a.api_latency_us,
        &a.webhook_events, &a.incidents_synced,  &a.syncs,        &a.sync_failures,
        &a.sync_time_us,   &a.webhook_unreadable};
    for (int i = 0; i < 10; ++i) *fields[i] = r->Int(0, i);
    return a;
  });
}

Result<std::vector<OutboxMessage>> PgConnectorStore::ListOutbound(const std::string& connector,
                                                                  std::string_view state,
                                                                  int64_t limit) {
  return ReadValue(db_, [&](Connection& c) -> Result<std::vector<OutboxMessage>> {
    auto r = c.Query(std::string("SELECT ") + kOutboxCols +
                         " FROM connector_outbox WHERE connector = $1 AND state = $2 "
                         "ORDER BY seq LIMIT $3",
                     Params().Add(connector).Add(state).Add(limit));
    if (!r) return std::unexpected(r.error());
    std::vector<OutboxMessage> out;
    for (int i = 0; i < r->rows(); ++i) out.push_back(ReadOutboxAt(*r, i));
    return out;
  });
}

Result<void> PgConnectorStore::FinishOutbound(int64_t seq, std::string_view state, int attempts,
                                              Time next_attempt_at, const std::string& error,
                                              Time at) {
  return db_.WriteWith([&](Connection& c) {
    return c.Run(
        "UPDATE connector_outbox SET state = $2::text, attempts = $3, next_attempt_at = $4, "
        "last_error = $5, done_at = CASE WHEN $2::text = 'pending' THEN NULL ELSE $6::bigint "
        "END WHERE seq = $1",
        Params()
            .Add(seq)
            .Add(state)
            .Add(attempts)
            .Add(ToUnixMicros(next_attempt_at))
            .Add(error)
            .Add(ToUnixMicros(at)));
  });
}

Result<int64_t> PgConnectorStore::RetryParked(const std::string& connector, Time now) {
  return WriteValue(db_, [&](Connection& c) -> Result<int64_t> {
    auto r = c.Query(
        "UPDATE connector_outbox SET state = 'pending', attempts = 0, next_attempt_at = $2, "
        "done_at = NULL WHERE connector = $1 AND state = 'parked'",
        Params().Add(connector).Add(ToUnixMicros(now)));
    if (!r) return std::unexpected(r.error());
    return r->affected();
  });
}

Result<bool> PgConnectorStore::LeaseOutbox(const std::string& connector, const std::string& owner,
                                           Time now, Time until, const std::string& replacing) {
  return WriteValue(db_, [&](Connection& c) -> Result<bool> {
    auto r = c.Query(
        "INSERT INTO outbox_leases (connector, owner, until) VALUES ($1, $2, $3) "
        "ON CONFLICT (connector) DO UPDATE SET owner = excluded.owner, until = excluded.until "
        "WHERE outbox_leases.owner = excluded.owner OR outbox_leases.until <= $4 OR "
        "($5::text <> '' AND outbox_leases.owner = $5::text)",
        Params()
            .Add(connector)
            .Add(owner)
            .Add(ToUnixMicros(until))
            .Add(ToUnixMicros(now))
            .Add(replacing));
    if (!r) return std::unexpected(r.error());
    return r->affected() == 1;
  });
}

Result<std::string> PgConnectorStore::OutboxLeaseHolder(const std::string& connector, Time now) {
  return ReadValue(db_, [&](Connection& c) -> Result<std::string> {
    auto r = c.Query("SELECT owner FROM outbox_leases WHERE connector = $1 AND until > $2",
                     Params().Add(connector).Add(ToUnixMicros(now)));
    if (!r) return std::unexpected(r.error());
    return r->rows() > 0 ? r->Text(0, 0) : std::string();
  });
}

Result<void> PgConnectorStore::ReleaseOutbox(const std::string& connector,
                                             const std::string& owner) {
  return db_.WriteWith([&](Connection& c) {
    return c.Run("DELETE FROM outbox_leases WHERE connector = $1 AND owner = $2",
                 Params().Add(connector).Add(owner));
  });
}

Result<OutboxCounts> PgConnectorStore::Outbox(const std::string& connector, Time since) {
  return ReadValue(db_, [&](Connection& c) -> Result<OutboxCounts> {
    auto r = c.Query(
        "SELECT count(*) FILTER (WHERE state = 'pending'), count(*) FILTER (WHERE state = "
        "'parked'), count(*) FILTER (WHERE state = 'sent' AND done_at >= $2), "
        "min(CASE WHEN state = 'pending' THEN created_at END) "
        "FROM connector_outbox WHERE connector = $1",
        Params().Add(connector).Add(ToUnixMicros(since)));
    if (!r) return std::unexpected(r.error());
    return OutboxCounts{.pending = r->Int(0, 0),
                        .parked = r->Int(0, 1),
                        .sent_since = r->Int(0, 2),
                        .oldest_pending = r->OptTime(0, 3)};
  });
}

Result<std::vector<std::string>> PgConnectorStore::LinksOf(const std::string& connector,
                                                           int64_t incident) {
  return ReadValue(db_, [&](Connection& c) -> Result<std::vector<std::string>> {
    auto r = c.Query(
        "SELECT external_id FROM connector_links WHERE connector = $1 AND incident = $2 "
        "ORDER BY external_id",
        Params().Add(connector).Add(incident));
    if (!r) return std::unexpected(r.error());
    std::vector<std::string> out;
    for (int i = 0; i < r->rows(); ++i) out.push_back(r->Text(i, 0));
    return out;
  });
}

Result<void> PgConnectorStore::LinkIncident(const std::string& connector,
                                            const std::string& external_id, int64_t incident,
                                            const std::vector<core::TimelineEntry>& entries) {
  return db_.WriteWith([&](Connection& c) -> Result<void> {
    if (auto ok = LockProviderObject(c, connector, external_id); !ok) return ok;
    auto r = c.Query(
        "INSERT INTO connector_links (connector, external_id, incident) VALUES ($1, $2, $3) "
        "ON CONFLICT (connector, external_id) DO NOTHING",
        Params().Add(connector).Add(external_id).Add(incident));
    if (!r) return std::unexpected(r.error());
    if (r->affected() == 0) return Ok();  // linked before: nothing to add
    if (auto ok = MarkSyncedWith(c, connector, incident); !ok) return ok;
    return InsertTimelineRows(c, incident, entries);
  });
}

Result<OutboundOf> PgConnectorStore::OutboundFor(const std::string& connector, int64_t incident) {
  return ReadValue(db_, [&](Connection& c) { return ReadOutboundOf(c, connector, incident); });
}

Result<std::vector<std::pair<std::string, int64_t>>> PgConnectorStore::LinkedUnresolved(
    const std::string& connector) {
  return ReadValue(db_, [&](Connection& c) -> Result<std::vector<std::pair<std::string, int64_t>>> {
    auto r = c.Query(
        "SELECT l.external_id, l.incident FROM connector_links l JOIN incidents i ON i.number = "
        "l.incident WHERE l.connector = $1 AND i.status IN ('open', 'mitigated') "
        "ORDER BY l.incident, l.external_id",
        Params().Add(connector));
    if (!r) return std::unexpected(r.error());
    std::vector<std::pair<std::string, int64_t>> out;
    for (int i = 0; i < r->rows(); ++i) out.emplace_back(r->Text(i, 0), r->Int(i, 1));
    return out;
  });
}

}  // namespace im::store::pg

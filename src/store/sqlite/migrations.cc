#include "store/sqlite/migrations.h"

#include "store/schema_behind.h"

#include <string>
#include <vector>

namespace im::store::sqlite {
namespace {

// Append only: a released migration never changes; fix forward with a new one.
const std::vector<const char*>& Migrations() {
  static const std::vector<const char*> kMigrations = {
      // 1: incidents, timeline, services, tokens.
      R"sql(
CREATE TABLE services (
  name        TEXT PRIMARY KEY,
  description TEXT NOT NULL DEFAULT '',
  team        TEXT NOT NULL DEFAULT '',
  owner       TEXT NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL
);
CREATE TABLE incidents (
  number               INTEGER PRIMARY KEY AUTOINCREMENT,
  title                TEXT NOT NULL,
  description          TEXT NOT NULL DEFAULT '',
  severity             INTEGER NOT NULL CHECK (severity BETWEEN 1 AND 4),
  urgency              TEXT NOT NULL CHECK (urgency IN ('high', 'low')),
  status               TEXT NOT NULL CHECK (status IN ('open', 'mitigated', 'resolved', 'closed')),
  services             TEXT NOT NULL,  -- JSON array, in declared order
  assignees            TEXT NOT NULL,  -- JSON array of emails
  custom_fields        TEXT NOT NULL,  -- JSON object
  created_at           INTEGER NOT NULL,  -- microseconds since the epoch, UTC
  created_by           TEXT NOT NULL,
  acknowledged_at      INTEGER,
  acknowledged_by      TEXT NOT NULL DEFAULT '',
  resolved_at          INTEGER,
  resolved_by          TEXT NOT NULL DEFAULT '',
  closed_at            INTEGER,
  closed_by            TEXT NOT NULL DEFAULT '',
  ack_sla_breached     INTEGER NOT NULL DEFAULT 0,
  resolve_sla_breached INTEGER NOT NULL DEFAULT 0,
  source               TEXT NOT NULL DEFAULT 'im',
  updated_at           INTEGER NOT NULL,
  version              INTEGER NOT NULL
);
CREATE INDEX incidents_created ON incidents (created_at);
CREATE INDEX incidents_status ON incidents (status, number);
CREATE TABLE incident_services (
  incident INTEGER NOT NULL REFERENCES incidents (number),
  service  TEXT NOT NULL,
  PRIMARY KEY (service, incident)
) WITHOUT ROWID;
CREATE TABLE timeline (
  id       INTEGER PRIMARY KEY,
  incident INTEGER NOT NULL REFERENCES incidents (number),
  at       INTEGER NOT NULL,
  kind     TEXT NOT NULL,
  actor    TEXT NOT NULL,
  message  TEXT NOT NULL,
  source   TEXT NOT NULL DEFAULT 'im'
);
CREATE INDEX timeline_incident ON timeline (incident, at, id);
CREATE INDEX timeline_kind ON timeline (kind);
CREATE TABLE api_tokens (
  id           INTEGER PRIMARY KEY,
  name         TEXT NOT NULL,
  prefix       TEXT NOT NULL,
  hash         TEXT NOT NULL UNIQUE,
  created_at   INTEGER NOT NULL,
  created_by   TEXT NOT NULL,
  revoked_at   INTEGER,
  last_used_at INTEGER
);
)sql",
      // 2: connectors, provider links, applied webhook events, provider directory, activity.
      R"sql(
CREATE TABLE connectors (
  name              TEXT PRIMARY KEY,
  type              TEXT NOT NULL,
  config            TEXT NOT NULL,  -- JSON; secrets sealed with the data directory's key
  created_at        INTEGER NOT NULL,
  last_sync_at      INTEGER,
  last_error        TEXT NOT NULL DEFAULT '',
  import_checkpoint INTEGER,
  import_done       INTEGER NOT NULL DEFAULT 0,
  last_webhook_at   INTEGER
);
CREATE TABLE connector_links (
  connector     TEXT NOT NULL,
  external_id   TEXT NOT NULL,
  incident      INTEGER NOT NULL REFERENCES incidents (number),
  last_event_at INTEGER,
  PRIMARY KEY (connector, external_id)
) WITHOUT ROWID;
CREATE INDEX connector_links_incident ON connector_links (incident);
CREATE TABLE connector_events (
  connector   TEXT NOT NULL,
  event_id    TEXT NOT NULL,
  webhook_id  TEXT NOT NULL,
  event_type  TEXT NOT NULL,
  occurred_at INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  resource_id TEXT NOT NULL,
  PRIMARY KEY (connector, event_id)
) WITHOUT ROWID;
CREATE TABLE connector_directory (
  connector   TEXT NOT NULL,
  kind        TEXT NOT NULL,
  external_id TEXT NOT NULL,
  name        TEXT NOT NULL,
  data        TEXT NOT NULL,
  PRIMARY KEY (connector, kind, external_id)
) WITHOUT ROWID;
CREATE TABLE connector_activity (
  connector        TEXT NOT NULL,
  minute           INTEGER NOT NULL,
  api_calls        INTEGER NOT NULL DEFAULT 0,
  api_errors       INTEGER NOT NULL DEFAULT 0,
  rate_limited     INTEGER NOT NULL DEFAULT 0,
  api_latency_us   INTEGER NOT NULL DEFAULT 0,
  webhook_events   INTEGER NOT NULL DEFAULT 0,
  incidents_synced INTEGER NOT NULL DEFAULT 0,
  syncs            INTEGER NOT NULL DEFAULT 0,
  sync_failures    INTEGER NOT NULL DEFAULT 0,
  sync_time_us     INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (connector, minute)
) WITHOUT ROWID;
ALTER TABLE timeline ADD COLUMN external_key TEXT;
CREATE UNIQUE INDEX timeline_external ON timeline (incident, external_key)
  WHERE external_key IS NOT NULL;
)sql",
      // 3: on-call schedules, escalation policies and the services they page for, people.
      R"sql(
CREATE TABLE oncall_schedules (
  id          TEXT PRIMARY KEY,
  source      TEXT NOT NULL,  -- 'im' or 'pagerduty:<connector>'
  external_id TEXT NOT NULL,  -- the id in source
  name        TEXT NOT NULL,
  time_zone   TEXT NOT NULL,
  definition  TEXT NOT NULL,  -- JSON (schedule/schedule_json.h)
  updated_at  INTEGER NOT NULL,
  UNIQUE (source, external_id)
);
CREATE TABLE escalation_policies (
  id          TEXT PRIMARY KEY,
  source      TEXT NOT NULL,
  external_id TEXT NOT NULL,
  name        TEXT NOT NULL,
  definition  TEXT NOT NULL,  -- JSON (schedule/schedule_json.h)
  updated_at  INTEGER NOT NULL,
  UNIQUE (source, external_id)
);
CREATE TABLE escalation_policy_services (
  service   TEXT NOT NULL,
  policy_id TEXT NOT NULL REFERENCES escalation_policies (id) ON DELETE CASCADE,
  PRIMARY KEY (service, policy_id)
) WITHOUT ROWID;
CREATE INDEX escalation_policy_services_policy ON escalation_policy_services (policy_id);
CREATE TABLE people (
  email      TEXT PRIMARY KEY,
  name       TEXT NOT NULL DEFAULT '',
  time_zone  TEXT NOT NULL DEFAULT ''  -- IANA; splits their on-call hours
);
)sql",
      // 4: updating an incident rewrites its service rows; find them without a table scan.
      R"sql(
CREATE INDEX incident_services_incident ON incident_services (incident);
)sql",
      // 5: the outbox of changes made in im, queued in the same transaction as the change and
      // sent to each outbound connector in order per incident (docs/pagerduty.md).
      R"sql(
CREATE TABLE connector_outbox (
  seq             INTEGER PRIMARY KEY,
  connector       TEXT NOT NULL,
  incident        INTEGER NOT NULL REFERENCES incidents (number),
  kind            TEXT NOT NULL,  -- create, acknowledge, resolve, reopen, note, assign
  payload         TEXT NOT NULL,  -- JSON: actor, note, ...
  created_at      INTEGER NOT NULL,
  state           TEXT NOT NULL DEFAULT 'pending'
                  CHECK (state IN ('pending', 'sent', 'parked', 'skipped')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error      TEXT NOT NULL DEFAULT '',
  done_at         INTEGER
);
CREATE INDEX connector_outbox_pending ON connector_outbox (connector, state, seq);
CREATE INDEX connector_outbox_incident ON connector_outbox (incident);
)sql",
      // 6: deployments and their attribution to incidents (DORA metrics, docs/dora.md).
      R"sql(
CREATE TABLE deployments (
  seq          INTEGER PRIMARY KEY,
  id           TEXT NOT NULL UNIQUE,  -- the sender's id: a second delivery is ignored
  service      TEXT NOT NULL,
  environment  TEXT NOT NULL,
  triggered_at INTEGER NOT NULL,  -- microseconds since the epoch, UTC
  finished_at  INTEGER,
  status       TEXT NOT NULL CHECK (status IN ('success', 'failure')),
  commit_sha   TEXT NOT NULL DEFAULT '',
  committed_at INTEGER,
  url          TEXT NOT NULL DEFAULT '',
  source       TEXT NOT NULL,
  received_at  INTEGER NOT NULL,
  incidents    INTEGER NOT NULL DEFAULT 0  -- attributed incidents, kept by the attribution
);
-- Covering indexes: the metrics scan them without touching the table.
CREATE INDEX deployments_time ON deployments
  (environment, status, triggered_at, finished_at, committed_at, incidents);
CREATE INDEX deployments_service ON deployments
  (service, environment, status, triggered_at, finished_at, committed_at, incidents);
CREATE TABLE deployment_attributions (
  incident   INTEGER PRIMARY KEY REFERENCES incidents (number),
  deployment INTEGER REFERENCES deployments (seq),  -- NULL: unlinked by hand
  service    TEXT NOT NULL DEFAULT '',              -- the shared service the rule matched
  manual     INTEGER NOT NULL DEFAULT 0,
  actor      TEXT NOT NULL DEFAULT '',
  at         INTEGER NOT NULL
);
CREATE INDEX deployment_attributions_deployment ON deployment_attributions (deployment);
CREATE TABLE dora_state (  -- attribution progress and the settings it was made with
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
-- Urgency first: the default report (high urgency only) scans half of each index, and
-- counts the low-urgency half without reading its rows out.
CREATE INDEX incidents_resolved ON incidents (urgency, resolved_at, created_at, acknowledged_at)
  WHERE resolved_at IS NOT NULL;
CREATE INDEX incidents_acknowledged ON incidents
  (urgency, acknowledged_at, created_at, resolved_at) WHERE acknowledged_at IS NOT NULL;
CREATE INDEX incidents_unresolved ON incidents (created_at, acknowledged_at, urgency)
  WHERE resolved_at IS NULL;
)sql",
      // 7: the connector an incident is synced with, whose SLA mapping applies to it
      // (docs/pagerduty.md, "SLA alignment"): the first connector linked to it, kept by a trigger
      // so every way of linking (import, webhook, outbound create) sets it in its transaction.
      R"sql(
ALTER TABLE incidents ADD COLUMN synced_with TEXT NOT NULL DEFAULT '';
UPDATE incidents SET synced_with = (SELECT min(l.connector) FROM connector_links l
                                    WHERE l.incident = incidents.number)
  WHERE number IN (SELECT incident FROM connector_links);
CREATE TRIGGER connector_links_synced_with AFTER INSERT ON connector_links BEGIN
  UPDATE incidents SET synced_with = NEW.connector
    WHERE number = NEW.incident AND synced_with = '';
END;
-- Who sends a connector's outbox: one process at a time (a server and `im connector sync` may
-- run together), so no change is sent twice.
CREATE TABLE outbox_leases (
  connector TEXT PRIMARY KEY,
  owner     TEXT NOT NULL,     -- host:pid:random of the process holding it
  until     INTEGER NOT NULL   -- microseconds since the epoch; free after this
) WITHOUT ROWID;
)sql",
      // 8: this installation's id, made once, so what im creates in a provider account that
      // other installations share carries a key of its own (docs/pagerduty.md: incident_key
      // im-<id>-INC-<n>). Creates queued before keep the key they may already have been sent
      // with, INC-<n>, for the look-up that keeps a create from being made twice.
      R"sql(
CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO settings (key, value) VALUES ('install_id', lower(hex(randomblob(4))));
UPDATE connector_outbox SET payload = json_set(payload, '$.legacy_key', 'INC-' || incident)
  WHERE kind = 'create' AND state IN ('pending', 'parked');
)sql",
      // 9: every signed webhook delivery is recorded, also those im cannot apply: their body is
      // kept, a body that is not an event is counted apart, and the incidents they name wait in
      // a queue to be fetched from the provider's API (docs/pagerduty.md, "Webhooks").
      R"sql(
ALTER TABLE connector_events ADD COLUMN body TEXT;  -- NULL when the event was applied
ALTER TABLE connector_activity ADD COLUMN webhook_unreadable INTEGER NOT NULL DEFAULT 0;
CREATE TABLE connector_refetch (
  connector       TEXT NOT NULL,
  external_id     TEXT NOT NULL,     -- the provider's incident id
  reason          TEXT NOT NULL,     -- the event type that asked
  queued_at       INTEGER NOT NULL,  -- the latest ask, microseconds since the epoch
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error      TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (connector, external_id)
) WITHOUT ROWID;
CREATE INDEX connector_refetch_due ON connector_refetch (connector, next_attempt_at);
)sql",
      // 10: what the store needs to know of a connector's config is kept in columns of its
      // own, written by the connector layer with the config, so no query reads the config's
      // JSON (whose shape belongs to each connector type). Filled once from the configs here.
      R"sql(
ALTER TABLE connectors ADD COLUMN sends_changes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE connectors ADD COLUMN sla_mapping TEXT NOT NULL DEFAULT '';
UPDATE connectors SET
  sends_changes = coalesce(json_extract(config, '$.sync_direction') IN ('outbound',
                                                                        'bidirectional'), 0),
  sla_mapping = CASE WHEN json_extract(config, '$.custom.sla_mapping') IS NULL
                       OR json_extract(config, '$.custom.sla_mapping') IN ('{}', 'null')
                     THEN '' ELSE json_extract(config, '$.custom.sla_mapping') END;
)sql",
      // 11: uptime monitors (docs/monitors.md): their definitions and state (JSON read only by
      // src/monitor), every check result (kept 30 days by default), notification channels,
      // and the Events API v2 integrations whose routing keys open incidents here. Channel
      // sends use connector_outbox under the name "channel:<name>".
      R"sql(
CREATE TABLE monitors (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: PagerDuty dedup keys
  name              TEXT NOT NULL UNIQUE,
  definition        TEXT NOT NULL,  -- JSON (monitor/monitor_json.h)
  paused            INTEGER NOT NULL DEFAULT 0,
  state             TEXT NOT NULL DEFAULT '{}',  -- JSON: thresholds' counters, open outage
  heartbeat_token   TEXT UNIQUE,    -- heartbeat monitors: the secret in their ping URL
  last_heartbeat_at INTEGER,
  last_check_at     INTEGER,
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL
);
CREATE TABLE monitor_checks (
  id          INTEGER PRIMARY KEY,
  monitor     INTEGER NOT NULL,
  at          INTEGER NOT NULL,  -- microseconds since the epoch, UTC
  ok          INTEGER NOT NULL,
  response_us INTEGER NOT NULL,
  error       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX monitor_checks_at ON monitor_checks (monitor, at);
CREATE TABLE channels (
  name       TEXT PRIMARY KEY,
  type       TEXT NOT NULL,
  config     TEXT NOT NULL,  -- JSON (monitor/channel.h)
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE event_integrations (
  routing_key  TEXT PRIMARY KEY,
  name         TEXT NOT NULL,
  service      TEXT NOT NULL,
  severity_map TEXT NOT NULL,  -- JSON: Events v2 severity → SEV-n
  created_at   INTEGER NOT NULL
) WITHOUT ROWID;
-- The im incident an Events v2 sender's dedup_key opened (open until resolved).
CREATE TABLE event_alerts (
  routing_key TEXT NOT NULL,
  dedup_key   TEXT NOT NULL,
  incident    INTEGER NOT NULL REFERENCES incidents (number),
  PRIMARY KEY (routing_key, dedup_key, incident)
) WITHOUT ROWID;
)sql",
      // 12: incidents a provider says were not incidents after all (incident.io's declined,
      // canceled, merged) stay, and are left out of MTTA, MTTR and open counts: the metric
      // indexes hold only the rest, so the scans stay index-only.
      R"sql(
ALTER TABLE incidents ADD COLUMN in_metrics INTEGER NOT NULL DEFAULT 1;
DROP INDEX incidents_resolved;
DROP INDEX incidents_acknowledged;
DROP INDEX incidents_unresolved;
CREATE INDEX incidents_resolved ON incidents (urgency, resolved_at, created_at, acknowledged_at)
  WHERE resolved_at IS NOT NULL AND in_metrics = 1;
CREATE INDEX incidents_acknowledged ON incidents
  (urgency, acknowledged_at, created_at, resolved_at)
  WHERE acknowledged_at IS NOT NULL AND in_metrics = 1;
CREATE INDEX incidents_unresolved ON incidents (created_at, acknowledged_at, urgency)
  WHERE resolved_at IS NULL AND in_metrics = 1;
)sql",
      // 13: notifications (docs/notifications.md): rules (JSON read only by src/notify),
      // people's contact methods, claims that make a thing happen once across processes (a
      // SEV-1 war room), im's own escalation of each incident, and used acknowledge links.
      // Messages go through connector_outbox as "channel:<name>", like monitors' pages.
      R"sql(
CREATE TABLE notify_rules (
  name       TEXT PRIMARY KEY,
  definition TEXT NOT NULL,  -- JSON (notify/rule.h)
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE notify_contacts (
  email      TEXT PRIMARY KEY,
  phone      TEXT NOT NULL DEFAULT '',
  slack_user TEXT NOT NULL DEFAULT '',
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE notify_claims (
  key        TEXT PRIMARY KEY,
  owner      TEXT NOT NULL,
  value      TEXT NOT NULL DEFAULT '',
  claimed_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE notify_escalations (
  incident   INTEGER PRIMARY KEY REFERENCES incidents (number),
  policy_id  TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  next_step  INTEGER NOT NULL,
  next_at    INTEGER NOT NULL,
  state      TEXT NOT NULL CHECK (state IN ('active', 'stopped', 'exhausted')),
  reason     TEXT NOT NULL DEFAULT '',
  updated_at INTEGER NOT NULL
);
CREATE INDEX notify_escalations_due ON notify_escalations (state, next_at);
CREATE TABLE notify_ack_links (
  link_id  TEXT PRIMARY KEY,
  incident INTEGER NOT NULL,
  used_at  INTEGER NOT NULL
) WITHOUT ROWID;
)sql",
      // 14: the connector an incident is synced with is set by the connector store's code in
      // the transaction that links it, as on PostgreSQL, no longer by a trigger.
      R"sql(
DROP TRIGGER connector_links_synced_with;
)sql",
      // 15: several instances on one database (docs/deployment.md): live instances, the
      // claim on each background job, the job module versions of a rolling upgrade.
      R"sql(
CREATE TABLE im_instances (
  id         TEXT PRIMARY KEY,
  started_at INTEGER NOT NULL,
  last_seen  INTEGER NOT NULL,
  version    TEXT NOT NULL DEFAULT '',
  modules    TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE TABLE job_claims (
  job         TEXT PRIMARY KEY,
  owner       TEXT NOT NULL DEFAULT '',
  claimed_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  finished_at INTEGER
) WITHOUT ROWID;
CREATE TABLE job_modules (
  module  TEXT PRIMARY KEY,
  version INTEGER NOT NULL
) WITHOUT ROWID;
)sql",
      // 16: the monitors' status list (counts and order of 10,000 monitors on the dashboard)
      // reads this index, not each monitor's row with its definition.
      R"sql(
CREATE INDEX monitors_status ON monitors (name, paused, last_check_at, state);
)sql",
  };
  return kMigrations;
}

Result<int> UserVersion(Connection& conn) {
  auto st = conn.Prepare("PRAGMA user_version");
  if (!st) return std::unexpected(st.error());
  auto row = (*st)->Step();
  if (!row) return std::unexpected(row.error());
  return static_cast<int>((*st)->Int(0));
}

}  // namespace

int LatestSchemaVersion(const SchemaOptions& options) {
  return static_cast<int>(Migrations().size() + options.later.size());
}

Result<void> Migrate(Connection& conn, const SchemaOptions& options) {
  auto version = UserVersion(conn);
  if (!version) return std::unexpected(version.error());
  std::vector<const char*> all = Migrations();
  for (const auto& m : options.later) all.push_back(m.sqlite_sql.c_str());
  const int latest = LatestSchemaVersion(options);
  if (*version > latest) {
    return Fail(ErrorCode::kFailedPrecondition,
                "the data directory has schema version " + std::to_string(*version) +
                    " but this im knows only up to version " + std::to_string(latest) +
                    ": it was written by a newer im; upgrade im (nothing was changed)");
  }
  if (!options.migrate && *version < latest) return SchemaBehind(*version, latest);
  for (int v = *version; v < latest; ++v) {
    if (auto ok = conn.Exec("BEGIN IMMEDIATE"); !ok) return ok;
    // Another process may have migrated while we waited for the lock.
    auto now = UserVersion(conn);
    if (!now) {
      (void)conn.Exec("ROLLBACK");
      return std::unexpected(now.error());
    }
    if (*now > v) {
      (void)conn.Exec("ROLLBACK");
      v = *now - 1;
      continue;
    }
    auto ok = conn.Exec(all[static_cast<size_t>(v)]);
    if (ok) ok = conn.Exec("PRAGMA user_version = " + std::to_string(v + 1));
    if (ok) ok = conn.Exec("COMMIT");
    if (!ok) {
      (void)conn.Exec("ROLLBACK");
      return std::unexpected(
          ok.error().Wrap("migrating the database to version " + std::to_string(v + 1)));
    }
  }
  return Ok();
}

}  // namespace im::store::sqlite

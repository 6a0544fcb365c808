#include "store/sqlite/migrations.h"

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

int LatestSchemaVersion() { return static_cast<int>(Migrations().size()); }

Result<void> Migrate(Connection& conn) {
  auto version = UserVersion(conn);
  if (!version) return std::unexpected(version.error());
  if (*version > LatestSchemaVersion()) {
    return Fail(ErrorCode::kFailedPrecondition,
                "the data directory has schema version " + std::to_string(*version) +
                    " but this im knows only up to version " +
                    std::to_string(LatestSchemaVersion()) +
                    ": it was written by a newer im; upgrade im (nothing was changed)");
  }
  for (int v = *version; v < LatestSchemaVersion(); ++v) {
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
    auto ok = conn.Exec(Migrations()[v]);
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

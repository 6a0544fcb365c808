// Numbered schema migrations for the SQLite store. The schema version is PRAGMA user_version.
#pragma once

#include "common/error.h"
#include "store/schema_options.h"
#include "store/sqlite/connection.h"

namespace im::store::sqlite {

// The newest schema version this build knows (with `options`' later migrations).
int LatestSchemaVersion(const SchemaOptions& options = {});

// Brings the database up to LatestSchemaVersion(), one transaction per migration. A database
// from a newer im is refused untouched; without options.migrate, so is an older one (run
// `im db migrate`).
Result<void> Migrate(Connection& conn, const SchemaOptions& options = {});

}  // namespace im::store::sqlite

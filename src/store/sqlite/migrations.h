// Numbered schema migrations for the SQLite store. The schema version is PRAGMA user_version.
#pragma once

#include "common/error.h"
#include "store/sqlite/connection.h"

namespace im::store::sqlite {

// The newest schema version this build knows.
int LatestSchemaVersion();

// Brings the database up to LatestSchemaVersion(), one transaction per migration. A database
// from a newer im is refused untouched.
Result<void> Migrate(Connection& conn);

}  // namespace im::store::sqlite

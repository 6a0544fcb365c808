// Numbered schema migrations for the PostgreSQL store, with the same numbers as the SQLite
// store's (store/sqlite/migrations.cc), so SchemaVersion() means the same schema on both. A
// fresh database gets the version-13 schema in one step; later versions are added to both
// backends under the same number. The version is kept in the table im_schema.
#pragma once

#include "common/error.h"
#include "store/pg/connection.h"
#include "store/schema_options.h"

namespace im::store::pg {

// The newest schema version this build knows (equal to the SQLite store's).
int LatestSchemaVersion(const SchemaOptions& options = {});

// The schema version of the database (0 when im never migrated it).
Result<int> SchemaVersionOf(Connection& conn);

// Brings the database up to LatestSchemaVersion(), one transaction per migration, holding a
// session advisory lock so that several instances starting together migrate it once (the others
// wait, then find it done). A database from a newer im is refused and left untouched.
// Without options.migrate a database behind this binary is refused too (run `im db migrate`).
Result<void> Migrate(Connection& conn, const SchemaOptions& options = {});

}  // namespace im::store::pg

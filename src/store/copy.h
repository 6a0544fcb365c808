// Copying an installation from one database to another (`im db migrate-from-sqlite`): every
// table, row for row, in one transaction on the target, verified by counts and checksums
// before it commits. Today from SQLite to PostgreSQL.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace im::store {

struct CopyOptions {
  // Overwrite a target that holds other data. Without it such a target is refused, untouched.
  bool replace = false;
};

struct TableCopy {
  std::string table;
  int64_t rows = 0;
  uint64_t checksum = 0;  // FNV-1a over the rows in column order, the same on both databases
};

struct CopyResult {
  // False when the target already held exactly this data (a second run): nothing was written.
  bool copied = false;
  int schema_version = 0;
  std::vector<TableCopy> tables;  // as found on both, after the copy
  std::string target;             // `to` with its password left out, for messages
};

// Copies the database at `from` (sqlite:PATH, which must exist; it is upgraded to this im's
// schema first, as any im command would) into the one at `to` (postgres://…, created and
// migrated as `im serve` would). The target must be empty (a fresh database) or already hold
// this very copy, unless `options.replace`. Nothing is committed unless every table's count
// and checksum match; the source is only read.
Result<CopyResult> CopyDatabase(std::string_view from, std::string_view to,
                                const CopyOptions& options);

}  // namespace im::store

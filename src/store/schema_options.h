// How a store treats its schema when it opens: whether it migrates the database (`im serve
// --no-migrate` does not: a database behind the binary is refused, telling to run `im db
// migrate`), and migrations beyond the built-in ones (a test's "next release" binary).
#pragma once

#include <string>
#include <vector>

namespace im::store {

struct LaterMigration {
  int version = 0;  // the built-in latest + 1, + 2, ...
  std::string sqlite_sql;
  std::string pg_sql;
};

struct SchemaOptions {
  bool migrate = true;
  std::vector<LaterMigration> later;
};

}  // namespace im::store

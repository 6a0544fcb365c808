// Which database the integration suites run on. SQLite, in the test's own directory, unless
// IM_TEST_BACKEND=postgres: then a fresh database of its own on the test process's PostgreSQL
// (fakes/pg_server.h). CTest runs the suites registered with im_test(... ALSO_ON_POSTGRES) twice,
// the second time as "pg.<Suite>.<Test>" with IM_TEST_BACKEND=postgres.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include "fakes/pg_server.h"

namespace im::testing {

inline bool OnPostgres() {
  const char* backend = std::getenv("IM_TEST_BACKEND");
  return backend != nullptr && std::string_view(backend) == "postgres";
}

// A new PostgreSQL database of its own (and a failed test, with PostgreSQL's reason, when there
// is none).
inline std::string NewPgDatabase() {
  auto& server = PgServer::Shared();
  std::string url = server.NewDatabase();
  EXPECT_TRUE(server.ready()) << server.error();
  return url;
}

// The address for store::Open: `sqlite_file` on SQLite, else the test's PostgreSQL database
// (IM_DATABASE_URL, set for each test by fakes/pg_backend_listener.cc), or a new one, which
// becomes the test's (IM_DATABASE_URL: fakes/sqlite_query.h reads it).
inline std::string TestDatabaseAddress(const std::filesystem::path& sqlite_file) {
  if (!OnPostgres()) return sqlite_file.string();
  if (const char* url = std::getenv("IM_DATABASE_URL")) return url;
  std::string url = NewPgDatabase();
  ::setenv("IM_DATABASE_URL", url.c_str(), 1);
  return url;
}

}  // namespace im::testing

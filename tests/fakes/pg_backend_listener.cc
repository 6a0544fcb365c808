// Linked into the test binaries registered with im_test(... ALSO_ON_POSTGRES): with
// IM_TEST_BACKEND=postgres, each test starts with IM_DATABASE_URL naming a fresh PostgreSQL
// database of its own, which the `im` processes it starts and TestServerConfig use. Built with
// IM_TEST_PG_ON_DEMAND, it only forgets the previous test's: TestDatabaseAddress makes one when
// a test opens a store, so tests that never do cost no database. On PostgreSQL every instance
// takes the connector secret key from IM_SECRET_KEY (docs/deployment.md), so the suites get one.
#include <gtest/gtest.h>
#include <stdlib.h>

#include "fakes/test_backend.h"

namespace {

class PgDatabasePerTest : public testing::EmptyTestEventListener {
 public:
  void OnTestStart(const testing::TestInfo&) override {
    if (!im::testing::OnPostgres()) return;
    // 32 bytes in base64, shared by the test and every `im` it starts.
    ::setenv("IM_SECRET_KEY", "cHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHA=", 0);
#ifdef IM_TEST_PG_ON_DEMAND
    ::unsetenv("IM_DATABASE_URL");
    return;
#endif
    std::string url = im::testing::NewPgDatabase();
    ::setenv("IM_DATABASE_URL", url.c_str(), 1);
  }
};

const bool pg_listener_registered = [] {
  testing::UnitTest::GetInstance()->listeners().Append(new PgDatabasePerTest);
  return true;
}();

}  // namespace

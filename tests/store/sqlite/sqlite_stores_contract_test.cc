// The monitor, notification, connector and deployment store contracts on SQLite
// (tests/store/stores_contract.h).
#include <gtest/gtest.h>

#include "fakes/fake_clock.h"
#include "fakes/temp_dir.h"
#include "store/connector_store_contract.h"
#include "store/deployment_store_contract.h"
#include "store/stores_contract.h"

namespace im::store {
namespace {

using testing::ConnectorStoreContractTest;
using testing::DeploymentStoreContractTest;
using testing::MonitorStoreContractTest;
using testing::NotifyStoreContractTest;

im::testing::TempDir& StoresDir() {
  static im::testing::TempDir dir;
  return dir;
}

std::string& LastSqlitePath() {
  static std::string path;
  return path;
}

Stores OpenSqlite(const std::string& path) {
  static im::testing::FakeClock clock(Time{});
  auto s = Open("sqlite:" + path, {}, clock);
  EXPECT_TRUE(s) << s.error().message;
  return s ? std::move(*s) : Stores{};
}

testing::StoresFactory SqliteStores() {
  return {.fresh =
              [] {
                static int n = 0;
                LastSqlitePath() = StoresDir().File("stores-" + std::to_string(n++) + ".db");
                return OpenSqlite(LastSqlitePath());
              },
          .again = [] { return OpenSqlite(LastSqlitePath()); }};
}

INSTANTIATE_TEST_SUITE_P(Sqlite, MonitorStoreContractTest, ::testing::Values(SqliteStores()),
                         [](const auto&) { return std::string("sqlite"); });
INSTANTIATE_TEST_SUITE_P(Sqlite, NotifyStoreContractTest, ::testing::Values(SqliteStores()),
                         [](const auto&) { return std::string("sqlite"); });

INSTANTIATE_TEST_SUITE_P(Sqlite, ConnectorStoreContractTest, ::testing::Values(SqliteStores()),
                         [](const auto&) { return std::string("sqlite"); });
INSTANTIATE_TEST_SUITE_P(Sqlite, DeploymentStoreContractTest, ::testing::Values(SqliteStores()),
                         [](const auto&) { return std::string("sqlite"); });

}  // namespace
}  // namespace im::store

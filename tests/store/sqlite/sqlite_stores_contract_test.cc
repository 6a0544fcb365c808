// The connector, deployment, monitor and notification store contracts on SQLite: every store of
// one fresh database file, opened through store::Open as im opens it.
#include <gtest/gtest.h>

#include "fakes/fake_clock.h"
#include "fakes/temp_dir.h"
#include "store/connector_store_contract.h"
#include "store/deployment_store_contract.h"
#include "store/open.h"
#include "store/stores_contract.h"

namespace im::store {
namespace {

im::testing::TempDir& ContractDir() {
  static im::testing::TempDir dir;
  return dir;
}

Stores FreshSqliteStores() {
  static im::testing::FakeClock clock(Time{});
  static int n = 0;
  auto stores =
      Open("sqlite:" + ContractDir().File("stores-" + std::to_string(n++) + ".db"), {}, clock);
  EXPECT_TRUE(stores) << (stores ? "" : stores.error().message);
  return stores ? std::move(*stores) : Stores{};
}

using im::store::testing::ConnectorStoreContractTest;
using im::store::testing::DeploymentStoreContractTest;
using im::store::testing::JobStoreContractTest;
using im::store::testing::MonitorStoreContractTest;
using im::store::testing::NotifyStoreContractTest;

INSTANTIATE_TEST_SUITE_P(Sqlite, ConnectorStoreContractTest,
                         ::testing::Values(testing::StoresFactory(FreshSqliteStores)),
                         [](const auto&) { return std::string("sqlite"); });
INSTANTIATE_TEST_SUITE_P(Sqlite, DeploymentStoreContractTest,
                         ::testing::Values(testing::StoresFactory(FreshSqliteStores)),
                         [](const auto&) { return std::string("sqlite"); });

// Monitor and notification stores, with a second instance on the same file.
std::string& LastSqlitePath() {
  static std::string path;
  return path;
}

Stores OpenSqliteAt(const std::string& path) {
  static im::testing::FakeClock clock(Time{});
  auto s = Open("sqlite:" + path, {}, clock);
  EXPECT_TRUE(s) << s.error().message;
  return s ? std::move(*s) : Stores{};
}

testing::InstancesFactory SqliteInstances() {
  return {.fresh =
              [] {
                static int n = 0;
                LastSqlitePath() = ContractDir().File("instances-" + std::to_string(n++) + ".db");
                return OpenSqliteAt(LastSqlitePath());
              },
          .again = [] { return OpenSqliteAt(LastSqlitePath()); }};
}

INSTANTIATE_TEST_SUITE_P(Sqlite, MonitorStoreContractTest, ::testing::Values(SqliteInstances()),
                         [](const auto&) { return std::string("sqlite"); });
INSTANTIATE_TEST_SUITE_P(Sqlite, NotifyStoreContractTest, ::testing::Values(SqliteInstances()),
                         [](const auto&) { return std::string("sqlite"); });
INSTANTIATE_TEST_SUITE_P(Sqlite, JobStoreContractTest, ::testing::Values(SqliteInstances()),
                         [](const auto&) { return std::string("sqlite"); });

}  // namespace
}  // namespace im::store

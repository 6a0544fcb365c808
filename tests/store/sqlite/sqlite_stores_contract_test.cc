// The connector and deployment store contracts on SQLite: every store of one fresh database
// file, opened through store::Open as im opens it.
#include "fakes/fake_clock.h"
#include "fakes/temp_dir.h"
#include "store/connector_store_contract.h"
#include "store/deployment_store_contract.h"
#include "store/open.h"

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

INSTANTIATE_TEST_SUITE_P(Sqlite, ConnectorStoreContractTest,
                         ::testing::Values(testing::StoresFactory(FreshSqliteStores)),
                         [](const auto&) { return std::string("sqlite"); });
INSTANTIATE_TEST_SUITE_P(Sqlite, DeploymentStoreContractTest,
                         ::testing::Values(testing::StoresFactory(FreshSqliteStores)),
                         [](const auto&) { return std::string("sqlite"); });

}  // namespace
}  // namespace im::store

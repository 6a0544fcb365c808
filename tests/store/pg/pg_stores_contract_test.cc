// The connector, deployment, monitor and notification store contracts on PostgreSQL.
#include <gtest/gtest.h>

#include "fakes/fake_clock.h"
#include "fakes/pg_server.h"
#include "store/connector_store_contract.h"
#include "store/deployment_store_contract.h"
#include "store/stores_contract.h"

namespace im::store {
namespace {

using testing::ConnectorStoreContractTest;
using testing::DeploymentStoreContractTest;
using testing::JobStoreContractTest;
using testing::MonitorStoreContractTest;
using testing::NotifyStoreContractTest;

std::string& LastPgUrl() {
  static std::string url;
  return url;
}

Stores OpenPg(const std::string& url) {
  static im::testing::FakeClock clock(Time{});
  if (url.empty()) return {};
  auto s = Open(url, {}, clock);
  EXPECT_TRUE(s) << s.error().message;
  return s ? std::move(*s) : Stores{};
}

testing::InstancesFactory PgInstances() {
  return {.fresh =
              [] {
                auto& server = im::testing::PgServer::Shared();
                LastPgUrl() = server.NewDatabase();
                EXPECT_TRUE(server.ready()) << server.error();
                return OpenPg(LastPgUrl());
              },
          .again = [] { return OpenPg(LastPgUrl()); }};
}

Stores FreshPgStores() {
  auto& server = im::testing::PgServer::Shared();
  std::string url = server.NewDatabase();
  EXPECT_TRUE(server.ready()) << server.error();
  return OpenPg(url);
}

INSTANTIATE_TEST_SUITE_P(Postgres, ConnectorStoreContractTest,
                         ::testing::Values(testing::StoresFactory(FreshPgStores)),
                         [](const auto&) { return std::string("postgres"); });
INSTANTIATE_TEST_SUITE_P(Postgres, DeploymentStoreContractTest,
                         ::testing::Values(testing::StoresFactory(FreshPgStores)),
                         [](const auto&) { return std::string("postgres"); });
INSTANTIATE_TEST_SUITE_P(Postgres, MonitorStoreContractTest, ::testing::Values(PgInstances()),
                         [](const auto&) { return std::string("postgres"); });
INSTANTIATE_TEST_SUITE_P(Postgres, NotifyStoreContractTest, ::testing::Values(PgInstances()),
                         [](const auto&) { return std::string("postgres"); });
INSTANTIATE_TEST_SUITE_P(Postgres, JobStoreContractTest, ::testing::Values(PgInstances()),
                         [](const auto&) { return std::string("postgres"); });

}  // namespace
}  // namespace im::store

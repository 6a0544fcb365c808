// The connector store contract: behaviour every backend must show (connectors and their state,
// provider updates with event dedupe, refetches, the directory, activity counters, the outbox
// with its fan-out, leases and parking, and links). A backend's test instantiates
// ConnectorStoreContractTest with a factory that returns fresh, empty stores of one database.
#pragma once

#include <gtest/gtest.h>

#include "store/stores_contract.h"

namespace im::store::testing {

class ConnectorStoreContractTest : public ::testing::TestWithParam<StoresFactory> {
 protected:
  void SetUp() override {
    stores_ = GetParam().fresh();
    ASSERT_TRUE(stores_.main && stores_.connectors);
  }
  Store& main() { return *stores_.main; }
  ConnectorStore& connectors() { return *stores_.connectors; }
  Stores stores_;
};

}  // namespace im::store::testing

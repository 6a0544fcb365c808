// The deployment store contract: behaviour every backend must show (deployments stored once by
// id, attribution by the rule and by hand, the facts behind DORA). A backend's test
// instantiates DeploymentStoreContractTest with a factory that returns fresh, empty stores of
// one database, opened with the default attribution settings (4 h either side, production).
#pragma once

#include <gtest/gtest.h>

#include "store/stores_contract.h"

namespace im::store::testing {

class DeploymentStoreContractTest : public ::testing::TestWithParam<StoresFactory> {
 protected:
  void SetUp() override {
    stores_ = GetParam().fresh();
    ASSERT_TRUE(stores_.main && stores_.deployments);
  }
  Store& main() { return *stores_.main; }
  DeploymentStore& deployments() { return *stores_.deployments; }
  Stores stores_;
};

}  // namespace im::store::testing

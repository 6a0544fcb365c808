// The store contract: behaviour every backend must show. A backend's test instantiates
// StoreContractTest with a factory that returns a fresh, empty store.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>

#include "store/store.h"

namespace im::store::testing {

using StoreFactory = std::function<std::unique_ptr<Store>()>;

class StoreContractTest : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override { store_ = GetParam()(); }
  std::unique_ptr<Store> store_;
};

}  // namespace im::store::testing

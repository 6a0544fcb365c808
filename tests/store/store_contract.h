// The store contract: behaviour every backend must show. A backend's test instantiates
// StoreContractTest with a factory that returns a fresh, empty store.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <utility>

#include "store/store.h"

namespace im::store::testing {

using StoreFactory = std::function<std::unique_ptr<Store>()>;

class StoreContractTest : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override { store_ = GetParam()(); }
  std::unique_ptr<Store> store_;
};

// Two stores on one fresh, empty database (two processes' worth of connections), for the
// concurrency contract: what one commits the other sees, and neither loses the other's writes.
using TwoStoresFactory = std::function<std::pair<std::unique_ptr<Store>, std::unique_ptr<Store>>()>;

class StoreConcurrencyTest : public ::testing::TestWithParam<TwoStoresFactory> {
 protected:
  void SetUp() override {
    auto [a, b] = GetParam()();
    a_ = std::move(a);
    b_ = std::move(b);
  }
  std::unique_ptr<Store> a_;
  std::unique_ptr<Store> b_;
};

}  // namespace im::store::testing

// The ScheduleStore contract: behaviour every backend must show. A backend's test instantiates
// ScheduleStoreContractTest with a factory that returns a fresh, empty store.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>

#include "store/schedule_store.h"

namespace im::store::testing {

using ScheduleStoreFactory = std::function<std::unique_ptr<ScheduleStore>()>;

class ScheduleStoreContractTest : public ::testing::TestWithParam<ScheduleStoreFactory> {
 protected:
  void SetUp() override { store_ = GetParam()(); }
  std::unique_ptr<ScheduleStore> store_;
};

}  // namespace im::store::testing

// Contracts of the stores beside the incident store that no suite of their own covered: the
// monitor store, the notification store and the job store. A backend's test instantiates them with
// a factory that opens every store (store::Open) of one fresh, empty database, and can open them
// again on that same database (a second instance), for the concurrency checks.
#pragma once

#include <gtest/gtest.h>

#include <functional>

#include "store/open.h"

namespace im::store::testing {

struct InstancesFactory {
  std::function<Stores()> fresh;  // every store of a new, empty database
  std::function<Stores()> again;  // every store of the database `fresh` made last
};

class MonitorStoreContractTest : public ::testing::TestWithParam<InstancesFactory> {
 protected:
  void SetUp() override { s_ = GetParam().fresh(); }
  Stores s_;
};

class NotifyStoreContractTest : public ::testing::TestWithParam<InstancesFactory> {
 protected:
  void SetUp() override { s_ = GetParam().fresh(); }
  Stores s_;
};

// The job store (store/job_store.h): two instances racing for one claim, expiry, renewal.
class JobStoreContractTest : public ::testing::TestWithParam<InstancesFactory> {
 protected:
  void SetUp() override { s_ = GetParam().fresh(); }
  Stores s_;
};

}  // namespace im::store::testing

// Fresh, empty stores of one database for the contract suites of the stores that share it
// (connector, deployment): a backend's test instantiates a suite with a factory.
#pragma once

#include <functional>

#include "store/open.h"

namespace im::store::testing {

using StoresFactory = std::function<Stores()>;

}  // namespace im::store::testing

// GET /api/v1/instances: the `im serve` instances alive on this database, which instance holds
// each background job's claim, and the stored job module versions (docs/deployment.md).
#pragma once

#include <string>

#include "common/clock.h"
#include "http/router.h"
#include "store/job_store.h"

namespace im::http::api {

struct InstancesApiContext {
  store::JobStore& jobs;
  const Clock& clock;
  Duration instance_ttl;  // seen within this: alive
  std::string self;       // the answering instance's id
};

void AddInstanceRoutes(Router& router, const InstancesApiContext& ctx);

}  // namespace im::http::api

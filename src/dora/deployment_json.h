// A deployment as JSON: the webhook body we accept (camelCase, as CI systems send it) and the
// API form we return (snake_case, like the rest of /api/v1).
#pragma once

#include "common/json.h"
#include "dora/deployment.h"

namespace im::dora {

// {"id","service","environment","triggeredAt","finishedAt","status","commitSha",
//  "committedAt" (or "mergedAt"),"url"}. Errors are kInvalidArgument and name the field; an
// unknown field is an error too (a misspelt "triggered_at" must not be dropped silently).
// environment defaults to "production", status to "success". Source and received_at are left
// for the caller to set.
Result<Deployment> DeploymentFromWebhookJson(const json::object& body);

json::object DeploymentToJson(const Deployment& d);

}  // namespace im::dora

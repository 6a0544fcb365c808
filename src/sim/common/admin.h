// The simulator admin API under /_sim/ (never a provider path): request log, knobs, API keys,
// webhook target, delivery log, state dump and scripted scenarios. Unauthenticated by design:
// the simulator is a test tool bound to the address the user chose.
#pragma once

#include <functional>

#include "common/json.h"
#include "http/router.h"
#include "sim/common/sim_router.h"
#include "sim/common/webhook_queue.h"

namespace im::sim {

struct AdminHooks {
  std::function<json::value()> state;  // GET /_sim/state
  // POST /_sim/scenarios/{name} with the request body; returns what was done.
  std::function<Result<json::value>(const std::string& name, const json::object& body)> scenario;
};

void AddAdminRoutes(http::Router& router, SimContext ctx, WebhookQueue* webhooks, AdminHooks hooks);

}  // namespace im::sim

// Provider webhooks (POST /connectors/{name}/webhook) and the connector listing
// (/api/v1/connectors), over the connector manager.
#pragma once

#include <spdlog/spdlog.h>

#include <memory>

#include "common/clock.h"
#include "connectors/manager.h"
#include "engine/tokens.h"
#include "http/router.h"
#include "store/connector_store.h"

namespace im::http::api {

// Each webhook delivery is logged to `webhook_log` (`im logs --component webhook`): the
// provider, the connector, the answer and what it applied. POST .../test and
// .../retry-parked are writes: they need a token or a dashboard session (`tokens`).
void AddConnectorRoutes(Router& router, connectors::Manager& manager, store::ConnectorStore& store,
                        const Clock& clock, std::shared_ptr<spdlog::logger> webhook_log,
                        engine::Tokens& tokens);

}  // namespace im::http::api

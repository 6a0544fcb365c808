// A connector's state as `im connector list`, `status` and `health` show it: read once, so the
// three (and their --json) agree with each other and with GET /api/v1/connectors.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/connector_runtime.h"
#include "common/json.h"

namespace im::cli {

struct ConnectorState {
  store::StoredConnector stored;
  std::optional<connectors::ConnectorConfig> config;  // none when it cannot be unsealed
  store::ActivityCounters day;                        // the last 24 hours
  int64_t linked = 0;                                 // provider incidents linked to ours
  store::OutboxCounts outbox;
  std::vector<store::OutboxMessage> parked;  // the first 10
  std::string sender;                        // who holds the outbox lease, "" for nobody
  // The API's status JSON, with "outbox" carrying "parked_items" and "sender".
  json::object json;
};

Result<ConnectorState> ReadConnectorState(app::ConnectorRuntime& cr, const std::string& name,
                                          Time now);

}  // namespace im::cli

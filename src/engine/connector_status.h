// A connector's state, read once and judged the same way wherever it is shown: `im connector
// list|status|health|metrics` render it, and so does GET /api/v1/connectors, so the CLI and the
// API never compute different fields.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/json.h"
#include "connectors/manager.h"
#include "store/connector_store.h"

namespace im::engine {

struct ConnectorMetrics {
  int64_t total_incidents = 0;   // provider incidents linked to ours
  int64_t syncs = 0;             // since the connector was added
  double sync_success_rate = 1;  // 1 when there were no syncs
  double average_sync_seconds = 0;
  // The busier of this minute and the last, by every im process, against the key's limit.
  int64_t calls_per_minute = 0;
  int rate_limit_per_minute = 0;  // 0: no local limit
  double rate_limit_usage = 0;
};

struct ConnectorStatus {
  store::StoredConnector stored;
  std::optional<connectors::ConnectorConfig> config;  // none when it cannot be unsealed
  std::string config_error;                           // why not
  // "never synced", "error" (the last sync failed), "importing" or "active".
  std::string state;
  store::ActivityCounters day;  // the last 24 hours
  int64_t linked = 0;           // provider incidents linked to ours
  store::OutboxCounts outbox;
  std::vector<store::OutboxMessage> parked;  // the first 10
  std::string sender;                        // who holds the outbox lease, "" for nobody
  ConnectorMetrics metrics;
  double error_rate_24h = 0;  // API calls that failed in the last 24 hours
};

Result<ConnectorStatus> ReadConnectorStatus(connectors::Manager& manager,
                                            store::ConnectorStore& store, const std::string& name,
                                            Time now);
// Every connector's, by name.
Result<std::vector<ConnectorStatus>> ReadConnectorStatuses(connectors::Manager& manager,
                                                           store::ConnectorStore& store, Time now);

// The status as JSON (config redacted): what `im connector status --json` prints and what
// GET /api/v1/connectors lists.
json::object ConnectorStatusJson(const ConnectorStatus& s, Time now);
// The metrics as `im connector metrics NAME --json` prints them.
json::object ConnectorMetricsJson(const ConnectorStatus& s);

}  // namespace im::engine

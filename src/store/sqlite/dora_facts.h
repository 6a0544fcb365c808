// The reads behind DORA reports on SQLite: compact facts scanned from covering indexes
// (migration 5), and the attributions shown in drill-downs.
#pragma once

#include <span>
#include <utility>
#include <vector>

#include "dora/metrics.h"
#include "store/deployment_store.h"
#include "store/sqlite/connection.h"

namespace im::store::sqlite {

// The facts for all services come from four scans of different covering indexes; each can run
// on its own connection (SqliteDeploymentStore runs them in parallel).
enum class FactPart { kDeployments, kResolved, kAcknowledged, kOpenAtEnd };
Result<void> ReadAllServicesPart(Connection& conn, const FactQuery& query,
                                 std::string_view environment, FactPart part,
                                 dora::MetricsInput& in);

// All facts on one connection, one after the other.
Result<dora::MetricsInput> ReadFacts(Connection& conn, const FactQuery& query,
                                     std::string_view environment);

Result<std::vector<Attribution>> LoadAttributions(Connection& conn,
                                                  std::span<const int64_t> incidents);
Result<std::vector<std::pair<int64_t, int64_t>>> LoadIncidentsOf(Connection& conn,
                                                                 std::span<const int64_t> seqs);
// The source of each incident that exists ("im", "pagerduty:<connector>", ...).
Result<std::vector<std::pair<int64_t, std::string>>> LoadSourcesOf(
    Connection& conn, std::span<const int64_t> incidents);

}  // namespace im::store::sqlite

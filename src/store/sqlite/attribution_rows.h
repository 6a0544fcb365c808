// Incident → deployment attribution on SQLite (migration 5): applying the rule of
// dora/attribution.h to one incident, to the incidents in a new deployment's window, and to the
// incidents added since the last catch-up; links by hand; reading attributions back with their
// explanation. Each function runs inside the caller's transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "store/deployment_store.h"
#include "store/sqlite/connection.h"

namespace im::store::sqlite {

// Applies the rule to one incident unless it was linked or unlinked by hand; keeps the
// deployments' incident counts. True when its attribution changed.
Result<bool> Reattribute(Connection& conn, int64_t incident, Time created,
                         const AttributionSettings& settings);

// Re-applies the rule to the incidents of `service` created in the window around
// `triggered_at`; returns how many changed.
Result<int64_t> ReattributeAround(Connection& conn, std::string_view service, Time triggered_at,
                                  const AttributionSettings& settings);

// Attributes up to `batch` incidents numbered above the watermark and moves it; first
// re-attributes everything when `settings` differ from those the watermark was made with.
// Returns how many incidents it looked at (0 = up to date).
Result<int64_t> CatchUpBatch(Connection& conn, const AttributionSettings& settings, int64_t batch);
// True when CatchUpBatch has something to do (a read; no write needed to find out).
Result<bool> NeedsCatchUp(Connection& conn, const AttributionSettings& settings);

// Stores a link (deployment_seq) or an unlink (nullopt) by hand.
Result<void> SetManual(Connection& conn, int64_t incident, std::optional<int64_t> deployment_seq,
                       std::string_view actor, Time at);
// Removes a link by hand (no-op when the incident has none).
Result<void> ClearManual(Connection& conn, int64_t incident);

// created_at of an incident; kNotFound when there is none.
Result<Time> IncidentCreatedAt(Connection& conn, int64_t incident);

}  // namespace im::store::sqlite

// Reading and writing incident, timeline, service and token rows on PostgreSQL, shared by
// PgStore and the domain stores beside it (as store/sqlite/rows.h is for SQLite).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/incident.h"
#include "core/service.h"
#include "store/pg/connection.h"
#include "store/store.h"

namespace im::store::pg {

// Reads the incident, locking its row until the transaction ends (SELECT … FOR UPDATE) when
// `for_update`: a read-modify-write in a transaction then cannot lose a concurrent update.
Result<core::Incident> LoadIncident(Connection& conn, int64_t number, bool for_update = false);
Result<int64_t> InsertIncidentRow(Connection& conn, const core::Incident& incident);
// Locks the row, records the state before for the observer, replaces it.
Result<void> UpdateIncidentRow(Connection& conn, const core::Incident& incident);
// Takes the timeline lock first (see PgStore): entry ids then grow in commit order.
Result<void> InsertTimelineRows(Connection& conn, int64_t number,
                                const std::vector<core::TimelineEntry>& entries);
// With `for_update`, the rows stay locked until the transaction ends (a read that the
// transaction writes back from, as the SLA sweep does).
Result<std::vector<core::Incident>> QueryIncidents(Connection& conn, const IncidentFilter& filter,
                                                   bool for_update = false);
// The SQL and parameters of a filtered incident list, newest first.
std::string IncidentQuery(const IncidentFilter& filter, Params& params, bool for_update = false);
core::Incident ReadIncident(const PgResult& r, int row);
Result<std::vector<core::TimelineEntry>> QueryTimeline(Connection& conn, int64_t number);
// The incident and its timeline in one statement (one snapshot).
Result<IncidentWithTimeline> LoadIncidentWithTimeline(Connection& conn, int64_t number);

Result<std::vector<core::Service>> QueryServices(Connection& conn);
Result<core::Service> LoadService(Connection& conn, const std::string& name);
Result<std::vector<core::ApiToken>> QueryTokens(Connection& conn, const std::string& hash = "");

}  // namespace im::store::pg

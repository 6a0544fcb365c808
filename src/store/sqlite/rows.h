// Reading and writing im's domain types as SQLite rows; shared by transactions and reads.
#pragma once

#include <functional>
#include <vector>

#include "core/incident.h"
#include "core/service.h"
#include "store/sqlite/connection.h"
#include "store/store.h"

namespace im::store::sqlite {

// Column list matching ReadIncident.
extern const char* const kIncidentColumns;

core::Incident ReadIncident(const Statement& st);
Result<core::Incident> LoadIncident(Connection& conn, int64_t number);
Result<int64_t> InsertIncidentRow(Connection& conn, const core::Incident& incident);
Result<void> UpdateIncidentRow(Connection& conn, const core::Incident& incident);
Result<void> InsertTimelineRows(Connection& conn, int64_t number,
                                const std::vector<core::TimelineEntry>& entries);
Result<std::vector<core::Incident>> QueryIncidents(Connection& conn, const IncidentFilter& filter);
Result<void> EachIncident(Connection& conn, const IncidentFilter& filter,
                          const std::function<Result<void>(core::Incident)>& visit);
Result<std::vector<core::TimelineEntry>> QueryTimeline(Connection& conn, int64_t number);

Result<std::vector<core::Service>> QueryServices(Connection& conn);
Result<core::Service> LoadService(Connection& conn, const std::string& name);
Result<std::vector<core::ApiToken>> QueryTokens(Connection& conn, const std::string& hash = "");

}  // namespace im::store::sqlite

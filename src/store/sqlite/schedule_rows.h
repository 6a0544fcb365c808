// Reading and writing on-call definitions (schedules, escalation policies, people) as SQLite
// rows; shared by SqliteScheduleStore's reads and its transactions.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "store/schedule_store.h"
#include "store/sqlite/connection.h"

namespace im::store::sqlite {

// Schedules and policies share their row layout (id, source, external_id, definition, ...).
struct Kind {
  const char* table;
  const char* what;  // for messages
};
extern const Kind kSchedules;
extern const Kind kPolicies;

// Upserts by (source, external_id) as ScheduleStore::UpsertSchedule says; returns the id.
Result<std::string> WriteSchedule(Connection& c, const StoredSchedule& schedule);
Result<std::string> WritePolicy(Connection& c, const StoredPolicy& policy);
Result<void> WritePerson(Connection& c, const Person& person);
// kNotFound when no row has `id`.
Result<void> DeleteRow(Connection& c, const Kind& kind, std::string_view id);
// Deletes the rows of `source` whose id is not in `keep`; returns how many.
Result<int> RemoveOthers(Connection& c, const Kind& kind, const std::string& source,
                         const std::set<std::string>& keep);

// Rows matching `where` ("" or "WHERE ..." with ?1.. bound to `args`), sorted by id.
Result<std::vector<StoredSchedule>> QuerySchedules(Connection& c, const std::string& where,
                                                   const std::vector<std::string>& args);
Result<std::vector<StoredPolicy>> QueryPolicies(Connection& c, const std::string& where,
                                                const std::vector<std::string>& args);
Result<std::vector<Person>> QueryPeople(Connection& c);

}  // namespace im::store::sqlite

// SqliteScheduleStore: each call is one read on a pooled connection or one group-committed
// write transaction of the SqliteStore (schedule_rows.h holds the row code).
#include "store/sqlite/schedule_store.h"

#include "store/found.h"
#include "store/sqlite/schedule_rows.h"

namespace im::store::sqlite {

Result<std::string> SqliteScheduleStore::UpsertSchedule(const StoredSchedule& schedule) {
  return WriteValue(store_, [&](Connection& c) { return WriteSchedule(c, schedule); });
}

Result<std::string> SqliteScheduleStore::UpsertPolicy(const StoredPolicy& policy) {
  return WriteValue(store_, [&](Connection& c) { return WritePolicy(c, policy); });
}

Result<void> SqliteScheduleStore::UpsertPerson(const Person& person) {
  return store_.WriteWith([&](Connection& c) { return WritePerson(c, person); });
}

Result<void> SqliteScheduleStore::DeleteSchedule(std::string_view id) {
  return store_.WriteWith([&](Connection& c) { return DeleteRow(c, kSchedules, id); });
}

Result<void> SqliteScheduleStore::DeletePolicy(std::string_view id) {
  return store_.WriteWith([&](Connection& c) { return DeleteRow(c, kPolicies, id); });
}

Result<ReplaceCounts> SqliteScheduleStore::ReplaceSource(std::string_view source_view,
                                                         const SourceContents& contents) {
  const std::string source(source_view);
  return WriteValue(store_, [&](Connection& c) -> Result<ReplaceCounts> {
    std::set<std::string> schedules, policies;
    for (StoredSchedule s : contents.schedules) {
      s.source = source;
      auto id = WriteSchedule(c, s);
      if (!id) return std::unexpected(id.error().Wrap("schedule '" + s.schedule.id + "'"));
      schedules.insert(*id);
    }
    for (StoredPolicy p : contents.policies) {
      p.source = source;
      auto id = WritePolicy(c, p);
      if (!id) return std::unexpected(id.error().Wrap("escalation policy '" + p.policy.id + "'"));
      policies.insert(*id);
    }
    for (const auto& person : contents.people) {
      if (auto ok = WritePerson(c, person); !ok) return std::unexpected(ok.error());
    }
    auto removed_schedules = RemoveOthers(c, kSchedules, source, schedules);
    if (!removed_schedules) return std::unexpected(removed_schedules.error());
    auto removed_policies = RemoveOthers(c, kPolicies, source, policies);
    if (!removed_policies) return std::unexpected(removed_policies.error());
    return ReplaceCounts{.schedules_saved = static_cast<int>(schedules.size()),
                         .schedules_removed = *removed_schedules,
                         .policies_saved = static_cast<int>(policies.size()),
                         .policies_removed = *removed_policies,
                         .people_saved = static_cast<int>(contents.people.size())};
  });
}

Result<std::vector<StoredSchedule>> SqliteScheduleStore::ListSchedules() {
  return ReadValue(store_, [&](Connection& c) { return QuerySchedules(c, "", {}); });
}

Result<StoredSchedule> SqliteScheduleStore::GetSchedule(std::string_view id) {
  return OneFound(ReadValue(store_,
                            [&](Connection& c) {
                              return QuerySchedules(c, "WHERE id = ?1", {std::string(id)});
                            }),
                  kSchedules.what, id);
}

Result<std::optional<StoredSchedule>> SqliteScheduleStore::FindSchedule(
    std::string_view source, std::string_view external_id) {
  return FirstFound(ReadValue(store_, [&](Connection& c) {
    return QuerySchedules(c, "WHERE source = ?1 AND external_id = ?2",
                          {std::string(source), std::string(external_id)});
  }));
}

Result<std::vector<StoredPolicy>> SqliteScheduleStore::ListPolicies() {
  return ReadValue(store_, [&](Connection& c) { return QueryPolicies(c, "", {}); });
}

Result<StoredPolicy> SqliteScheduleStore::GetPolicy(std::string_view id) {
  return OneFound(ReadValue(store_,
                            [&](Connection& c) {
                              return QueryPolicies(c, "WHERE id = ?1", {std::string(id)});
                            }),
                  kPolicies.what, id);
}

Result<std::optional<StoredPolicy>> SqliteScheduleStore::FindPolicy(std::string_view source,
                                                                    std::string_view external_id) {
  return FirstFound(ReadValue(store_, [&](Connection& c) {
    return QueryPolicies(c, "WHERE source = ?1 AND external_id = ?2",
                         {std::string(source), std::string(external_id)});
  }));
}

Result<std::optional<StoredPolicy>> SqliteScheduleStore::PolicyForService(
    std::string_view service) {
  return FirstFound(ReadValue(store_, [&](Connection& c) {
    return QueryPolicies(c,
                         "WHERE id = (SELECT min(policy_id) FROM escalation_policy_services "
                         "WHERE service = ?1)",
                         {std::string(service)});
  }));
}

Result<std::vector<Person>> SqliteScheduleStore::ListPeople() {
  return ReadValue(store_, [&](Connection& c) { return QueryPeople(c); });
}

}  // namespace im::store::sqlite

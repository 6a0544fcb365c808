// ScheduleStore on the PostgreSQL database of a PgStore: its own tables, read on the store's
// pooled connections and written in its transactions (as store/sqlite/schedule_store.h).
#pragma once

#include "store/pg/pg_store.h"
#include "store/schedule_store.h"

namespace im::store::pg {

class PgScheduleStore final : public ScheduleStore {
 public:
  // `store` must outlive this. Thread-safe as PgStore is.
  explicit PgScheduleStore(PgStore& store) : store_(store) {}

  Result<std::string> UpsertSchedule(const StoredSchedule& schedule) override;
  Result<std::string> UpsertPolicy(const StoredPolicy& policy) override;
  Result<void> UpsertPerson(const Person& person) override;
  Result<void> DeleteSchedule(std::string_view id) override;
  Result<void> DeletePolicy(std::string_view id) override;
  Result<ReplaceCounts> ReplaceSource(std::string_view source,
                                      const SourceContents& contents) override;
  Result<std::vector<StoredSchedule>> ListSchedules() override;
  Result<StoredSchedule> GetSchedule(std::string_view id) override;
  Result<std::optional<StoredSchedule>> FindSchedule(std::string_view source,
                                                     std::string_view external_id) override;
  Result<std::vector<StoredPolicy>> ListPolicies() override;
  Result<StoredPolicy> GetPolicy(std::string_view id) override;
  Result<std::optional<StoredPolicy>> FindPolicy(std::string_view source,
                                                 std::string_view external_id) override;
  Result<std::optional<StoredPolicy>> PolicyForService(std::string_view service) override;
  Result<std::vector<Person>> ListPeople() override;

 private:
  PgStore& store_;
};

}  // namespace im::store::pg

// PgScheduleStore passes the ScheduleStore contract, on a database of the test PostgreSQL.
#include <gtest/gtest.h>

#include "fakes/pg_server.h"
#include "store/pg/schedule_store.h"
#include "store/schedule_store_contract.h"

namespace im::store::pg {
namespace {

// A schedule store with the PgStore it borrows, closed together.
class OwnedPgScheduleStore final : public ScheduleStore {
 public:
  explicit OwnedPgScheduleStore(std::unique_ptr<PgStore> base)
      : base_(std::move(base)), store_(*base_) {}
  Result<std::string> UpsertSchedule(const StoredSchedule& s) override {
    return store_.UpsertSchedule(s);
  }
  Result<std::string> UpsertPolicy(const StoredPolicy& p) override {
    return store_.UpsertPolicy(p);
  }
  Result<void> UpsertPerson(const Person& p) override { return store_.UpsertPerson(p); }
  Result<void> DeleteSchedule(std::string_view id) override { return store_.DeleteSchedule(id); }
  Result<void> DeletePolicy(std::string_view id) override { return store_.DeletePolicy(id); }
  Result<ReplaceCounts> ReplaceSource(std::string_view source,
                                      const SourceContents& contents) override {
    return store_.ReplaceSource(source, contents);
  }
  Result<std::vector<StoredSchedule>> ListSchedules() override { return store_.ListSchedules(); }
  Result<StoredSchedule> GetSchedule(std::string_view id) override {
    return store_.GetSchedule(id);
  }
  Result<std::optional<StoredSchedule>> FindSchedule(std::string_view source,
                                                     std::string_view external_id) override {
    return store_.FindSchedule(source, external_id);
  }
  Result<std::vector<StoredPolicy>> ListPolicies() override { return store_.ListPolicies(); }
  Result<StoredPolicy> GetPolicy(std::string_view id) override { return store_.GetPolicy(id); }
  Result<std::optional<StoredPolicy>> FindPolicy(std::string_view source,
                                                 std::string_view external_id) override {
    return store_.FindPolicy(source, external_id);
  }
  Result<std::optional<StoredPolicy>> PolicyForService(std::string_view service) override {
    return store_.PolicyForService(service);
  }
  Result<std::vector<Person>> ListPeople() override { return store_.ListPeople(); }

 private:
  std::unique_ptr<PgStore> base_;
  PgScheduleStore store_;
};

using testing::ScheduleStoreContractTest;

INSTANTIATE_TEST_SUITE_P(
    Postgres, ScheduleStoreContractTest,
    ::testing::Values(testing::ScheduleStoreFactory([]() -> std::unique_ptr<ScheduleStore> {
      auto& server = im::testing::PgServer::Shared();
      std::string url = server.NewDatabase();
      EXPECT_TRUE(server.ready()) << server.error();
      if (url.empty()) return nullptr;
      auto base = PgStore::Open(url);
      EXPECT_TRUE(base) << base.error().message;
      if (!base) return nullptr;
      return std::make_unique<OwnedPgScheduleStore>(std::move(*base));
    })),
    [](const auto&) { return std::string("postgres"); });

}  // namespace
}  // namespace im::store::pg

// SqliteScheduleStore passes the ScheduleStore contract, on the file of a SqliteStore.
#include "store/sqlite/schedule_store.h"

#include <gtest/gtest.h>

#include "fakes/temp_dir.h"
#include "store/schedule_store_contract.h"

namespace im::store::sqlite {
namespace {

im::testing::TempDir& ScheduleStoreDir() {
  static im::testing::TempDir dir;
  return dir;
}

// The SqliteStores under the schedule stores, which only borrow them; kept for the whole run.
std::vector<std::unique_ptr<SqliteStore>>& Bases() {
  static std::vector<std::unique_ptr<SqliteStore>> bases;
  return bases;
}

using testing::ScheduleStoreContractTest;

INSTANTIATE_TEST_SUITE_P(
    Sqlite, ScheduleStoreContractTest,
    ::testing::Values(testing::ScheduleStoreFactory([]() -> std::unique_ptr<ScheduleStore> {
      static int n = 0;
      auto s =
          SqliteStore::Open(ScheduleStoreDir().File("schedules-" + std::to_string(n++) + ".db"));
      EXPECT_TRUE(s);
      Bases().push_back(std::move(*s));
      return std::make_unique<SqliteScheduleStore>(*Bases().back());
    })),
    [](const auto&) { return std::string("sqlite"); });

}  // namespace
}  // namespace im::store::sqlite

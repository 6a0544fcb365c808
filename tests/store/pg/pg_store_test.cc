// The PostgreSQL store against a real PostgreSQL 15 server (tests/fakes/pg_server.h): the
// store contract, the concurrency contract, and migrations.
#include "store/pg/pg_store.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "common/time.h"
#include "core/lifecycle.h"
#include "fakes/deadline.h"
#include "fakes/pg_server.h"
#include "store/pg/migrations.h"
#include "store/sqlite/migrations.h"
#include "store/store_contract.h"

namespace im::store::pg {
namespace {

using im::testing::PgServer;
using testing::StoreConcurrencyTest;
using testing::StoreContractTest;

// A fresh database on the shared server; fails the test (with what to do) when there is none.
std::string FreshDatabase() {
  PgServer& server = PgServer::Shared();
  std::string url = server.NewDatabase();
  EXPECT_TRUE(server.ready()) << server.error();
  return url;
}

std::unique_ptr<Store> OpenOrFail(const std::string& url) {
  if (url.empty()) return nullptr;
  auto s = PgStore::Open(url);
  EXPECT_TRUE(s) << s.error().message;
  if (!s) return nullptr;
  return std::move(*s);
}

INSTANTIATE_TEST_SUITE_P(Postgres, StoreContractTest, ::testing::Values(testing::StoreFactory([]() {
                           return OpenOrFail(FreshDatabase());
                         })),
                         [](const auto&) { return std::string("postgres"); });

INSTANTIATE_TEST_SUITE_P(Postgres, StoreConcurrencyTest,
                         ::testing::Values(testing::TwoStoresFactory([]() {
                           std::string url = FreshDatabase();
                           auto a = OpenOrFail(url);
                           auto b = OpenOrFail(url);
                           return std::pair{std::move(a), std::move(b)};
                         })),
                         [](const auto&) { return std::string("postgres"); });

TEST(PgStoreTest, KnowsTheSameSchemaVersionsAsSqlite) {
  // A migration added to one backend is added to the other under the same number.
  EXPECT_EQ(LatestSchemaVersion(), sqlite::LatestSchemaVersion());
  std::string url = FreshDatabase();
  auto store = OpenOrFail(url);
  ASSERT_TRUE(store);
  EXPECT_EQ(*store->SchemaVersion(), LatestSchemaVersion());
}

TEST(PgStoreTest, SeveralInstancesStartingTogetherMigrateOnce) {
  std::string url = FreshDatabase();
  ASSERT_FALSE(url.empty());
  // Counts the CREATE TABLEs run on the database: a second migration would run them again
  // (and fail, or double the settings row).
  ASSERT_EQ(PgServer::Exec(url,
                           "CREATE TABLE ddl_log (tag TEXT); "
                           "CREATE FUNCTION log_ddl() RETURNS event_trigger LANGUAGE plpgsql AS "
                           "$$ BEGIN INSERT INTO ddl_log VALUES (tg_tag); END $$; "
                           "CREATE EVENT TRIGGER log_ddl ON ddl_command_end "
                           "WHEN TAG IN ('CREATE TABLE') EXECUTE FUNCTION log_ddl()"),
            "");
  constexpr int kInstances = 6;
  std::vector<std::thread> threads;
  std::vector<std::string> errors(kInstances);
  for (int i = 0; i < kInstances; ++i) {
    threads.emplace_back([&, i] {
      auto store = PgStore::Open(url);
      if (!store) errors[i] = store.error().message;
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& e : errors) EXPECT_EQ(e, "");
  std::string tables, installs, version;
  ASSERT_EQ(PgServer::Exec(url, "SELECT count(*) FROM ddl_log", &tables), "");
  ASSERT_EQ(PgServer::Exec(url, "SELECT count(*) FROM settings", &installs), "");
  ASSERT_EQ(PgServer::Exec(url, "SELECT version FROM im_schema", &version), "");
  std::string expected;
  ASSERT_EQ(PgServer::Exec(url,
                           "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND "
                           "tablename != 'ddl_log'",
                           &expected),
            "");
  EXPECT_EQ(tables, expected);  // each table created once
  EXPECT_EQ(installs, "1");
  EXPECT_EQ(version, std::to_string(LatestSchemaVersion()));
}

TEST(PgStoreTest, RefusesANewerSchemaAndLeavesItUntouched) {
  std::string url = FreshDatabase();
  ASSERT_TRUE(OpenOrFail(url));
  int future = LatestSchemaVersion() + 5;
  ASSERT_EQ(PgServer::Exec(url, "UPDATE im_schema SET version = " + std::to_string(future)), "");
  std::string before;
  ASSERT_EQ(
      PgServer::Exec(url, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", &before),
      "");

  auto store = PgStore::Open(url);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(store.error().message.find("upgrade im"), std::string::npos) << store.error().message;
  EXPECT_NE(store.error().message.find(std::to_string(future)), std::string::npos);

  std::string version, after;
  ASSERT_EQ(PgServer::Exec(url, "SELECT version FROM im_schema", &version), "");
  EXPECT_EQ(version, std::to_string(future));
  ASSERT_EQ(
      PgServer::Exec(url, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", &after),
      "");
  EXPECT_EQ(after, before);
}

TEST(PgStoreTest, AServerThatIsNotThereIsUnavailableAndThePasswordIsNotShown) {
  uint16_t port = im::testing::FreeLoopbackPort();
  auto store = PgStore::Open("postgresql://im:s3cret@127.0.0.1:" + std::to_string(port) + "/im");
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(store.error().message.find("connecting to PostgreSQL at postgresql://im:***@"),
            std::string::npos)
      << store.error().message;
  EXPECT_EQ(store.error().message.find("s3cret"), std::string::npos);
}

TEST(PgStoreTest, TwoDatabasesHaveTheirOwnInstallIds) {
  auto a = OpenOrFail(FreshDatabase());
  auto b = OpenOrFail(FreshDatabase());
  ASSERT_TRUE(a && b);
  EXPECT_NE(*a->InstallId(), *b->InstallId());
}

// A transaction that loses a deadlock is run again, and both land.
TEST(PgStoreTest, ATransactionThatLosesADeadlockIsRunAgain) {
  std::string url = FreshDatabase();
  auto a = OpenOrFail(url);
  auto b = OpenOrFail(url);
  ASSERT_TRUE(a && b);
  auto declare = [](Store& s, const char* title) {
    auto c = core::Declare({.title = title, .services = {"api"}},
                           core::Actor{.email = "a@example.com"}, *ParseTime("2026-01-01"));
    int64_t n = 0;
    EXPECT_TRUE(s.Transact([&](Tx& tx) -> Result<void> {
      auto r = tx.InsertIncident(c->incident);
      if (!r) return std::unexpected(r.error());
      n = *r;
      return Ok();
    }));
    return n;
  };
  int64_t x = declare(*a, "x"), y = declare(*a, "y");
  // Each transaction locks one incident, waits until the other has locked the other, then
  // asks for the one the other holds: PostgreSQL aborts one of them with a deadlock.
  std::mutex mu;
  std::condition_variable cv;
  int locked = 0;
  std::atomic<int> runs{0};
  auto crossed = [&](Store& s, int64_t first, int64_t second, const std::string& field) {
    return s.Transact([&](Tx& tx) -> Result<void> {
      bool first_run = runs.fetch_add(1) < 2;
      auto one = tx.GetIncident(first);
      if (!one) return std::unexpected(one.error());
      if (first_run) {
        std::unique_lock lock(mu);
        ++locked;
        cv.notify_all();
        im::testing::WaitOrFail(
            cv, lock, [&] { return locked >= 2; }, "the other transaction");
      }
      auto two = tx.GetIncident(second);
      if (!two) return std::unexpected(two.error());
      one->custom_fields[field] = "1";
      one->version++;
      return tx.UpdateIncident(*one);
    });
  };
  Result<void> ra, rb;
  std::thread ta([&] { ra = crossed(*a, x, y, "a"); });
  std::thread tb([&] { rb = crossed(*b, y, x, "b"); });
  ta.join();
  tb.join();
  EXPECT_TRUE(ra) << ra.error().message;
  EXPECT_TRUE(rb) << rb.error().message;
  // One of the two ran again (and may have met the other once more before it committed).
  EXPECT_GE(runs, 3);
  EXPECT_EQ(a->GetIncident(x)->custom_fields.count("a"), 1u);
  EXPECT_EQ(a->GetIncident(y)->custom_fields.count("b"), 1u);
}

}  // namespace
}  // namespace im::store::pg

#include "store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

#include "common/time.h"
#include "core/lifecycle.h"
#include "fakes/deadline.h"
#include "fakes/temp_dir.h"
#include "store/sqlite/connector_store.h"
#include "store/sqlite/migrations.h"
#include "store/store_contract.h"

namespace im::store::sqlite {
namespace {

using im::testing::TempDir;

TempDir& SharedDir() {
  static TempDir dir;
  return dir;
}

using testing::StoreConcurrencyTest;
using testing::StoreContractTest;

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContractTest,
                         ::testing::Values(testing::StoreFactory([]() -> std::unique_ptr<Store> {
                           static int n = 0;
                           auto s = SqliteStore::Open(
                               SharedDir().File("contract-" + std::to_string(n++) + ".db"));
                           EXPECT_TRUE(s);
                           return std::move(*s);
                         })),
                         [](const auto&) { return std::string("sqlite"); });

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreConcurrencyTest,
                         ::testing::Values(testing::TwoStoresFactory(
                             []() -> std::pair<std::unique_ptr<Store>, std::unique_ptr<Store>> {
                               static int n = 0;
                               std::string path =
                                   SharedDir().File("concurrency-" + std::to_string(n++) + ".db");
                               auto a = SqliteStore::Open(path);
                               auto b = SqliteStore::Open(path);
                               EXPECT_TRUE(a && b);
                               if (!a || !b) return {};
                               return {std::move(*a), std::move(*b)};
                             })),
                         [](const auto&) { return std::string("sqlite"); });

TEST(SqliteStoreTest, UsesWalAndRecordsTheSchemaVersion) {
  TempDir dir;
  auto store = SqliteStore::Open(dir.File("im.db"));
  ASSERT_TRUE(store);
  EXPECT_EQ(*(*store)->SchemaVersion(), LatestSchemaVersion());
  EXPECT_TRUE(std::filesystem::exists(dir.File("im.db-wal")));
}

TEST(SqliteStoreTest, RefusesANewerSchemaAndLeavesItUntouched) {
  TempDir dir;
  {
    auto store = SqliteStore::Open(dir.File("im.db"));
    ASSERT_TRUE(store);
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir.File("im.db").c_str(), &db), SQLITE_OK);
  int future = LatestSchemaVersion() + 5;
  ASSERT_EQ(sqlite3_exec(db, ("PRAGMA user_version = " + std::to_string(future)).c_str(), nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);

  auto store = SqliteStore::Open(dir.File("im.db"));
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(store.error().message.find("upgrade im"), std::string::npos);

  ASSERT_EQ(sqlite3_open(dir.File("im.db").c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, nullptr);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(st, 0), future);
  sqlite3_finalize(st);
  sqlite3_close(db);
}

TEST(SqliteStoreTest, TwoStoresOnOneFileSeeEachOthersWrites) {
  // The CLI and a running server each open the data directory: both must work at once.
  TempDir dir;
  auto a = SqliteStore::Open(dir.File("im.db"));
  auto b = SqliteStore::Open(dir.File("im.db"));
  ASSERT_TRUE(a && b);
  auto declare = [](Store& s, const char* title) {
    auto c = core::Declare({.title = title, .services = {"api"}},
                           core::Actor{.email = "a@example.com"}, *ParseTime("2026-01-01"));
    return s.Transact([&](Tx& tx) -> Result<void> {
      auto n = tx.InsertIncident(c->incident);
      if (!n) return std::unexpected(n.error());
      return Ok();
    });
  };
  std::thread ta([&] {
    for (int i = 0; i < 50; ++i) ASSERT_TRUE(declare(**a, "from a"));
  });
  std::thread tb([&] {
    for (int i = 0; i < 50; ++i) ASSERT_TRUE(declare(**b, "from b"));
  });
  ta.join();
  tb.join();
  EXPECT_EQ((*a)->ListIncidents({})->size(), 100u);
  EXPECT_EQ((*b)->ListIncidents({})->size(), 100u);
}

TEST(SqliteStoreTest, ReopeningKeepsTheData) {
  TempDir dir;
  {
    auto s = SqliteStore::Open(dir.File("im.db"));
    auto c = core::Declare({.title = "kept", .services = {"api"}},
                           core::Actor{.email = "a@example.com"}, *ParseTime("2026-01-01"));
    ASSERT_TRUE((*s)->Transact([&](Tx& tx) -> Result<void> {
      auto n = tx.InsertIncident(c->incident);
      if (!n) return std::unexpected(n.error());
      return Ok();
    }));
  }
  auto s = SqliteStore::Open(dir.File("im.db"));
  ASSERT_TRUE(s);
  EXPECT_EQ((*s)->GetIncident(1)->title, "kept");
}

// Takes a database of the latest schema back to schema 11 (before in_metrics).
constexpr char kBackToSchema11[] =
    "DROP INDEX monitors_status; "                                              // 16
    "DROP TABLE job_modules; DROP TABLE job_claims; DROP TABLE im_instances; "  // 15
    "CREATE TRIGGER connector_links_synced_with AFTER INSERT ON connector_links BEGIN "
    "UPDATE incidents SET synced_with = NEW.connector WHERE number = NEW.incident AND "
    "synced_with = ''; END; "  // 14
    "DROP TABLE notify_ack_links; DROP TABLE notify_escalations; DROP TABLE notify_claims; "
    "DROP TABLE notify_contacts; DROP TABLE notify_rules; "  // 13
    "DROP INDEX incidents_resolved; DROP INDEX incidents_acknowledged; "
    "DROP INDEX incidents_unresolved; ALTER TABLE incidents DROP COLUMN in_metrics; "
    "CREATE INDEX incidents_resolved ON incidents (urgency, resolved_at, created_at, "
    "acknowledged_at) WHERE resolved_at IS NOT NULL; "
    "CREATE INDEX incidents_acknowledged ON incidents (urgency, acknowledged_at, created_at, "
    "resolved_at) WHERE acknowledged_at IS NOT NULL; "
    "CREATE INDEX incidents_unresolved ON incidents (created_at, acknowledged_at, urgency) "
    "WHERE resolved_at IS NULL; PRAGMA user_version = 11;";

// Takes a database of the latest schema back to schema 7, for tests of the later migrations.
constexpr char kBackToSchema7[] =
    "DROP INDEX monitors_status; "                                              // 16
    "DROP TABLE job_modules; DROP TABLE job_claims; DROP TABLE im_instances; "  // 15
    "CREATE TRIGGER connector_links_synced_with AFTER INSERT ON connector_links BEGIN "
    "UPDATE incidents SET synced_with = NEW.connector WHERE number = NEW.incident AND "
    "synced_with = ''; END; "  // 14
    "DROP TABLE notify_ack_links; DROP TABLE notify_escalations; DROP TABLE notify_claims; "
    "DROP TABLE notify_contacts; DROP TABLE notify_rules; "               // 13
    "DROP INDEX incidents_resolved; DROP INDEX incidents_acknowledged; "  // 12
    "DROP INDEX incidents_unresolved; ALTER TABLE incidents DROP COLUMN in_metrics; "
    "CREATE INDEX incidents_resolved ON incidents (urgency, resolved_at, created_at, "
    "acknowledged_at) WHERE resolved_at IS NOT NULL; "
    "CREATE INDEX incidents_acknowledged ON incidents (urgency, acknowledged_at, created_at, "
    "resolved_at) WHERE acknowledged_at IS NOT NULL; "
    "CREATE INDEX incidents_unresolved ON incidents (created_at, acknowledged_at, urgency) "
    "WHERE resolved_at IS NULL; "
    "DROP TABLE event_alerts; DROP TABLE event_integrations; DROP TABLE channels; "  // 11
    "DROP TABLE monitor_checks; DROP TABLE monitors; "
    "ALTER TABLE connectors DROP COLUMN sends_changes; "  // 10
    "ALTER TABLE connectors DROP COLUMN sla_mapping; "
    "DROP TABLE connector_refetch; ALTER TABLE connector_events DROP COLUMN body; "
    "ALTER TABLE connector_activity DROP COLUMN webhook_unreadable; "  // 9
    "DROP TABLE settings; "                                            // 8
    "PRAGMA user_version = 7;";

TEST(SqliteStoreTest, TheInstallIdIsMadeOnceAndKept) {
  TempDir dir;
  std::string id;
  {
    auto s = SqliteStore::Open(dir.File("im.db"));
    ASSERT_TRUE(s);
    auto got = (*s)->InstallId();
    ASSERT_TRUE(got) << got.error().message;
    id = *got;
  }
  EXPECT_EQ(id.size(), 8u);
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
  auto again = SqliteStore::Open(dir.File("im.db"));
  ASSERT_TRUE(again);
  EXPECT_EQ(*(*again)->InstallId(), id);  // a restart keeps it
  auto other = SqliteStore::Open(dir.File("other.db"));
  ASSERT_TRUE(other);
  EXPECT_NE(*(*other)->InstallId(), id);  // another data directory has its own
}

// Upgrading to schema 8 marks the creates still queued with the key they may have been sent
// with (INC-<n>), so the outbox looks for that too.
TEST(SqliteStoreTest, UpgradingMarksQueuedCreatesWithTheirOldKey) {
  TempDir dir;
  {
    auto s = SqliteStore::Open(dir.File("im.db"));
    ASSERT_TRUE(s);
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir.File("im.db").c_str(), &db), SQLITE_OK);
  // The database as schema 7 left it, with a create queued, one sent and an acknowledge queued.
  ASSERT_EQ(sqlite3_exec(db, kBackToSchema7, nullptr, nullptr, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
  ASSERT_EQ(sqlite3_exec(db,
                         "INSERT INTO incidents (number, title, severity, urgency, status, "
                         "services, assignees, custom_fields, created_at, created_by, updated_at, "
                         "version) VALUES (4, 't', 1, 'high', 'open', '[]', '[]', '{}', 0, 'a', 0, "
                         "1), (5, 't', 1, 'high', 'open', '[]', '[]', '{}', 0, 'a', 0, 1); "
                         "INSERT INTO connector_outbox (connector, incident, kind, payload, "
                         "created_at, state, next_attempt_at) VALUES "
                         "('pd', 4, 'create', '{\"actor\":\"a@x.io\"}', 0, 'pending', 0), "
                         "('pd', 5, 'create', '{\"actor\":\"a@x.io\"}', 0, 'sent', 0), "
                         "('pd', 4, 'acknowledge', '{\"actor\":\"a@x.io\"}', 0, 'pending', 0)",
                         nullptr, nullptr, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_close(db);
  auto s = SqliteStore::Open(dir.File("im.db"));
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(*(*s)->SchemaVersion(), LatestSchemaVersion());
  EXPECT_TRUE((*s)->InstallId());
  std::vector<std::string> payloads;
  ASSERT_TRUE((*s)->ReadWith([&](Connection& c) -> Result<void> {
    auto st = c.Prepare("SELECT payload FROM connector_outbox ORDER BY seq");
    if (!st) return std::unexpected(st.error());
    return EachRow(**st, [&](const Statement& r) { payloads.push_back(r.Text(0)); });
  }));
  EXPECT_EQ(payloads, (std::vector<std::string>{R"({"actor":"a@x.io","legacy_key":"INC-4"})",
                                                R"({"actor":"a@x.io"})", R"({"actor":"a@x.io"})"}));
}

// Schema 10 keeps beside each connector's config what the store needs of it; an upgrade fills
// those columns from the configs already stored.
TEST(SqliteStoreTest, UpgradingReadsWhatTheStoreNeedsOutOfTheStoredConfigs) {
  TempDir dir;
  {
    auto s = SqliteStore::Open(dir.File("im.db"));
    ASSERT_TRUE(s);
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir.File("im.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, kBackToSchema11, nullptr, nullptr, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "DROP TABLE event_alerts; DROP TABLE event_integrations; "
                         "DROP TABLE channels; DROP TABLE monitor_checks; DROP TABLE monitors; "
                         "ALTER TABLE connectors DROP COLUMN sends_changes; "
                         "ALTER TABLE connectors DROP COLUMN sla_mapping; "
                         "PRAGMA user_version = 9; "
                         "INSERT INTO connectors (name, type, config, created_at) VALUES "
                         "('in', 'pagerduty', '{\"sync_direction\":\"inbound\",\"custom\":"
                         "{\"sla_mapping\":{}}}', 0), "
                         "('both', 'pagerduty', '{\"sync_direction\":\"bidirectional\","
                         "\"custom\":{\"sla_mapping\":{\"SEV-1\":{\"resolve\":\"1h\"}}}}', 0), "
                         "('out', 'pagerduty', '{\"sync_direction\":\"outbound\"}', 0)",
                         nullptr, nullptr, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_close(db);
  auto s = SqliteStore::Open(dir.File("im.db"));
  ASSERT_TRUE(s) << s.error().message;
  SqliteConnectorStore connectors(**s);
  std::map<std::string, std::pair<bool, std::string>> got;
  auto listed = connectors.List();
  ASSERT_TRUE(listed) << listed.error().message;
  for (const auto& c : *listed) got[c.name] = {c.sends_changes, c.sla_mapping};
  EXPECT_EQ(got["in"], std::make_pair(false, std::string()));
  EXPECT_EQ(got["both"], std::make_pair(true, std::string(R"({"SEV-1":{"resolve":"1h"}})")));
  EXPECT_EQ(got["out"], std::make_pair(true, std::string()));
  auto mappings = (*s)->ConnectorSlaMappings();
  ASSERT_TRUE(mappings);
  EXPECT_EQ(mappings->size(), 1u);
  EXPECT_TRUE(mappings->contains("both"));
}

std::string SyncedWith(const std::string& path, int64_t number) {
  auto s = SqliteStore::Open(path);
  if (!s) {
    ADD_FAILURE() << s.error().message;
    return "?";
  }
  auto i = (*s)->GetIncident(number);
  EXPECT_TRUE(i) << i.error().message;
  return i ? i->synced_with : "?";
}

TEST(SqliteStoreTest, UpgradingFromSchema6FillsInTheConnectorEachIncidentIsSyncedWith) {
  TempDir dir;
  std::string path = dir.File("im.db");
  {
    auto s = SqliteStore::Open(path);
    ASSERT_TRUE(s);
    auto c = core::Declare({.title = "t", .services = {"api"}}, core::Actor{.email = "a@b.co"},
                           *ParseTime("2026-01-01"));
    ASSERT_TRUE((*s)->Transact([&](Tx& tx) -> Result<void> {
      for (int k = 0; k < 2; ++k) {
        if (auto n = tx.InsertIncident(c->incident); !n) return std::unexpected(n.error());
      }
      return Ok();
    }));
  }
  EXPECT_EQ(SyncedWith(path, 1), "");
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  auto exec = [&](const char* sql) {
    char* err = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
    sqlite3_free(err);
  };
  // The connector store sets it when it links (the contract suites check that); here, a data
  // directory from schema 6 (no column) is filled in by the migration from the links it has.
  exec("INSERT INTO connector_links (connector, external_id, incident) VALUES ('pd-b', 'P1', 1)");
  exec("INSERT INTO connector_links (connector, external_id, incident) VALUES ('pd-a', 'P2', 1)");
  exec("INSERT INTO connector_links (connector, external_id, incident) VALUES ('pd-a', 'P3', 2)");
  exec(kBackToSchema7);
  exec("DROP TRIGGER connector_links_synced_with");
  exec("DROP TABLE outbox_leases");
  exec("ALTER TABLE incidents DROP COLUMN synced_with");
  exec("PRAGMA user_version = 6");
  sqlite3_close(db);
  EXPECT_EQ(SyncedWith(path, 1), "pd-a");  // backfilled from the links: the least name
  EXPECT_EQ(SyncedWith(path, 2), "pd-a");
}

// Counts rows of a scratch table, read through a second connection (another process's view).
int64_t CountOnDisk(const std::string& path) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  int64_t n = -1;
  if (sqlite3_prepare_v2(db, "SELECT count(*) FROM scratch", -1, &st, nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW) {
    n = sqlite3_column_int64(st, 0);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return n;
}

TEST(SqliteStoreTest, AsyncWritesAnswerOnceCommittedAndFailuresChangeNothing) {
  TempDir dir;
  std::string path = dir.File("im.db");
  auto store = SqliteStore::Open(path);
  ASSERT_TRUE(store);
  ASSERT_TRUE((*store)->WriteWith(
      [](Connection& c) { return c.Exec("CREATE TABLE scratch (k INTEGER PRIMARY KEY)"); }));

  constexpr int kWrites = 200;
  std::mutex mu;
  std::condition_variable cv;
  int answered = 0, failed = 0;
  std::vector<int64_t> seen_on_disk;
  for (int k = 0; k < kWrites; ++k) {
    // Every tenth write fails after inserting: its row must not survive.
    (*store)->WriteWithAsync(
        [k](Connection& c) -> Result<void> {
          auto st = c.Prepare("INSERT INTO scratch (k) VALUES (?1)");
          if (!st) return std::unexpected(st.error());
          if (auto ok = (*st)->Bind(1, int64_t{k}).Run(); !ok) return ok;
          if (k % 10 == 0) return Fail(ErrorCode::kInvalidArgument, "no");
          return Ok();
        },
        [&, k](Result<void> ok) {
          // Answered only once durable: another connection already sees the row.
          int64_t on_disk = ok ? CountOnDisk(path) : -1;
          std::lock_guard l(mu);
          ++answered;
          if (!ok) {
            ++failed;
            EXPECT_EQ(ok.error().message, "no") << k;
          } else {
            seen_on_disk.push_back(on_disk);
          }
          cv.notify_all();
        });
    // A synchronous write between them shares the group commit.
    if (k % 50 == 0) {
      ASSERT_TRUE((*store)->WriteWith([](Connection&) -> Result<void> { return Ok(); }));
    }
  }
  std::unique_lock l(mu);
  im::testing::WaitOrFail(
      cv, l, [&] { return answered == kWrites; }, "every write's answer");
  EXPECT_EQ(failed, kWrites / 10);
  for (int64_t n : seen_on_disk) EXPECT_GE(n, 1);
  EXPECT_EQ(CountOnDisk(path), kWrites - kWrites / 10);
}

TEST(SqliteStoreTest, AsyncWritesQueuedAtCloseAreStillDone) {
  TempDir dir;
  std::string path = dir.File("im.db");
  std::atomic<int> answered{0};
  {
    auto store = SqliteStore::Open(path);
    ASSERT_TRUE(store);
    ASSERT_TRUE((*store)->WriteWith(
        [](Connection& c) { return c.Exec("CREATE TABLE scratch (k INTEGER PRIMARY KEY)"); }));
    for (int k = 0; k < 100; ++k) {
      (*store)->WriteWithAsync(
          [k](Connection& c) -> Result<void> {
            auto st = c.Prepare("INSERT INTO scratch (k) VALUES (?1)");
            if (!st) return std::unexpected(st.error());
            return (*st)->Bind(1, int64_t{k}).Run();
          },
          [&](Result<void> ok) {
            EXPECT_TRUE(ok);
            answered++;
          });
    }
  }  // closing the store waits for its queue
  EXPECT_EQ(answered, 100);
  EXPECT_EQ(CountOnDisk(path), 100);
}

}  // namespace
}  // namespace im::store::sqlite

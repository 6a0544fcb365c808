#include "connectors/history_import.h"

#include <gtest/gtest.h>

#include "common/time.h"
#include "fakes/temp_dir.h"
#include "store/sqlite/connector_store.h"
#include "store/sqlite/sqlite_store.h"

namespace im::connectors {
namespace {

using namespace std::chrono_literals;

const Time kNow = *ParseTime("2026-11-22T10:00:00Z");

class HistoryImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::sqlite::SqliteStore::Open(dir_.File("im.db"));
    ASSERT_TRUE(db) << db.error().message;
    db_ = std::move(*db);
    store_ = std::make_unique<store::sqlite::SqliteConnectorStore>(*db_);
    ASSERT_TRUE(store_->Add({.name = "acme", .type = "acme", .config = "{}", .created_at = kNow}));
    config_.name = "acme";
    config_.history_days = 90;
  }

  im::testing::TempDir dir_;
  std::unique_ptr<store::sqlite::SqliteStore> db_;
  std::unique_ptr<store::sqlite::SqliteConnectorStore> store_;
  ConnectorConfig config_;
};

TEST_F(HistoryImportTest, AnInterruptedImportResumesFromItsLastSliceAndThenPolls) {
  auto plan = PlanHistory(*store_, config_, kNow);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->from, kNow - 90 * 24h);
  EXPECT_FALSE(plan->polling);
  // Three 30-day slices; the second fails (a process killed there stores nothing more).
  std::vector<std::pair<Time, Time>> slices;
  SyncOptions options;
  std::vector<int64_t> progress;
  options.progress = [&](const std::string& stage, int64_t done, int64_t total) {
    EXPECT_EQ(stage, "alerts");
    progress.push_back(100 * done / total);
  };
  auto failed = ImportSlices(*store_, "acme", *plan, 30 * 24h, options, "alerts",
                             [&](Time from, Time until) -> Result<void> {
                               slices.emplace_back(from, until);
                               if (slices.size() == 2) return Fail(ErrorCode::kUnavailable, "down");
                               return Ok();
                             });
  ASSERT_FALSE(failed);
  EXPECT_EQ(progress, std::vector<int64_t>{33});
  // The next sync starts where the first slice ended, not from the beginning.
  auto resumed = PlanHistory(*store_, config_, kNow + 1h);
  ASSERT_TRUE(resumed);
  EXPECT_EQ(resumed->from, kNow - 60 * 24h);
  EXPECT_FALSE(resumed->polling);
  slices.clear();
  ASSERT_TRUE(ImportSlices(*store_, "acme", *resumed, 30 * 24h, {}, "alerts",
                           [&](Time from, Time until) -> Result<void> {
                             slices.emplace_back(from, until);
                             return Ok();
                           }));
  ASSERT_EQ(slices.size(), 3u);  // 60 days and the hour since, in 30-day slices
  EXPECT_EQ(slices.front().first, kNow - 60 * 24h);
  EXPECT_EQ(slices.back().second, kNow + 1h);
  for (size_t i = 1; i < slices.size(); ++i) EXPECT_EQ(slices[i].first, slices[i - 1].second);
  // Done: the next sync polls from the checkpoint with the overlap.
  auto poll = PlanHistory(*store_, config_, kNow + 2h, 5min);
  ASSERT_TRUE(poll);
  EXPECT_TRUE(poll->polling);
  EXPECT_EQ(poll->from, kNow + 1h - 5min);
  EXPECT_EQ(poll->until, kNow + 2h);
}

TEST_F(HistoryImportTest, ACancelledImportStopsBetweenSlices) {
  auto plan = PlanHistory(*store_, config_, kNow);
  int calls = 0;
  SyncOptions options;
  options.cancelled = [&] { return calls == 1; };
  auto r =
      ImportSlices(*store_, "acme", *plan, 30 * 24h, options, "x", [&](Time, Time) -> Result<void> {
        ++calls;
        return Ok();
      });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(store_->Get("acme")->import_checkpoint, kNow - 60 * 24h);
}

TEST_F(HistoryImportTest, AListingPastTheOffsetCapIsSplitDownToTheSmallestWindow) {
  std::vector<Duration> tried;
  // Anything longer than 10 hours is "too many results".
  auto r = SplitOnCap(kNow, kNow + 40h, 1h, [&](Time from, Time until) -> Result<void> {
    tried.push_back(until - from);
    if (until - from > 10h) return Fail(ErrorCode::kResourceExhausted, "past the cap");
    return Ok();
  });
  ASSERT_TRUE(r);
  EXPECT_EQ(tried, (std::vector<Duration>{40h, 20h, 10h, 10h, 20h, 10h, 10h}));
  // A window that cannot be split further fails with the listing's error.
  auto capped = SplitOnCap(kNow, kNow + 2h, 1h, [&](Time, Time) -> Result<void> {
    return Fail(ErrorCode::kResourceExhausted, "past the cap");
  });
  ASSERT_FALSE(capped);
  // Other errors are not split.
  int other = 0;
  auto down = SplitOnCap(kNow, kNow + 40h, 1h, [&](Time, Time) -> Result<void> {
    ++other;
    return Fail(ErrorCode::kUnavailable, "down");
  });
  EXPECT_FALSE(down);
  EXPECT_EQ(other, 1);
}

TEST_F(HistoryImportTest, TheBatchWriterStoresManyUpdatesPerTransaction) {
  BatchWriter batch(*store_, "acme", 2);
  int decided = 0;
  auto item = [&](const std::string& id) {
    return store::ConnectorStore::Item{
        id, [&decided, id](const store::LinkedIncident&) -> Result<store::ProviderUpdate> {
          ++decided;
          store::ProviderUpdate u;
          u.incident.title = "alert " + id;
          u.incident.created_at = kNow;
          u.incident.updated_at = kNow;
          u.incident.created_by = "acme@acme.connector";
          u.incident.services = {"storage"};
          u.services_to_ensure = {"storage"};
          return u;
        }};
  };
  ASSERT_TRUE(batch.Add(item("a")));
  EXPECT_EQ(decided, 0);  // waits for a second
  ASSERT_TRUE(batch.Add(item("b")));
  EXPECT_EQ(decided, 2);
  ASSERT_TRUE(batch.Add(item("c")));
  ASSERT_TRUE(batch.Flush());
  EXPECT_EQ(batch.stored(), 3);
  EXPECT_EQ(*store_->CountLinks("acme"), 3);
}

}  // namespace
}  // namespace im::connectors

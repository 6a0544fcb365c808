// store::CopyDatabase (`im db migrate-from-sqlite`): a SQLite installation copied into a real
// PostgreSQL database reads back the same through the store interfaces, a second run changes
// nothing, and a target holding other data is refused unless told to replace it.
#include "store/copy.h"

#include <gtest/gtest.h>

#include "common/time.h"
#include "core/lifecycle.h"
#include "fakes/fake_clock.h"
#include "fakes/pg_server.h"
#include "fakes/temp_dir.h"
#include "store/open.h"
#include "store/pg/migrations.h"

namespace im::store {
namespace {

using namespace std::chrono_literals;

const Time kC0 = *ParseTime("2026-11-22T10:00:00Z");

class PgCopyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& server = im::testing::PgServer::Shared();
    url_ = server.NewDatabase();
    ASSERT_TRUE(server.ready()) << server.error();
    sqlite_ = "sqlite:" + dir_.File("im.db");
    auto s = Open(sqlite_, {}, clock_);
    ASSERT_TRUE(s) << s.error().message;
    Fill(*s);
  }

  int64_t Declare(Stores& s, const std::string& title, Time at) {
    auto c = core::Declare({.title = title, .services = {"api", "db"}},
                           core::Actor{.email = "alice@example.com"}, at);
    int64_t n = 0;
    EXPECT_TRUE(s.main->Transact([&](Tx& tx) -> Result<void> {
      auto r = tx.InsertIncident(c->incident);
      if (!r) return std::unexpected(r.error());
      n = *r;
      if (auto e = tx.EnsureService("api", at); !e) return std::unexpected(e.error());
      return tx.AppendTimeline(n, c->entries);
    }));
    return n;
  }

  // An installation with a bit of everything.
  void Fill(Stores& s) {
    for (int k = 0; k < 25; ++k) Declare(s, "incident " + std::to_string(k), kC0 + k * 1min);
    ASSERT_TRUE(s.main->Transact([&](Tx& tx) -> Result<void> {
      auto cur = tx.GetIncident(3);
      if (!cur) return std::unexpected(cur.error());
      auto acked = core::Acknowledge(*cur, core::Actor{.email = "bob@example.com"}, kC0 + 1h);
      if (!acked) return std::unexpected(acked.error());
      if (auto u = tx.UpdateIncident(acked->incident); !u) return u;
      if (auto t = tx.AppendTimeline(3, acked->entries); !t) return t;
      auto token = tx.InsertToken({.name = "ci",
                                   .hint = "****abcd",
                                   .hash = "h1",
                                   .created_at = kC0,
                                   .created_by = "alice@example.com"});
      if (!token) return std::unexpected(token.error());
      return Ok();
    }));
    ASSERT_TRUE(s.connectors->Add({.name = "pd",
                                   .type = "pagerduty",
                                   .config = "{}",
                                   .created_at = kC0,
                                   .sends_changes = true}));
    ASSERT_TRUE(s.connectors->LinkIncident("pd", "PABC", 4, {}));
    ASSERT_TRUE(s.main->Transact([&](Tx& tx) -> Result<void> {
      auto queued = tx.EnqueueOutbound(4, "acknowledge", R"({"actor":"bob@example.com"})", kC0);
      if (!queued) return std::unexpected(queued.error());
      return Ok();
    }));
    auto gone = s.monitors->AddMonitor(
        {.name = "gone", .definition = "{}", .created_at = kC0, .updated_at = kC0});
    ASSERT_TRUE(gone);
    ASSERT_TRUE(s.monitors->RemoveMonitor(*gone, {}, kC0));
    removed_monitor_ = *gone;
    ASSERT_TRUE(s.monitors->AddMonitor(
        {.name = "web", .definition = "{}", .created_at = kC0, .updated_at = kC0}));
    ASSERT_TRUE(s.deployments->Record(
        {.id = "d-1", .service = "api", .triggered_at = kC0, .source = "cli", .received_at = kC0}));
    ASSERT_TRUE(s.notify->AddRule({.name = "all", .definition = "{}", .created_at = kC0}));
    install_id_ = *s.main->InstallId();
  }

  im::testing::TempDir dir_;
  im::testing::FakeClock clock_{kC0};
  std::string url_, sqlite_, install_id_;
  int64_t removed_monitor_ = 0;
};

TEST_F(PgCopyTest, AnInstallationReadsBackTheSameOnPostgres) {
  auto copied = CopyDatabase(sqlite_, url_, {});
  ASSERT_TRUE(copied) << copied.error().message;
  EXPECT_TRUE(copied->copied);
  EXPECT_EQ(copied->schema_version, pg::LatestSchemaVersion());
  int64_t timeline_rows = 0;
  for (const auto& t : copied->tables) {
    if (t.table == "timeline") timeline_rows = t.rows;
  }
  EXPECT_EQ(timeline_rows, 25 + 1);

  auto from = Open(sqlite_, {}, clock_);
  auto to = Open(url_, {}, clock_);
  ASSERT_TRUE(from && to) << (to ? "" : to.error().message);
  EXPECT_EQ(*to->main->InstallId(), install_id_);  // the provider keys stay the same
  for (int64_t n : {1, 3, 4, 25}) {
    auto a = from->main->GetIncidentWithTimeline(n);
    auto b = to->main->GetIncidentWithTimeline(n);
    ASSERT_TRUE(a && b) << n;
    EXPECT_EQ(a->incident.title, b->incident.title);
    EXPECT_EQ(a->incident.status, b->incident.status);
    EXPECT_EQ(a->incident.services, b->incident.services);
    EXPECT_EQ(a->incident.acknowledged_at, b->incident.acknowledged_at);
    EXPECT_EQ(a->incident.synced_with, b->incident.synced_with);
    EXPECT_EQ(a->incident.version, b->incident.version);
    ASSERT_EQ(a->timeline.size(), b->timeline.size());
    for (size_t i = 0; i < a->timeline.size(); ++i) {
      EXPECT_EQ(a->timeline[i].id, b->timeline[i].id);
      EXPECT_EQ(a->timeline[i].message, b->timeline[i].message);
    }
  }
  EXPECT_EQ(to->main->GetIncident(4)->synced_with, "pd");
  EXPECT_EQ(to->main->ListIncidents({.services = {"db"}})->size(), 25u);
  EXPECT_EQ(*to->main->LatestTimelineEntry(), *from->main->LatestTimelineEntry());
  EXPECT_TRUE(*to->main->FindTokenByHash("h1"));
  EXPECT_EQ(to->connectors->ListOutbound("pd", "pending", 10)->size(), 1u);
  EXPECT_EQ(*to->connectors->FindLinkedIncident("pd", "PABC"), 4);
  EXPECT_EQ(to->deployments->Get("d-1")->service, "api");
  EXPECT_EQ(to->notify->ListRules()->size(), 1u);
  // Numbers go on from where SQLite was: incidents, and monitors (whose ids are never reused,
  // also the removed one's).
  EXPECT_EQ(Declare(*to, "after the move", kC0 + 2h), 26);
  auto next = to->monitors->AddMonitor(
      {.name = "new", .definition = "{}", .created_at = kC0, .updated_at = kC0});
  ASSERT_TRUE(next);
  EXPECT_GT(*next, removed_monitor_ + 1);
}

TEST_F(PgCopyTest, ASecondRunChangesNothingAndOtherDataIsKeptUnlessReplaced) {
  ASSERT_TRUE(CopyDatabase(sqlite_, url_, {}));
  auto again = CopyDatabase(sqlite_, url_, {});
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_FALSE(again->copied);

  // The PostgreSQL installation moves on: the copy no longer matches and is not overwritten.
  {
    auto to = Open(url_, {}, clock_);
    ASSERT_TRUE(to);
    Declare(*to, "new on postgres", kC0 + 3h);
  }
  auto refused = CopyDatabase(sqlite_, url_, {});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(refused.error().message.find("--replace"), std::string::npos);
  EXPECT_EQ(Open(url_, {}, clock_)->main->ListIncidents({})->size(), 26u);

  auto replaced = CopyDatabase(sqlite_, url_, {.replace = true});
  ASSERT_TRUE(replaced) << replaced.error().message;
  EXPECT_TRUE(replaced->copied);
  EXPECT_EQ(Open(url_, {}, clock_)->main->ListIncidents({})->size(), 25u);
}

TEST_F(PgCopyTest, BadAddressesAreRefusedSayingWhatToGive) {
  auto missing = CopyDatabase("sqlite:" + dir_.File("nope/im.db"), url_, {});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_NE(missing.error().message.find("data directory"), std::string::npos);
  auto backwards = CopyDatabase(url_, sqlite_, {});
  ASSERT_FALSE(backwards);
  EXPECT_EQ(backwards.error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(dir_.File("nope")));
}

}  // namespace
}  // namespace im::store

#include "engine/incidents.h"

#include <gtest/gtest.h>

#include "common/time.h"
#include "engine/tokens.h"
#include "fakes/fake_clock.h"
#include "fakes/temp_dir.h"
#include "store/sqlite/sqlite_store.h"

namespace im::engine {
namespace {

using namespace std::chrono_literals;

class IncidentsTest : public ::testing::Test {
 protected:
  IncidentsTest()
      : clock_(*ParseTime("2026-11-22T10:00:00Z")),
        store_(std::move(*store::sqlite::SqliteStore::Open(dir_.File("im.db")))),
        incidents_(*store_, clock_, core::SlaPolicy::Default()) {}

  int64_t DeclareSev1() {
    auto r = incidents_.Declare(
        {.title = "API down", .severity = core::Severity::kSev1, .services = {"api"}}, alice_);
    EXPECT_TRUE(r);
    return r->incident.number;
  }

  im::testing::TempDir dir_;
  im::testing::FakeClock clock_;
  std::unique_ptr<store::Store> store_;
  Incidents incidents_;
  core::Actor alice_{.email = "alice@example.com"};
};

TEST_F(IncidentsTest, DeclareCreatesUnknownServicesAndSaysSo) {
  auto r = incidents_.Declare({.title = "x", .services = {"api", "db"}}, alice_);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->created_services, (std::vector<std::string>{"api", "db"}));
  auto again = incidents_.Declare({.title = "y", .services = {"api"}}, alice_);
  EXPECT_TRUE(again->created_services.empty());
  EXPECT_EQ(store_->ListServices()->size(), 2u);
}

// Lists show a token as every secret is shown: **** and its last 4 characters; a token made
// before im kept those shows its first characters to nobody.
TEST_F(IncidentsTest, TokensAreListedAsStarsAndTheirLastFourCharacters) {
  Tokens tokens(*store_, clock_);
  auto made = tokens.Create("ci", "alice@example.com");
  ASSERT_TRUE(made);
  ASSERT_TRUE(store_->Transact([&](store::Tx& tx) -> Result<void> {
    auto r = tx.InsertToken({.name = "old",
                             .hint = "im_AbCdEf",  // what an earlier im kept: the first characters
                             .hash = "h-old",
                             .created_at = clock_.Now(),
                             .created_by = "alice@example.com"});
    if (!r) return std::unexpected(r.error());
    return Ok();
  }));
  auto listed = tokens.List();
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 2u);
  for (const auto& t : *listed) {
    EXPECT_EQ(t.hint, t.name == "ci" ? "****" + made->secret.substr(made->secret.size() - 4)
                                     : std::string("****"))
        << t.name;
  }
}

TEST_F(IncidentsTest, InvalidTransitionChangesNothing) {
  int64_t n = DeclareSev1();
  auto r = incidents_.Apply(n, Action::kClose, alice_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kFailedPrecondition);
  auto view = incidents_.Show(n);
  EXPECT_EQ(view->incident.status, core::Status::kOpen);
  EXPECT_EQ(view->timeline.size(), 1u);
}

TEST_F(IncidentsTest, LateAckRecordsTheBreachOnce) {
  int64_t n = DeclareSev1();
  clock_.Advance(20min);
  ASSERT_TRUE(incidents_.Apply(n, Action::kAcknowledge, alice_));
  auto view = incidents_.Show(n);
  ASSERT_EQ(view->timeline.size(), 3u);
  EXPECT_EQ(view->timeline[1].kind, core::EntryKind::kSlaBreach);  // dated at the due time
  EXPECT_EQ(view->timeline[1].at, *ParseTime("2026-11-22T10:15:00Z"));
  EXPECT_EQ(view->sla.acknowledge.state, core::SlaState::kBreached);
  EXPECT_EQ(*incidents_.SweepSla(), 0);
}

TEST_F(IncidentsTest, SweepRecordsBreachesOfIdleIncidents) {
  int64_t n = DeclareSev1();
  clock_.Advance(10min);
  EXPECT_EQ(*incidents_.SweepSla(), 0);
  clock_.Advance(2h);
  EXPECT_EQ(*incidents_.SweepSla(), 2);  // acknowledge and resolve
  EXPECT_EQ(*incidents_.SweepSla(), 0);
  EXPECT_EQ(store_->CountIncidents()->sla_breaches, 2);
  EXPECT_TRUE(incidents_.Show(n)->incident.resolve_sla_breached);
}

TEST_F(IncidentsTest, TokensAuthenticateUntilRevoked) {
  Tokens tokens(*store_, clock_);
  auto t = tokens.Create("ci", "alice@example.com");
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->secret.starts_with("im_"));
  EXPECT_NE(t->token.hash, t->secret);
  EXPECT_TRUE(tokens.Authenticate(t->secret));
  EXPECT_FALSE(tokens.Authenticate(t->secret + "x"));
  ASSERT_TRUE(tokens.Revoke(t->token.id));
  auto r = tokens.Authenticate(t->secret);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnauthenticated);
}

}  // namespace
}  // namespace im::engine

// OutboxRunner over the real SQLite store with a fake sender and a fake clock: order per
// incident, backoff, parking, the lease between processes.
#include "connectors/outbox_runner.h"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>

#include "common/time.h"
#include "engine/incidents.h"
#include "fakes/fake_clock.h"
#include "fakes/temp_dir.h"
#include "store/sqlite/connector_store.h"
#include "store/sqlite/sqlite_store.h"

namespace im::connectors {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

// Sends nothing anywhere: records what it was given and answers what the test says.
struct FakeSender {
  // By "<kind> INC-<n>"; messages not named here are sent.
  std::map<std::string, Result<Delivery>> answers;
  std::vector<std::string> tried;  // "<kind> INC-<n>", in order

  SendMessage Fn() {
    return [this](const store::OutboxMessage& m) -> Result<Delivery> {
      std::string name = m.kind + " INC-" + std::to_string(m.incident);
      tried.push_back(name);
      if (auto it = answers.find(name); it != answers.end()) return it->second;
      return Delivery::kSent;
    };
  }
};

Result<Delivery> Down() { return Fail(ErrorCode::kUnavailable, "Acme is down"); }

class OutboxRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::sqlite::SqliteStore::Open(dir_.File("im.db"));
    ASSERT_TRUE(db) << db.error().message;
    db_ = std::move(*db);
    connectors_ = std::make_unique<store::sqlite::SqliteConnectorStore>(*db_);
    ASSERT_TRUE(connectors_->Add({.name = "acme",
                                  .type = "acme",
                                  .config = R"({"sync_direction":"outbound"})",
                                  .created_at = clock_.Now(),
                                  .sends_changes = true}));
    incidents_ = std::make_unique<engine::Incidents>(*db_, clock_, core::SlaPolicy::Default());
  }

  // Declares an incident, which queues its create.
  int64_t Declare() {
    auto d = incidents_->Declare(
        {.title = "Checkout is down", .severity = core::Severity::kSev2, .services = {"checkout"}},
        {.email = "someone@im.example"});
    EXPECT_TRUE(d) << d.error().message;
    return d ? d->incident.number : 0;
  }

  void Queue(int64_t incident, const std::string& kind) {
    auto ok = db_->Transact([&](store::Tx& tx) -> Result<void> {
      auto n =
          tx.EnqueueOutbound(incident, kind, R"({"actor":"someone@im.example"})", clock_.Now());
      if (!n) return std::unexpected(n.error());
      EXPECT_EQ(*n, 1);
      return Ok();
    });
    ASSERT_TRUE(ok) << ok.error().message;
  }

  OutboxRunner Runner(OutboxRunnerOptions o = {}) {
    o.connector = "acme";
    o.provider = "Acme";
    return OutboxRunner(std::move(o), *connectors_, clock_, spdlog::default_logger());
  }

  OutboxReport Flush(FakeSender& sender, OutboxRunnerOptions o = {}) {
    auto r = Runner(std::move(o)).Flush(sender.Fn());
    EXPECT_TRUE(r) << r.error().message;
    return r.value_or(OutboxReport{});
  }

  std::vector<store::OutboxMessage> InState(std::string_view state) {
    auto list = connectors_->ListOutbound("acme", state, 100);
    EXPECT_TRUE(list) << list.error().message;
    return list.value_or(std::vector<store::OutboxMessage>{});
  }

  im::testing::FakeClock clock_{*ParseTime("2026-06-15T12:00:00Z")};
  im::testing::TempDir dir_;
  std::unique_ptr<store::sqlite::SqliteStore> db_;
  std::unique_ptr<store::sqlite::SqliteConnectorStore> connectors_;
  std::unique_ptr<engine::Incidents> incidents_;
};

TEST_F(OutboxRunnerTest, SendsEverythingInQueueOrder) {
  int64_t a = Declare(), b = Declare();
  Queue(a, "acknowledge");
  Queue(b, "note");
  FakeSender sender;
  sender.answers["note INC-" + std::to_string(b)] = Delivery::kSkipped;
  OutboxReport r = Flush(sender);
  EXPECT_EQ(r.sent, 3);
  EXPECT_EQ(r.skipped, 1);
  EXPECT_EQ(sender.tried, (std::vector<std::string>{"create INC-1", "create INC-2",
                                                    "acknowledge INC-1", "note INC-2"}));
  EXPECT_TRUE(InState("pending").empty());
  EXPECT_EQ(InState("sent").size(), 3u);
  EXPECT_EQ(InState("skipped").size(), 1u);
}

TEST_F(OutboxRunnerTest, NothingPendingTakesNoLease) {
  FakeSender sender;
  OutboxReport r = Flush(sender);
  EXPECT_EQ(r.sent + r.retrying + r.parked, 0);
  EXPECT_FALSE(r.busy);
  auto holder = connectors_->OutboxLeaseHolder("acme", clock_.Now());
  ASSERT_TRUE(holder);
  EXPECT_EQ(*holder, "");
}

TEST_F(OutboxRunnerTest, FailedMessageHoldsBackTheLaterOnesOfItsIncidentOnly) {
  Declare();
  Declare();
  Queue(1, "acknowledge");
  Queue(2, "acknowledge");
  FakeSender sender;
  sender.answers["create INC-1"] = Down();
  OutboxReport r = Flush(sender);
  EXPECT_EQ(r.retrying, 1);
  EXPECT_EQ(r.sent, 2);
  EXPECT_EQ(sender.tried,
            (std::vector<std::string>{"create INC-1", "create INC-2", "acknowledge INC-2"}));

  // Not due yet: nothing of INC-1 goes, not even its later message.
  sender.tried.clear();
  sender.answers.clear();
  Flush(sender);
  EXPECT_TRUE(sender.tried.empty());

  clock_.Advance(seconds(5));
  r = Flush(sender);
  EXPECT_EQ(r.sent, 2);
  EXPECT_EQ(sender.tried, (std::vector<std::string>{"create INC-1", "acknowledge INC-1"}));
}

TEST_F(OutboxRunnerTest, BackoffGrowsWithEveryFailedAttempt) {
  int64_t a = Declare();
  FakeSender sender;
  sender.answers["create INC-" + std::to_string(a)] = Down();
  std::vector<Duration> waits;
  for (int i = 0; i < 5; ++i) {
    Flush(sender);
    auto pending = InState("pending");
    ASSERT_EQ(pending.size(), 1u);
    EXPECT_EQ(pending[0].attempts, i + 1);
    EXPECT_EQ(pending[0].last_error, "Acme is down");
    waits.push_back(pending[0].next_attempt_at - clock_.Now());
    clock_.Set(pending[0].next_attempt_at);
  }
  EXPECT_EQ(waits, (std::vector<Duration>{seconds(5), seconds(10), seconds(20), seconds(40),
                                          seconds(80)}));
  EXPECT_EQ(OutboxBackoff(7), seconds(320));
  EXPECT_EQ(OutboxBackoff(8), minutes(10));
  EXPECT_EQ(OutboxBackoff(30), minutes(10));
}

TEST_F(OutboxRunnerTest, ParksAfterMaxAttempts) {
  int64_t a = Declare();
  Queue(a, "note");
  FakeSender sender;
  sender.answers["create INC-" + std::to_string(a)] = Down();
  OutboxReport last;
  for (int i = 0; i < kMaxOutboundAttempts; ++i) {
    last = Flush(sender);
    clock_.Advance(minutes(10));
  }
  EXPECT_EQ(last.parked, 1);
  auto parked = InState("parked");
  ASSERT_EQ(parked.size(), 1u);
  EXPECT_EQ(parked[0].kind, "create");
  EXPECT_EQ(parked[0].attempts, kMaxOutboundAttempts);
  EXPECT_EQ(parked[0].last_error, "Acme is down");
  EXPECT_EQ(std::count(sender.tried.begin(), sender.tried.end(), "create INC-1"),
            kMaxOutboundAttempts);
  // The incident's later message goes on the next pass; the parked one is not tried again.
  sender.tried.clear();
  EXPECT_EQ(Flush(sender).sent, 1);
  EXPECT_EQ(sender.tried, (std::vector<std::string>{"note INC-1"}));
}

TEST_F(OutboxRunnerTest, ParksAfterTheConfiguredAttempts) {
  Declare();
  FakeSender sender;
  sender.answers["create INC-1"] = Down();
  Flush(sender, {.max_attempts = 2});
  clock_.Advance(minutes(1));
  EXPECT_EQ(Flush(sender, {.max_attempts = 2}).parked, 1);
}

TEST_F(OutboxRunnerTest, PermanentFailureParksAtOnce) {
  Declare();
  FakeSender sender;
  sender.answers["create INC-1"] =
      Fail(ErrorCode::kInvalidArgument, "Acme POST /alerts failed: HTTP 422");
  OutboxReport r = Flush(sender);
  EXPECT_EQ(r.parked, 1);
  EXPECT_EQ(r.retrying, 0);
  auto parked = InState("parked");
  ASSERT_EQ(parked.size(), 1u);
  EXPECT_EQ(parked[0].attempts, 1);
  EXPECT_EQ(parked[0].last_error, "Acme POST /alerts failed: HTTP 422");
}

TEST_F(OutboxRunnerTest, ProviderDecidesWhatIsPermanent) {
  Declare();
  FakeSender sender;
  sender.answers["create INC-1"] = Fail(ErrorCode::kNotFound, "not processed yet");
  OutboxReport r = Flush(sender, {.permanent = [](const Error&) { return false; }});
  EXPECT_EQ(r.retrying, 1);
  EXPECT_EQ(r.parked, 0);
}

TEST_F(OutboxRunnerTest, LeaseHeldByAnotherProcessMeansBusy) {
  Declare();
  auto held =
      connectors_->LeaseOutbox("acme", "elsewhere:4242:1", clock_.Now(), clock_.Now() + minutes(3));
  ASSERT_TRUE(held && *held);
  FakeSender sender;
  OutboxReport r = Flush(sender);
  EXPECT_TRUE(r.busy);
  EXPECT_TRUE(sender.tried.empty());
  EXPECT_EQ(InState("pending").size(), 1u);

  // The other process stopped renewing it: once it expires, this one sends.
  clock_.Advance(minutes(3) + seconds(1));
  r = Flush(sender);
  EXPECT_FALSE(r.busy);
  EXPECT_EQ(r.sent, 1);
  auto holder = connectors_->OutboxLeaseHolder("acme", clock_.Now());
  ASSERT_TRUE(holder);
  EXPECT_EQ(*holder, "") << "released after the pass";
}

TEST_F(OutboxRunnerTest, LeaseOfADeadProcessOnThisHostIsTakenOver) {
  Declare();
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) _exit(0);
  ASSERT_EQ(waitpid(child, nullptr, 0), child);
  const std::string& me = ThisProcessOwner();
  std::string dead = me.substr(0, me.find(':')) + ":" + std::to_string(child) + ":7";
  auto held = connectors_->LeaseOutbox("acme", dead, clock_.Now(), clock_.Now() + minutes(3));
  ASSERT_TRUE(held && *held);
  FakeSender sender;
  OutboxReport r = Flush(sender);
  EXPECT_FALSE(r.busy);
  EXPECT_EQ(r.sent, 1);
}

}  // namespace
}  // namespace im::connectors

#include "store/store_contract.h"

#include <atomic>
#include <set>
#include <thread>

#include "common/time.h"
#include "core/lifecycle.h"
#include "fakes/deadline.h"

namespace im::store::testing {
namespace {

using namespace std::chrono_literals;

const Time kT0 = *ParseTime("2026-11-22T10:00:00Z");

core::Incident NewIncident(std::string title, std::vector<std::string> services,
                           core::Severity sev = core::Severity::kSev2, Time at = kT0) {
  auto c = core::Declare({.title = std::move(title), .severity = sev, .services = services},
                         core::Actor{.email = "alice@example.com"}, at);
  EXPECT_TRUE(c);
  return c->incident;
}

int64_t Insert(Store& store, const core::Incident& incident) {
  int64_t number = 0;
  auto ok = store.Transact([&](Tx& tx) -> Result<void> {
    auto n = tx.InsertIncident(incident);
    if (!n) return std::unexpected(n.error());
    number = *n;
    return tx.AppendTimeline(number, {core::TimelineEntry{.at = incident.created_at,
                                                          .kind = core::EntryKind::kDeclared,
                                                          .actor = "alice@example.com",
                                                          .message = "declared"}});
  });
  EXPECT_TRUE(ok) << (ok ? "" : ok.error().message);
  return number;
}

int64_t TimelineSize(Store& store, int64_t n) {
  auto t = store.GetTimeline(n);
  return t ? static_cast<int64_t>(t->size()) : 0;
}

// Acknowledges incident `n` as the engine does: the change and its timeline in one transaction.
Result<void> AcknowledgeAs(Store& store, int64_t n, const std::string& email, Time at) {
  return store.Transact([&](Tx& tx) -> Result<void> {
    auto cur = tx.GetIncident(n);
    if (!cur) return std::unexpected(cur.error());
    auto change = core::Acknowledge(*cur, core::Actor{.email = email}, at);
    if (!change) return std::unexpected(change.error());
    if (auto s = tx.UpdateIncident(change->incident); !s) return s;
    return tx.AppendTimeline(n, change->entries);
  });
}

TEST_P(StoreContractTest, TheInstallIdIsEightHexDigitsAndStable) {
  auto id = store_->InstallId();
  ASSERT_TRUE(id) << id.error().message;
  EXPECT_EQ(id->size(), 8u);
  EXPECT_EQ(id->find_first_not_of("0123456789abcdef"), std::string::npos) << *id;
  EXPECT_EQ(*store_->InstallId(), *id);
}

// The cursor of /api/v1/events: every change after an entry id, in commit order.
TEST_P(StoreContractTest, IncidentChangesAfterAnEntryComeInCommitOrder) {
  ASSERT_EQ(*store_->LatestTimelineEntry(), 0);
  int64_t a = Insert(*store_, NewIncident("a", {"api"}));
  int64_t start = *store_->LatestTimelineEntry();
  EXPECT_GT(start, 0);
  int64_t b = Insert(*store_, NewIncident("b", {"api"}));
  ASSERT_TRUE(AcknowledgeAs(*store_, a, "bob@example.com", kT0 + 1min));
  auto changes = store_->IncidentChangesAfter(start, 100);
  ASSERT_TRUE(changes) << changes.error().message;
  ASSERT_EQ(changes->size(), 2u);
  EXPECT_EQ((*changes)[0].incident, b);
  EXPECT_EQ((*changes)[1].incident, a);
  EXPECT_LT((*changes)[0].entry_id, (*changes)[1].entry_id);
  EXPECT_EQ((*changes)[1].entry_id, *store_->LatestTimelineEntry());
  EXPECT_EQ(store_->IncidentChangesAfter(start, 1)->size(), 1u);
  EXPECT_TRUE(store_->IncidentChangesAfter((*changes)[1].entry_id, 100)->empty());
}

TEST_P(StoreContractTest, InsertedIncidentReadsBackFieldForField) {
  auto in = NewIncident("API down", {"api", "db"}, core::Severity::kSev1);
  in.custom_fields["region"] = "eu-west-1";
  in.assignees = {"bob@example.com"};
  in.acknowledged_at = kT0 + 90s;
  in.acknowledged_by = "bob@example.com";
  int64_t n = Insert(*store_, in);
  EXPECT_EQ(n, 1);
  auto out = store_->GetIncident(n);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->title, "API down");
  EXPECT_EQ(out->severity, core::Severity::kSev1);
  EXPECT_EQ(out->services, (std::vector<std::string>{"api", "db"}));
  EXPECT_EQ(out->assignees, (std::vector<std::string>{"bob@example.com"}));
  EXPECT_EQ(out->custom_fields.at("region"), "eu-west-1");
  EXPECT_EQ(out->created_at, kT0);
  EXPECT_EQ(out->acknowledged_at, kT0 + 90s);
  EXPECT_FALSE(out->resolved_at);
  EXPECT_EQ(out->version, 1);
}

TEST_P(StoreContractTest, NumbersIncreaseFromOne) {
  EXPECT_EQ(Insert(*store_, NewIncident("a", {"api"})), 1);
  EXPECT_EQ(Insert(*store_, NewIncident("b", {"api"})), 2);
}

TEST_P(StoreContractTest, MissingIncidentIsNotFound) {
  auto r = store_->GetIncident(99);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  EXPECT_NE(r.error().message.find("INC-99"), std::string::npos);
}

TEST_P(StoreContractTest, FailedTransactionLeavesNothingBehind) {
  auto ok = store_->Transact([&](Tx& tx) -> Result<void> {
    auto n = tx.InsertIncident(NewIncident("half", {"api"}));
    if (!n) return std::unexpected(n.error());
    return Fail(ErrorCode::kInvalidArgument, "changed my mind");
  });
  ASSERT_FALSE(ok);
  EXPECT_EQ(ok.error().message, "changed my mind");
  auto all = store_->ListIncidents({});
  ASSERT_TRUE(all);
  EXPECT_TRUE(all->empty());
}

TEST_P(StoreContractTest, ConcurrentWritersAllLandWithDistinctNumbers) {
  constexpr int kThreads = 8, kEach = 25;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        // Every third transaction fails; its neighbours in the same commit group must not.
        bool fail = (t * kEach + i) % 3 == 0;
        auto ok = store_->Transact([&](Tx& tx) -> Result<void> {
          auto n = tx.InsertIncident(NewIncident("t", {"api"}));
          if (!n) return std::unexpected(n.error());
          if (fail) return Fail(ErrorCode::kInvalidArgument, "no");
          return Ok();
        });
        if (ok.has_value() == fail) failures++;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures, 0);
  auto all = store_->ListIncidents({});
  ASSERT_TRUE(all);
  int expected = 0;
  for (int k = 0; k < kThreads * kEach; ++k) expected += k % 3 != 0;
  EXPECT_EQ(static_cast<int>(all->size()), expected);
}

TEST_P(StoreContractTest, UpdateReplacesAndTimelineKeepsOrder) {
  int64_t n = Insert(*store_, NewIncident("API down", {"api"}));
  ASSERT_TRUE(AcknowledgeAs(*store_, n, "bob@example.com", kT0 + 5min));
  EXPECT_EQ(store_->GetIncident(n)->status, core::Status::kMitigated);
  auto timeline = store_->GetTimeline(n);
  ASSERT_TRUE(timeline);
  ASSERT_EQ(timeline->size(), 2u);
  EXPECT_EQ((*timeline)[0].kind, core::EntryKind::kDeclared);
  EXPECT_EQ((*timeline)[1].kind, core::EntryKind::kAcknowledged);
  EXPECT_EQ((*timeline)[1].at, kT0 + 5min);
}

TEST_P(StoreContractTest, FiltersByStatusServiceSeverityAndTime) {
  Insert(*store_, NewIncident("a", {"api"}, core::Severity::kSev1, kT0));
  Insert(*store_, NewIncident("b", {"db"}, core::Severity::kSev2, kT0 + 1h));
  Insert(*store_, NewIncident("c", {"api", "db"}, core::Severity::kSev3, kT0 + 2h));
  auto titles = [&](IncidentFilter f) {
    std::string out;
    auto list = store_->ListIncidents(f);
    for (const auto& i : *list) out += i.title;
    return out;
  };
  EXPECT_EQ(titles({}), "cba");
  EXPECT_EQ(titles({.services = {"api"}}), "ca");
  EXPECT_EQ(titles({.severities = {core::Severity::kSev2, core::Severity::kSev3}}), "cb");
  EXPECT_EQ(titles({.since = kT0 + 30min}), "cb");
  EXPECT_EQ(titles({.until = kT0 + 1h}), "a");
  EXPECT_EQ(titles({.statuses = {core::Status::kResolved}}), "");
  EXPECT_EQ(titles({.limit = 1}), "c");
  EXPECT_EQ(titles({.limit = 1, .before_number = 3}), "b");
}

TEST_P(StoreContractTest, ForEachIncidentVisitsWhatListIncidentsReturns) {
  Insert(*store_, NewIncident("a", {"api"}, core::Severity::kSev1, kT0));
  Insert(*store_, NewIncident("b", {"db"}, core::Severity::kSev2, kT0 + 1h));
  Insert(*store_, NewIncident("c", {"api", "db"}, core::Severity::kSev3, kT0 + 2h));
  for (IncidentFilter f : {IncidentFilter{}, IncidentFilter{.services = {"api"}},
                           IncidentFilter{.limit = 2}, IncidentFilter{.until = kT0 + 1h}}) {
    std::string visited;
    auto ok = store_->ForEachIncident(f, [&](const core::Incident& i) -> Result<void> {
      visited += i.title + ":" + std::to_string(i.services.size()) + " ";
      return Ok();
    });
    ASSERT_TRUE(ok);
    std::string listed;
    auto list = store_->ListIncidents(f);
    ASSERT_TRUE(list);
    for (const auto& i : *list) {
      listed += i.title + ":" + std::to_string(i.services.size()) + " ";
    }
    EXPECT_EQ(visited, listed);
  }
}

TEST_P(StoreContractTest, ForEachIncidentStopsAtTheVisitorsError) {
  for (int k = 0; k < 5; ++k) Insert(*store_, NewIncident("i" + std::to_string(k), {"api"}));
  int seen = 0;
  auto ok = store_->ForEachIncident({}, [&](const core::Incident&) -> Result<void> {
    if (++seen == 2) return Fail(ErrorCode::kUnavailable, "reader went away");
    return Ok();
  });
  ASSERT_FALSE(ok);
  EXPECT_EQ(ok.error().message, "reader went away");
  EXPECT_EQ(seen, 2);
}

TEST_P(StoreContractTest, IncidentWithTimelineReadsBoth) {
  int64_t n = Insert(*store_, NewIncident("API down", {"api"}));
  ASSERT_TRUE(AcknowledgeAs(*store_, n, "bob@example.com", kT0 + 5min));
  auto both = store_->GetIncidentWithTimeline(n);
  ASSERT_TRUE(both) << both.error().message;
  EXPECT_EQ(both->incident.status, core::Status::kMitigated);
  EXPECT_EQ(both->incident.acknowledged_by, "bob@example.com");
  ASSERT_EQ(both->timeline.size(), 2u);
  EXPECT_EQ(both->timeline[1].kind, core::EntryKind::kAcknowledged);
  auto missing = store_->GetIncidentWithTimeline(n + 1);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  // A failed read leaves the pooled connection usable.
  EXPECT_TRUE(store_->GetIncidentWithTimeline(n));
}

TEST_P(StoreContractTest, IncidentWithTimelineIsOneSnapshotUnderWrites) {
  // Every write bumps the incident's version and adds one timeline entry in one transaction, so
  // a reader that sees version v must see exactly v timeline entries.
  int64_t n = Insert(*store_, NewIncident("busy", {"api"}));
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int k = 0; k < 200; ++k) {
      (void)store_->Transact([&](Tx& tx) -> Result<void> {
        auto cur = tx.GetIncident(n);
        if (!cur) return std::unexpected(cur.error());
        cur->version++;
        if (auto s = tx.UpdateIncident(*cur); !s) return s;
        return tx.AppendTimeline(n, {core::TimelineEntry{.at = kT0 + std::chrono::seconds(k),
                                                         .kind = core::EntryKind::kNote,
                                                         .actor = "bob@example.com",
                                                         .message = std::to_string(k)}});
      });
    }
    done = true;
  });
  int reads = 0;
  const auto deadline = std::chrono::steady_clock::now() + im::testing::kTestDeadline;
  while (!done || reads == 0) {
    if (std::chrono::steady_clock::now() > deadline) im::testing::FailHungWait("the writer");
    auto both = store_->GetIncidentWithTimeline(n);
    ASSERT_TRUE(both);
    ASSERT_EQ(static_cast<int64_t>(both->timeline.size()), both->incident.version);
    ++reads;
  }
  writer.join();
  EXPECT_EQ(store_->GetIncidentWithTimeline(n)->incident.version, 201);
}

TEST_P(StoreContractTest, ServiceFilterFollowsUpdatesOfServices) {
  int64_t n = Insert(*store_, NewIncident("a", {"api"}));
  auto update = [&](std::vector<std::string> services) {
    auto ok = store_->Transact([&](Tx& tx) -> Result<void> {
      auto cur = tx.GetIncident(n);
      if (!cur) return std::unexpected(cur.error());
      cur->services = services;
      cur->version++;
      return tx.UpdateIncident(*cur);
    });
    ASSERT_TRUE(ok);
  };
  auto count = [&](const std::string& service) {
    return store_->ListIncidents({.services = {service}})->size();
  };
  update({"api"});  // unchanged
  EXPECT_EQ(count("api"), 1u);
  update({"db", "web"});
  EXPECT_EQ(count("api"), 0u);
  EXPECT_EQ(count("db"), 1u);
  EXPECT_EQ(count("web"), 1u);
  update({"web", "db"});  // same set, other order
  EXPECT_EQ(store_->GetIncident(n)->services, (std::vector<std::string>{"web", "db"}));
  EXPECT_EQ(count("db"), 1u);
  EXPECT_EQ(count("web"), 1u);
}

TEST_P(StoreContractTest, UpdatingAMissingIncidentIsNotFound) {
  auto ok = store_->Transact([&](Tx& tx) -> Result<void> {
    auto i = NewIncident("ghost", {"api"});
    i.number = 42;
    return tx.UpdateIncident(i);
  });
  ASSERT_FALSE(ok);
  EXPECT_EQ(ok.error().code, ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, EnsureServiceCreatesOnce) {
  bool first = false, second = true;
  ASSERT_TRUE(store_->Transact([&](Tx& tx) -> Result<void> {
    auto a = tx.EnsureService("api", kT0);
    if (!a) return std::unexpected(a.error());
    first = *a;
    auto b = tx.EnsureService("api", kT0);
    if (!b) return std::unexpected(b.error());
    second = *b;
    return Ok();
  }));
  EXPECT_TRUE(first);
  EXPECT_FALSE(second);
  ASSERT_TRUE(store_->Transact([&](Tx& tx) {
    return tx.UpsertService({.name = "api",
                             .description = "public API",
                             .team = "core",
                             .owner = "alice@example.com",
                             .created_at = kT0});
  }));
  auto s = store_->GetService("api");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->team, "core");
  EXPECT_EQ(store_->ListServices()->size(), 1u);
  EXPECT_EQ(store_->GetService("nope").error().code, ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, TokensAreFoundByHashAndRevoked) {
  int64_t id = 0;
  ASSERT_TRUE(store_->Transact([&](Tx& tx) -> Result<void> {
    auto r = tx.InsertToken({.name = "ci",
                             .hint = "****abcd",
                             .hash = "h1",
                             .created_at = kT0,
                             .created_by = "alice@example.com"});
    if (!r) return std::unexpected(r.error());
    id = *r;
    return Ok();
  }));
  auto found = store_->FindTokenByHash("h1");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->name, "ci");
  EXPECT_FALSE(*store_->FindTokenByHash("h2"));
  ASSERT_TRUE(store_->Transact([&](Tx& tx) { return tx.RevokeToken(id, kT0 + 1h); }));
  EXPECT_TRUE((*store_->FindTokenByHash("h1"))->revoked_at);
  EXPECT_FALSE(store_->Transact([&](Tx& tx) { return tx.RevokeToken(id, kT0 + 2h); }));
}

TEST_P(StoreContractTest, CountsIncidentsByStatusAndSeverity) {
  Insert(*store_, NewIncident("a", {"api"}, core::Severity::kSev1));
  Insert(*store_, NewIncident("b", {"api"}, core::Severity::kSev1));
  Insert(*store_, NewIncident("c", {"api"}, core::Severity::kSev3));
  auto counts = store_->CountIncidents();
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->by_status_severity["open"]["SEV-1"], 2);
  EXPECT_EQ(counts->by_status_severity["open"]["SEV-3"], 1);
  EXPECT_EQ(counts->sla_breaches, 0);
}

// The concurrency contract (store.h): an incident update is a read-modify-write that cannot
// lose a concurrent one. Two stores on one database each add their own fields to one incident
// at once; every field, version bump and timeline entry must be there at the end.
TEST_P(StoreConcurrencyTest, ConcurrentUpdatesOfOneIncidentAreAllKept) {
  ASSERT_TRUE(a_ && b_);
  int64_t n = Insert(*a_, NewIncident("contended", {"api"}));
  constexpr int kEach = 40;
  auto writer = [&](Store& store, const std::string& who, std::atomic<int>& failures) {
    for (int k = 0; k < kEach; ++k) {
      auto ok = store.Transact([&](Tx& tx) -> Result<void> {
        auto cur = tx.GetIncident(n);
        if (!cur) return std::unexpected(cur.error());
        cur->custom_fields[who + std::to_string(k)] = "x";
        cur->version++;
        if (auto s = tx.UpdateIncident(*cur); !s) return s;
        return tx.AppendTimeline(n, {core::TimelineEntry{.at = kT0 + std::chrono::seconds(k),
                                                         .kind = core::EntryKind::kNote,
                                                         .actor = who,
                                                         .message = std::to_string(k)}});
      });
      if (!ok) failures++;
    }
  };
  std::atomic<int> failures{0};
  std::thread ta([&] { writer(*a_, "a", failures); });
  std::thread tb([&] { writer(*b_, "b", failures); });
  ta.join();
  tb.join();
  EXPECT_EQ(failures, 0);
  auto both = b_->GetIncidentWithTimeline(n);
  ASSERT_TRUE(both) << both.error().message;
  EXPECT_EQ(both->incident.custom_fields.size(), 2u * kEach);
  EXPECT_EQ(both->incident.version, 1 + 2 * kEach);
  EXPECT_EQ(both->timeline.size(), 1u + 2 * kEach);
  EXPECT_EQ(a_->GetIncident(n)->version, 1 + 2 * kEach);
}

// The SLA sweep reads every unresolved incident in its transaction and writes some back: a
// change made meanwhile through another store must not be overwritten.
TEST_P(StoreConcurrencyTest, ASweepOfUnresolvedIncidentsLosesNoConcurrentChange) {
  ASSERT_TRUE(a_ && b_);
  int64_t n = Insert(*a_, NewIncident("swept", {"api"}));
  constexpr int kEach = 30;
  std::atomic<int> failures{0};
  std::thread sweeper([&] {
    for (int k = 0; k < kEach; ++k) {
      auto ok = a_->Transact([&](Tx& tx) -> Result<void> {
        auto open = tx.UnresolvedIncidents();
        if (!open) return std::unexpected(open.error());
        for (auto& i : *open) {
          i.custom_fields["sweep" + std::to_string(k)] = "x";
          i.version++;
          if (auto s = tx.UpdateIncident(i); !s) return s;
        }
        return Ok();
      });
      if (!ok) failures++;
    }
  });
  std::thread writer([&] {
    for (int k = 0; k < kEach; ++k) {
      auto ok = b_->Transact([&](Tx& tx) -> Result<void> {
        auto cur = tx.GetIncident(n);
        if (!cur) return std::unexpected(cur.error());
        cur->custom_fields["b" + std::to_string(k)] = "x";
        cur->version++;
        return tx.UpdateIncident(*cur);
      });
      if (!ok) failures++;
    }
  });
  sweeper.join();
  writer.join();
  EXPECT_EQ(failures, 0);
  auto got = b_->GetIncident(n);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->custom_fields.size(), 2u * kEach);
  EXPECT_EQ(got->version, 1 + 2 * kEach);
}

// The change cursor (IncidentChangesAfter) read while two stores write: the reader, resuming
// from the last entry it saw, sees every entry exactly once, however the writers' commits
// interleave (an entry committed later with a smaller id would be skipped).
TEST_P(StoreConcurrencyTest, TheChangeCursorMissesNothingWhileTwoStoresWrite) {
  ASSERT_TRUE(a_ && b_);
  int64_t n = Insert(*a_, NewIncident("busy", {"api"}));
  int64_t cursor = *a_->LatestTimelineEntry();
  constexpr int kEach = 60;
  std::atomic<int> writing{2};
  auto writer = [&](Store& store, const std::string& who) {
    for (int k = 0; k < kEach; ++k) {
      (void)store.Transact([&](Tx& tx) -> Result<void> {
        if (auto i = tx.InsertIncident(NewIncident(who, {"db"})); !i) {
          return std::unexpected(i.error());
        }
        return tx.AppendTimeline(n, {core::TimelineEntry{.at = kT0,
                                                         .kind = core::EntryKind::kNote,
                                                         .actor = who,
                                                         .message = who + std::to_string(k)}});
      });
    }
    writing--;
  };
  std::thread ta([&] { writer(*a_, "a"); });
  std::thread tb([&] { writer(*b_, "b"); });
  std::set<int64_t> seen;
  int64_t duplicates = 0;
  const auto deadline = std::chrono::steady_clock::now() + im::testing::kTestDeadline;
  for (bool last = false; !last;) {
    last = writing == 0;  // one more read after both finished
    if (std::chrono::steady_clock::now() > deadline) im::testing::FailHungWait("the writers");
    auto changes = b_->IncidentChangesAfter(cursor, 7);
    ASSERT_TRUE(changes) << changes.error().message;
    for (const auto& c : *changes) {
      if (!seen.insert(c.entry_id).second) duplicates++;
      cursor = c.entry_id;
    }
    if (changes->size() == 7) last = false;  // more to read
  }
  ta.join();
  tb.join();
  EXPECT_EQ(duplicates, 0);
  EXPECT_EQ(seen.size(), 2u * kEach);
  EXPECT_EQ(TimelineSize(*a_, n), 1 + 2 * kEach);
}

// What one store commits, the other reads at once, and the change cursor of each shows the
// other's changes in commit order.
TEST_P(StoreConcurrencyTest, EachStoreSeesTheOthersCommits) {
  ASSERT_TRUE(a_ && b_);
  int64_t start = *b_->LatestTimelineEntry();
  int64_t x = Insert(*a_, NewIncident("from a", {"api"}));
  int64_t y = Insert(*b_, NewIncident("from b", {"db"}));
  EXPECT_EQ(b_->GetIncident(x)->title, "from a");
  EXPECT_EQ(a_->GetIncident(y)->title, "from b");
  auto changes = a_->IncidentChangesAfter(start, 10);
  ASSERT_TRUE(changes);
  ASSERT_EQ(changes->size(), 2u);
  EXPECT_EQ((*changes)[0].incident, x);
  EXPECT_EQ((*changes)[1].incident, y);
}

}  // namespace
}  // namespace im::store::testing

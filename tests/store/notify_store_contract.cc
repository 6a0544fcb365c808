#include <atomic>
#include <set>
#include <thread>

#include "common/time.h"
#include "core/lifecycle.h"
#include "store/stores_contract.h"

namespace im::store::testing {
namespace {

using namespace std::chrono_literals;

const Time kN0 = *ParseTime("2026-11-22T10:00:00Z");

int64_t DeclareOne(Store& store) {
  int64_t n = 0;
  auto c = core::Declare({.title = "t", .services = {"api"}}, core::Actor{.email = "a@x.io"}, kN0);
  EXPECT_TRUE(store.Transact([&](Tx& tx) -> Result<void> {
    auto r = tx.InsertIncident(c->incident);
    if (!r) return std::unexpected(r.error());
    n = *r;
    return Ok();
  }));
  return n;
}

TEST_P(NotifyStoreContractTest, RulesAreKeptByName) {
  ASSERT_TRUE(s_.notify);
  ASSERT_TRUE(s_.notify->AddRule({.name = "sev1", .definition = "{}", .created_at = kN0}));
  ASSERT_TRUE(s_.notify->AddRule({.name = "all", .definition = "{\"a\":1}", .created_at = kN0}));
  auto dup = s_.notify->AddRule({.name = "sev1", .definition = "{}", .created_at = kN0});
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::kAlreadyExists);
  EXPECT_NE(dup.error().message.find("'sev1' exists already"), std::string::npos);
  auto rules = s_.notify->ListRules();
  ASSERT_TRUE(rules);
  ASSERT_EQ(rules->size(), 2u);
  EXPECT_EQ((*rules)[0].name, "all");
  EXPECT_EQ((*rules)[0].definition, "{\"a\":1}");
  ASSERT_TRUE(s_.notify->RemoveRule("sev1"));
  EXPECT_EQ(s_.notify->RemoveRule("sev1").error().code, ErrorCode::kNotFound);
  // The transaction side reads the same rules.
  size_t in_tx = 0;
  ASSERT_TRUE(s_.main->Transact([&](Tx& tx) -> Result<void> {
    auto r = tx.Notify().ListRules();
    if (!r) return std::unexpected(r.error());
    in_tx = r->size();
    return Ok();
  }));
  EXPECT_EQ(in_tx, 1u);
}

TEST_P(NotifyStoreContractTest, ContactsAreUpsertedByEmail) {
  ASSERT_TRUE(s_.notify->SetContact({.email = "b@x.io", .phone = "+15551230000"}));
  ASSERT_TRUE(s_.notify->SetContact({.email = "a@x.io", .slack_user = "U1"}));
  ASSERT_TRUE(s_.notify->SetContact({.email = "b@x.io", .phone = "+15559990000"}));
  auto all = s_.notify->ListContacts();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].email, "a@x.io");
  EXPECT_EQ((*all)[1].phone, "+15559990000");
  std::optional<Contact> found, missing;
  ASSERT_TRUE(s_.main->Transact([&](Tx& tx) -> Result<void> {
    found = *tx.Notify().GetContact("a@x.io");
    missing = *tx.Notify().GetContact("z@x.io");
    return Ok();
  }));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->slack_user, "U1");
  EXPECT_FALSE(missing);
  // Removed by email; removing one that is not there says so.
  ASSERT_TRUE(s_.notify->RemoveContact("b@x.io"));
  EXPECT_EQ(s_.notify->RemoveContact("b@x.io").error().code, ErrorCode::kNotFound);
  all = s_.notify->ListContacts();
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].email, "a@x.io");
}

TEST_P(NotifyStoreContractTest, EscalationsStartOnceAndComeDueInOrder) {
  int64_t a = DeclareOne(*s_.main), b = DeclareOne(*s_.main);
  bool first = false, again = true;
  ASSERT_TRUE(s_.main->Transact([&](Tx& tx) -> Result<void> {
    first = *tx.Notify().StartEscalation(
        {.incident = a, .policy_id = "P1", .started_at = kN0, .next_at = kN0 + 10min});
    again = *tx.Notify().StartEscalation(
        {.incident = a, .policy_id = "P2", .started_at = kN0, .next_at = kN0});
    auto third = tx.Notify().StartEscalation(
        {.incident = b, .policy_id = "P1", .started_at = kN0, .next_at = kN0 + 5min});
    if (!third) return std::unexpected(third.error());
    return Ok();
  }));
  EXPECT_TRUE(first);
  EXPECT_FALSE(again);
  EXPECT_EQ(s_.notify->GetEscalation(a)->value().policy_id, "P1");
  auto due = s_.notify->DueEscalations(kN0 + 10min, 10);
  ASSERT_TRUE(due);
  ASSERT_EQ(due->size(), 2u);
  EXPECT_EQ((*due)[0].incident, b);  // the earlier one first
  EXPECT_EQ(s_.notify->DueEscalations(kN0 + 10min, 1)->size(), 1u);
  EXPECT_TRUE(s_.notify->DueEscalations(kN0 + 1min, 10)->empty());
  ASSERT_TRUE(s_.main->Transact([&](Tx& tx) -> Result<void> {
    auto e = tx.Notify().GetEscalation(b);
    if (!e) return std::unexpected(e.error());
    Escalation next = **e;
    next.state = "stopped";
    next.reason = "acknowledged";
    next.next_step = 1;
    return tx.Notify().UpdateEscalation(next);
  }));
  auto stopped = s_.notify->GetEscalation(b);
  EXPECT_EQ(stopped->value().state, "stopped");
  EXPECT_EQ(stopped->value().next_step, 1);
  EXPECT_EQ(s_.notify->DueEscalations(kN0 + 1h, 10)->size(), 1u);  // stopped ones are not due
  EXPECT_FALSE(*s_.notify->GetEscalation(b + 100));
}

TEST_P(NotifyStoreContractTest, ChannelMessagesAndAckLinksGoWithTheTransaction) {
  int64_t n = DeclareOne(*s_.main);
  bool used = false, used_again = true, for_providers = true;
  ASSERT_TRUE(s_.main->Transact([&](Tx& tx) -> Result<void> {
    if (auto ok = tx.Notify().EnqueueChannel("chat", n, "declared", "{}", kN0); !ok) return ok;
    used = *tx.Notify().UseAckLink("link-1", n, kN0);
    used_again = *tx.Notify().UseAckLink("link-1", n, kN0 + 1s);
    for_providers = *tx.Notify().QueuedForProviders(n);
    return Ok();
  }));
  EXPECT_TRUE(used);
  EXPECT_FALSE(used_again);
  EXPECT_FALSE(for_providers);  // a channel message is not a provider's create
  EXPECT_EQ(s_.connectors->ListOutbound(ChannelOutbox("chat"), "pending", 10)->size(), 1u);
  // Rolled back with a failed transaction.
  auto failed = s_.main->Transact([&](Tx& tx) -> Result<void> {
    (void)tx.Notify().EnqueueChannel("chat", n, "note", "{}", kN0);
    (void)tx.Notify().UseAckLink("link-2", n, kN0);
    return Fail(ErrorCode::kInternal, "no");
  });
  ASSERT_FALSE(failed);
  EXPECT_EQ(s_.connectors->ListOutbound(ChannelOutbox("chat"), "pending", 10)->size(), 1u);
  bool fresh = false;
  ASSERT_TRUE(s_.main->Transact([&](Tx& tx) -> Result<void> {
    fresh = *tx.Notify().UseAckLink("link-2", n, kN0);
    return Ok();
  }));
  EXPECT_TRUE(fresh);
}

TEST_P(NotifyStoreContractTest, AClaimIsHeldUntilStaleAndOnlyItsOwnerSetsItsValue) {
  auto a = s_.notify->TakeClaim("room:INC-1", "a", kN0, 5min);
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->owner, "a");
  auto b = s_.notify->TakeClaim("room:INC-1", "b", kN0 + 1min, 5min);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->owner, "a");  // held
  auto stale = s_.notify->TakeClaim("room:INC-1", "b", kN0 + 10min, 5min);
  ASSERT_TRUE(stale);
  EXPECT_EQ(stale->owner, "b");  // its owner never finished: taken over
  auto lost = s_.notify->SetClaimValue("room:INC-1", "a", "C123");
  ASSERT_FALSE(lost);
  EXPECT_EQ(lost.error().code, ErrorCode::kFailedPrecondition);
  ASSERT_TRUE(s_.notify->SetClaimValue("room:INC-1", "b", "C123"));
  auto kept = s_.notify->TakeClaim("room:INC-1", "c", kN0 + 1h, 5min);
  EXPECT_EQ(kept->owner, "b");  // done: never taken over
  EXPECT_EQ(kept->value, "C123");
  EXPECT_EQ(s_.notify->GetClaim("room:INC-1")->value().value, "C123");
  EXPECT_FALSE(*s_.notify->GetClaim("room:INC-2"));
}

// Two instances claiming one key at once: one owner wins, and both are told the same one.
TEST_P(NotifyStoreContractTest, TwoInstancesClaimingOneKeyAgreeOnOneOwner) {
  Stores other = GetParam().again();
  ASSERT_TRUE(other.notify);
  for (int k = 0; k < 20; ++k) {
    std::string key = "room:" + std::to_string(k);
    Result<Claim> ra, rb;
    std::thread ta([&] { ra = s_.notify->TakeClaim(key, "a", kN0, 5min); });
    std::thread tb([&] { rb = other.notify->TakeClaim(key, "b", kN0, 5min); });
    ta.join();
    tb.join();
    ASSERT_TRUE(ra && rb) << (ra ? rb.error().message : ra.error().message);
    EXPECT_EQ(ra->owner, rb->owner) << key;
  }
}

}  // namespace
}  // namespace im::store::testing

#include "core/lifecycle.h"

#include <gtest/gtest.h>

#include "common/time.h"

namespace im::core {
namespace {

using namespace std::chrono_literals;

const Actor kAlice{.email = "alice@example.com"};
const Time kT0 = *ParseTime("2026-11-22T10:00:00Z");

Incident Declared() {
  auto c =
      Declare({.title = "API down", .severity = Severity::kSev2, .services = {"api"}}, kAlice, kT0);
  EXPECT_TRUE(c);
  c->incident.number = 7;
  return c->incident;
}

TEST(LifecycleTest, DeclareStartsOpenWithADeclaredEntry) {
  auto c = Declare({.title = "API down", .severity = Severity::kSev1, .services = {"api", "db"}},
                   kAlice, kT0);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->incident.status, Status::kOpen);
  EXPECT_EQ(c->incident.urgency, Urgency::kHigh);
  ASSERT_EQ(c->entries.size(), 1u);
  EXPECT_EQ(c->entries[0].kind, EntryKind::kDeclared);
  EXPECT_EQ(c->entries[0].actor, "alice@example.com");
}

TEST(LifecycleTest, DeclareRefusesMissingTitleServiceAndBadActor) {
  EXPECT_FALSE(Declare({.title = "", .services = {"api"}}, kAlice, kT0));
  EXPECT_FALSE(Declare({.title = "x", .services = {}}, kAlice, kT0));
  EXPECT_FALSE(Declare({.title = "x", .services = {"api", "api"}}, kAlice, kT0));
  EXPECT_FALSE(Declare({.title = "x", .services = {"bad;name"}}, kAlice, kT0));
  EXPECT_FALSE(Declare({.title = "x", .services = {"api"}}, Actor{.email = "alice"}, kT0));
}

// The messages reach HTTP clients too: they name the request's fields, never CLI flags.
TEST(LifecycleTest, DeclareRefusesABlankTitleNamingTheField) {
  for (const char* title : {"", " ", "\t \n"}) {
    auto c = Declare({.title = title, .services = {"api"}}, kAlice, kT0);
    ASSERT_FALSE(c) << "'" << title << "'";
    EXPECT_EQ(c.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(c.error().message,
              "'title' is empty or only spaces: give a one-line summary of what is wrong");
  }
  auto none = Declare({.title = "x", .services = {}}, kAlice, kT0);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().message, "'services' is empty: name at least one affected service");
  EXPECT_TRUE(Declare({.title = " padded ", .services = {"api"}}, kAlice, kT0));
}

TEST(LifecycleTest, AckMovesOpenToMitigatedAndRecordsTheFirstAck) {
  auto c = Acknowledge(Declared(), kAlice, kT0 + 5min, "looking");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->incident.status, Status::kMitigated);
  EXPECT_EQ(c->incident.acknowledged_at, kT0 + 5min);
  EXPECT_EQ(c->incident.acknowledged_by, "alice@example.com");
  EXPECT_EQ(c->incident.version, 2);
  EXPECT_EQ(c->entries.at(0).message, "acknowledged by alice@example.com: looking");
}

TEST(LifecycleTest, ReopenKeepsTheFirstAckAndClearsResolution) {
  auto acked = Acknowledge(Declared(), kAlice, kT0 + 5min)->incident;
  auto resolved = Resolve(acked, kAlice, kT0 + 30min)->incident;
  EXPECT_EQ(resolved.resolved_at, kT0 + 30min);
  auto reopened = Reopen(resolved, kAlice, kT0 + 40min)->incident;
  EXPECT_EQ(reopened.status, Status::kOpen);
  EXPECT_FALSE(reopened.resolved_at);
  auto reacked = Acknowledge(reopened, Actor{.email = "bob@example.com"}, kT0 + 45min)->incident;
  EXPECT_EQ(reacked.acknowledged_at, kT0 + 5min);
  EXPECT_EQ(reacked.acknowledged_by, "alice@example.com");
}

TEST(LifecycleTest, UnacknowledgeReturnsToOpenAndKeepsTheFirstAck) {
  auto acked = Acknowledge(Declared(), kAlice, kT0 + 5min)->incident;
  auto c = Unacknowledge(acked, kAlice, kT0 + 20min);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->incident.status, Status::kOpen);
  EXPECT_EQ(c->incident.acknowledged_at, kT0 + 5min);  // MTTA counts the first
  EXPECT_EQ(c->entries.at(0).kind, EntryKind::kStatusChange);
  auto twice = Unacknowledge(c->incident, kAlice, kT0 + 21min);
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_FALSE(Unacknowledge(Resolve(acked, kAlice, kT0 + 30min)->incident, kAlice, kT0 + 31min));
}

struct Transition {
  Status from;
  const char* action;
  bool allowed;
};

class TransitionTest : public ::testing::TestWithParam<Transition> {};

TEST_P(TransitionTest, FollowsTheStateMachine) {
  Incident i = Declared();
  i.status = GetParam().from;
  std::string action = GetParam().action;
  Result<Change> r = action == "ack"       ? Acknowledge(i, kAlice, kT0)
                     : action == "resolve" ? Resolve(i, kAlice, kT0)
                     : action == "close"   ? Close(i, kAlice, kT0)
                                           : Reopen(i, kAlice, kT0);
  EXPECT_EQ(r.has_value(), GetParam().allowed) << StatusName(GetParam().from) << " " << action;
  if (!r) {
    EXPECT_EQ(r.error().code, ErrorCode::kFailedPrecondition);
    EXPECT_NE(r.error().message.find("INC-7"), std::string::npos);
  }
}

INSTANTIATE_TEST_SUITE_P(All, TransitionTest,
                         ::testing::Values(Transition{Status::kOpen, "ack", true},
                                           Transition{Status::kOpen, "resolve", true},
                                           Transition{Status::kOpen, "close", false},
                                           Transition{Status::kOpen, "reopen", false},
                                           Transition{Status::kMitigated, "ack", false},
                                           Transition{Status::kMitigated, "resolve", true},
                                           Transition{Status::kMitigated, "close", false},
                                           Transition{Status::kMitigated, "reopen", false},
                                           Transition{Status::kResolved, "ack", false},
                                           Transition{Status::kResolved, "resolve", false},
                                           Transition{Status::kResolved, "close", true},
                                           Transition{Status::kResolved, "reopen", true},
                                           Transition{Status::kClosed, "ack", false},
                                           Transition{Status::kClosed, "resolve", false},
                                           Transition{Status::kClosed, "close", false},
                                           Transition{Status::kClosed, "reopen", true}));

TEST(LifecycleTest, NotesNeedText) {
  EXPECT_FALSE(AddNote(Declared(), kAlice, kT0, ""));
  EXPECT_FALSE(AddNote(Declared(), kAlice, kT0, "  \n"));
  auto c = AddNote(Declared(), kAlice, kT0, "db failover started");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->entries.at(0).kind, EntryKind::kNote);
}

}  // namespace
}  // namespace im::core

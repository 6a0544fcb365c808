#include "core/sla.h"

#include <gtest/gtest.h>

#include "common/time.h"
#include "core/lifecycle.h"

namespace im::core {
namespace {

using namespace std::chrono_literals;

const Time kT0 = *ParseTime("2026-11-22T10:00:00Z");

Incident Sev1() {
  return Declare({.title = "down", .severity = Severity::kSev1, .services = {"api"}},
                 Actor{.email = "a@example.com"}, kT0)
      ->incident;
}

TEST(SlaTest, DefaultsMatchThePolicyTable) {
  auto p = SlaPolicy::Default();
  EXPECT_EQ(p.For(Severity::kSev1).acknowledge, 15min);
  EXPECT_EQ(p.For(Severity::kSev1).resolve, 1h);
  EXPECT_EQ(p.For(Severity::kSev2).resolve, 4h);
  EXPECT_EQ(p.For(Severity::kSev3).acknowledge, 2h);
  EXPECT_EQ(p.For(Severity::kSev4).resolve, 72h);
}

TEST(SlaTest, OnTrackThenAtRiskThenBreached) {
  auto p = SlaPolicy::Default();
  Incident i = Sev1();
  EXPECT_EQ(EvaluateSla(i, p, kT0 + 5min).acknowledge.state, SlaState::kOnTrack);
  EXPECT_EQ(EvaluateSla(i, p, kT0 + 12min).acknowledge.state, SlaState::kAtRisk);
  EXPECT_EQ(EvaluateSla(i, p, kT0 + 15min).acknowledge.state, SlaState::kAtRisk);
  EXPECT_EQ(EvaluateSla(i, p, kT0 + 15min + 1s).acknowledge.state, SlaState::kBreached);
}

TEST(SlaTest, AckInTimeIsMetAndLateAckIsBreached) {
  auto p = SlaPolicy::Default();
  Incident i = Sev1();
  i.acknowledged_at = kT0 + 10min;
  EXPECT_EQ(EvaluateSla(i, p, kT0 + 2h).acknowledge.state, SlaState::kMet);
  i.acknowledged_at = kT0 + 20min;
  EXPECT_EQ(EvaluateSla(i, p, kT0 + 2h).acknowledge.state, SlaState::kBreached);
}

TEST(SlaTest, BreachIsRecordedOnceAtTheDueTime) {
  auto p = SlaPolicy::Default();
  Incident i = Sev1();
  EXPECT_TRUE(RecordNewBreaches(i, p, kT0 + 10min).empty());
  auto entries = RecordNewBreaches(i, p, kT0 + 30min);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].kind, EntryKind::kSlaBreach);
  EXPECT_EQ(entries[0].at, kT0 + 15min);
  EXPECT_TRUE(i.ack_sla_breached);
  EXPECT_TRUE(RecordNewBreaches(i, p, kT0 + 40min).empty());
  EXPECT_EQ(RecordNewBreaches(i, p, kT0 + 2h).size(), 1u);  // now resolve too
}

}  // namespace
}  // namespace im::core

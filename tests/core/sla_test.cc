#include "core/sla.h"

#include <gtest/gtest.h>

#include "common/time.h"
#include "core/lifecycle.h"

namespace im::core {
namespace {

using namespace std::chrono_literals;

const Time kSlaT0 = *ParseTime("2026-11-22T10:00:00Z");

Incident Sev1() {
  return Declare({.title = "down", .severity = Severity::kSev1, .services = {"api"}},
                 Actor{.email = "a@example.com"}, kSlaT0)
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
  EXPECT_EQ(EvaluateSla(i, p, kSlaT0 + 5min).acknowledge.state, SlaState::kOnTrack);
  EXPECT_EQ(EvaluateSla(i, p, kSlaT0 + 12min).acknowledge.state, SlaState::kAtRisk);
  EXPECT_EQ(EvaluateSla(i, p, kSlaT0 + 15min).acknowledge.state, SlaState::kAtRisk);
  EXPECT_EQ(EvaluateSla(i, p, kSlaT0 + 15min + 1s).acknowledge.state, SlaState::kBreached);
}

TEST(SlaTest, AckInTimeIsMetAndLateAckIsBreached) {
  auto p = SlaPolicy::Default();
  Incident i = Sev1();
  i.acknowledged_at = kSlaT0 + 10min;
  EXPECT_EQ(EvaluateSla(i, p, kSlaT0 + 2h).acknowledge.state, SlaState::kMet);
  i.acknowledged_at = kSlaT0 + 20min;
  EXPECT_EQ(EvaluateSla(i, p, kSlaT0 + 2h).acknowledge.state, SlaState::kBreached);
}

TEST(SlaTest, BreachIsRecordedOnceAtTheDueTime) {
  auto p = SlaPolicy::Default();
  Incident i = Sev1();
  EXPECT_TRUE(RecordNewBreaches(i, p, kSlaT0 + 10min).empty());
  auto entries = RecordNewBreaches(i, p, kSlaT0 + 30min);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].kind, EntryKind::kSlaBreach);
  EXPECT_EQ(entries[0].at, kSlaT0 + 15min);
  EXPECT_TRUE(i.ack_sla_breached);
  EXPECT_TRUE(RecordNewBreaches(i, p, kSlaT0 + 40min).empty());
  EXPECT_EQ(RecordNewBreaches(i, p, kSlaT0 + 2h).size(), 1u);  // now resolve too
}

// The seed's form ("ack") and the long one ("acknowledge") mean the same; stored long.
TEST(SlaTest, OverlayTakesAckAsTheShortFormOfAcknowledge) {
  auto seed = ParseSlaOverlay(*json::Parse(R"({"SEV-1": {"ack": "15m", "resolve": "1h"},
                                               "SEV-4": {"ack": "8h", "resolve": "72h"}})"),
                              "--sla-mapping");
  ASSERT_TRUE(seed) << seed.error().message;
  EXPECT_EQ(seed->acknowledge[0], 15min);
  EXPECT_EQ(seed->resolve[0], 1h);
  EXPECT_EQ(seed->acknowledge[3], 8h);
  EXPECT_EQ(
      json::Serialize(SlaOverlayToJson(*seed)),
      R"({"SEV-1":{"acknowledge":"15m","resolve":"1h"},"SEV-4":{"acknowledge":"8h","resolve":"3d"}})");
  auto both =
      ParseSlaOverlay(*json::Parse(R"({"SEV-1": {"ack": "5m", "acknowledge": "5m"}})"), "m");
  ASSERT_FALSE(both);
  EXPECT_EQ(both.error().message,
            R"(m.SEV-1: give "acknowledge" or its short form "ack", not both)");
  auto typo = ParseSlaOverlay(*json::Parse(R"({"SEV-1": {"akc": "5m"}})"), "m");
  ASSERT_FALSE(typo);
  EXPECT_NE(typo.error().message.find("unknown key 'akc'; use acknowledge (or ack)"),
            std::string::npos);
  auto bad = ParseSlaOverlay(*json::Parse(R"({"SEV-2": {"ack": "soon"}})"), "m");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, R"(m.SEV-2.ack must be a duration like "15m" or "4h")");
}

}  // namespace
}  // namespace im::core

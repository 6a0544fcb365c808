// The attribution rule on its own (dora/attribution.h): the window's edges on both sides, the
// choice among several deployments, and the explanations a person reads.
#include "dora/attribution.h"

#include <gtest/gtest.h>

#include "common/time.h"

namespace im::dora {
namespace {

Time T(const char* s) { return *ParseTime(s); }

TEST(AttributionRuleTest, WindowEdgesAreIncludedAndOneSecondPastIsNot) {
  AttributionWindow w;  // 4 h before, 4 h after
  std::vector<Candidate> one{
      {.seq = 1, .id = "d1", .service = "api", .triggered_at = T("2026-03-05T10:00:00Z")}};
  EXPECT_EQ(ChooseDeployment(T("2026-03-05T14:00:00Z"), one, w), 0u);  // exactly 4 h after
  EXPECT_EQ(ChooseDeployment(T("2026-03-05T06:00:00Z"), one, w), 0u);  // exactly 4 h before
  EXPECT_FALSE(ChooseDeployment(T("2026-03-05T14:00:01Z"), one, w));
  EXPECT_FALSE(ChooseDeployment(T("2026-03-05T05:59:59Z"), one, w));
  // Before and after are separate settings.
  AttributionWindow narrow{.before = std::chrono::minutes(30), .after = std::chrono::hours(1)};
  EXPECT_FALSE(ChooseDeployment(T("2026-03-05T09:29:59Z"), one, narrow));
  EXPECT_EQ(ChooseDeployment(T("2026-03-05T09:30:00Z"), one, narrow), 0u);
  EXPECT_EQ(ChooseDeployment(T("2026-03-05T11:00:00Z"), one, narrow), 0u);
  EXPECT_FALSE(ChooseDeployment(T("2026-03-05T11:00:01Z"), one, narrow));
}

TEST(AttributionRuleTest, LatestAtOrBeforeWinsElseTheNearestAfter) {
  AttributionWindow w;
  std::vector<Candidate> c{
      {.seq = 1, .id = "d-early", .service = "api", .triggered_at = T("2026-03-02T10:00:00Z")},
      {.seq = 2, .id = "d-late", .service = "api", .triggered_at = T("2026-03-02T12:00:00Z")},
      {.seq = 3, .id = "d-next", .service = "api", .triggered_at = T("2026-03-02T13:30:00Z")},
      {.seq = 4, .id = "d-far", .service = "api", .triggered_at = T("2026-03-02T15:00:00Z")}};
  // 13:00: d-early and d-late are before it; d-late is the latest (d-next is nearer but after).
  EXPECT_EQ(ChooseDeployment(T("2026-03-02T13:00:00Z"), c, w), 1u);
  // Exactly at a deploy's time counts as at-or-before.
  EXPECT_EQ(ChooseDeployment(T("2026-03-02T13:30:00Z"), c, w), 2u);
  // 09:00: nothing before within the window; of those after, the nearest (d-early).
  EXPECT_EQ(ChooseDeployment(T("2026-03-02T09:00:00Z"), c, w), 0u);
}

TEST(AttributionRuleTest, EqualTimesAreOrderedByDeploymentId) {
  AttributionWindow w;
  // Two deploys at the same instant: before the incident, the "latest" is the greater id; after
  // it, the "nearest" is the smaller one. The order they are listed in does not matter.
  std::vector<Candidate> c{
      {.seq = 1, .id = "b", .service = "api", .triggered_at = T("2026-03-02T10:00:00Z")},
      {.seq = 2, .id = "a", .service = "api", .triggered_at = T("2026-03-02T10:00:00Z")}};
  std::vector<Candidate> reversed{c[1], c[0]};
  for (const auto* list : {&c, &reversed}) {
    auto before = ChooseDeployment(T("2026-03-02T11:00:00Z"), *list, w);
    ASSERT_TRUE(before);
    EXPECT_EQ((*list)[*before].id, "b");
    auto after = ChooseDeployment(T("2026-03-02T09:00:00Z"), *list, w);
    ASSERT_TRUE(after);
    EXPECT_EQ((*list)[*after].id, "a");
  }
}

TEST(AttributionRuleTest, ExplanationsSayServiceGapAndDeploy) {
  EXPECT_EQ(ExplainAutomatic("api", "d-123", T("2026-03-02T10:00:00Z"), T("2026-03-02T10:37:00Z")),
            "same service api, 37 min after deploy d-123");
  EXPECT_EQ(ExplainAutomatic("api", "d-9", T("2026-03-02T10:00:00Z"), T("2026-03-02T06:48:00Z")),
            "same service api, 3 h 12 min before deploy d-9");
  EXPECT_EQ(ExplainManual(true, "alice@example.com"), "linked by hand by alice@example.com");
  EXPECT_EQ(HumanGap(std::chrono::seconds(45)), "45 s");
  EXPECT_EQ(HumanGap(std::chrono::hours(52)), "2 d 4 h");
}

}  // namespace
}  // namespace im::dora

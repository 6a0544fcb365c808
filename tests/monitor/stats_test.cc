#include "monitor/stats.h"

#include <gtest/gtest.h>

#include "common/time.h"

namespace im::monitor {
namespace {

using std::chrono::milliseconds;

TEST(StatsTest, PercentileByNearestRank) {
  std::vector<Duration> v;
  for (int i = 100; i >= 1; --i) v.push_back(milliseconds(i));
  EXPECT_EQ(Percentile(v, 50), milliseconds(50));
  EXPECT_EQ(Percentile(v, 95), milliseconds(95));
  EXPECT_EQ(Percentile(v, 99), milliseconds(99));
  EXPECT_EQ(Percentile(v, 100), milliseconds(100));
  std::vector<Duration> none;
  EXPECT_FALSE(Percentile(none, 50));
}

TEST(StatsTest, UptimeOverEachWindow) {
  const Time now = *ParseTime("2026-12-04T12:00:00Z");
  std::vector<CheckSample> s;
  // Last 24 h: 9 good, 1 bad. 3 days ago: 10 bad. 20 days ago: 80 good. 40 days ago: ignored.
  for (int i = 0; i < 10; ++i) {
    s.push_back({now - std::chrono::hours(i + 1), i != 0, milliseconds(10 * (i + 1))});
  }
  for (int i = 0; i < 10; ++i) s.push_back({now - std::chrono::days(3), false, milliseconds(1)});
  for (int i = 0; i < 80; ++i) s.push_back({now - std::chrono::days(20), true, milliseconds(1)});
  for (int i = 0; i < 5; ++i) s.push_back({now - std::chrono::days(40), false, milliseconds(1)});
  auto stats = ComputeStats(s, now);
  ASSERT_EQ(stats.size(), 3u);
  EXPECT_EQ(stats[0].name, "24h");
  EXPECT_EQ(stats[0].checks, 10);
  EXPECT_DOUBLE_EQ(*stats[0].uptime_percent, 90.0);
  EXPECT_EQ(stats[0].p50, milliseconds(50));
  EXPECT_EQ(stats[0].p99, milliseconds(100));
  EXPECT_DOUBLE_EQ(*stats[1].uptime_percent, 45.0);
  EXPECT_DOUBLE_EQ(*stats[2].uptime_percent, 89.0);
}

TEST(StatsTest, NoChecksMeansNoFigure) {
  auto stats = ComputeStats({}, *ParseTime("2026-12-04T12:00:00Z"));
  EXPECT_FALSE(stats[0].uptime_percent);
  EXPECT_FALSE(stats[0].p95);
}

}  // namespace
}  // namespace im::monitor

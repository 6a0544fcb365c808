#include "common/time.h"

#include <gtest/gtest.h>

namespace im {
namespace {

using namespace std::chrono;

TEST(TimeTest, ParsesUtcAndOffsetsToTheSameInstant) {
  auto a = ParseTime("2026-03-29T01:30:00Z");
  auto b = ParseTime("2026-03-29T03:30:00+02:00");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(FormatTime(*a), "2026-03-29T01:30:00Z");
}

TEST(TimeTest, KeepsFractionalSeconds) {
  auto t = ParseTime("2021-04-26T17:36:27.458Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(FormatTime(*t), "2021-04-26T17:36:27.458000Z");
}

TEST(TimeTest, DateAloneIsMidnightUtc) {
  auto t = ParseTime("2026-11-22");
  ASSERT_TRUE(t);
  EXPECT_EQ(FormatTime(*t), "2026-11-22T00:00:00Z");
}

TEST(TimeTest, RejectsGarbageWithAHint) {
  for (auto bad : {"", "yesterday", "2026-13-01", "2026-11-22T10:00:00", "2026-11-22T25:00:00Z",
                   "2026-11-22T10:00:00Zjunk"}) {
    auto t = ParseTime(bad);
    ASSERT_FALSE(t) << bad;
    EXPECT_NE(t.error().message.find("RFC 3339"), std::string::npos);
  }
}

TEST(TimeTest, RelativeTimesCountFromNow) {
  Time now = *ParseTime("2026-11-22T12:00:00Z");
  EXPECT_EQ(FormatTime(*ParseTimeRelative("-7d", now)), "2026-11-15T12:00:00Z");
  EXPECT_EQ(FormatTime(*ParseTimeRelative("+90m", now)), "2026-11-22T13:30:00Z");
  EXPECT_EQ(*ParseTimeRelative("now", now), now);
}

TEST(DurationTest, ParsesUnitsAndCombinations) {
  EXPECT_EQ(*ParseDuration("15m"), minutes(15));
  EXPECT_EQ(*ParseDuration("1h30m"), minutes(90));
  EXPECT_EQ(*ParseDuration("3d"), hours(72));
  EXPECT_EQ(*ParseDuration("45"), seconds(45));
  EXPECT_FALSE(ParseDuration("15x"));
  EXPECT_FALSE(ParseDuration("m"));
  EXPECT_FALSE(ParseDuration("-5m"));
}

TEST(DurationTest, RefusesWhatWouldOverflowInsteadOfWrapping) {
  EXPECT_EQ(*ParseDuration("36500d"), hours(24 * 36500));
  for (const char* text : {"99999999999999999999h", "9223372036854775807s", "3000000000000w",
                           "36601d", "36600d1w", "4000000000"}) {
    auto d = ParseDuration(text);
    ASSERT_FALSE(d) << text;
    EXPECT_NE(d.error().message.find("100 years"), std::string::npos) << d.error().message;
  }
}

TEST(DurationTest, FormatsTheShortestExactForm) {
  EXPECT_EQ(FormatDuration(minutes(90)), "1h30m");
  EXPECT_EQ(FormatDuration(hours(72)), "3d");
  EXPECT_EQ(FormatDuration(seconds(0)), "0s");
  EXPECT_EQ(FormatDuration(-seconds(61)), "-1m1s");
}

}  // namespace
}  // namespace im

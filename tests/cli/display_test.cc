#include "cli/display.h"

#include <gtest/gtest.h>

#include "common/time.h"

namespace im::cli {
namespace {

using namespace std::chrono_literals;

TEST(DisplayTest, CountsGetThousandsSeparators) {
  EXPECT_EQ(FormatCount(0), "0");
  EXPECT_EQ(FormatCount(89), "89");
  EXPECT_EQ(FormatCount(999), "999");
  EXPECT_EQ(FormatCount(1247), "1,247");
  EXPECT_EQ(FormatCount(1000000), "1,000,000");
  EXPECT_EQ(FormatCount(-1247), "-1,247");
}

TEST(DisplayTest, RatesAreRoundedToOneDecimal) {
  EXPECT_EQ(FormatPercent(0.994), "99.4%");
  EXPECT_EQ(FormatPercent(0.23), "23%");
  EXPECT_EQ(FormatPercent(0), "0%");
  EXPECT_EQ(FormatPercent(1), "100%");
  EXPECT_EQ(FormatPercent(1.0 / 3), "33.3%");
  EXPECT_EQ(FormatPercent(0.00004), "0%");
}

TEST(DisplayTest, SecondsAreShortAndRounded) {
  EXPECT_EQ(FormatSeconds(1.2345), "1.2s");
  EXPECT_EQ(FormatSeconds(0), "0s");
  EXPECT_EQ(FormatSeconds(0.04), "0s");
  EXPECT_EQ(FormatSeconds(3), "3s");
  EXPECT_EQ(FormatSeconds(45.4), "45s");
  EXPECT_EQ(FormatSeconds(125), "2m5s");
}

TEST(DisplayTest, TimesAreSaidRelativeToNow) {
  const Time now = *ParseTime("2026-12-04T12:00:00Z");
  EXPECT_EQ(FormatAgo(now - 30s, now), "30s ago");
  EXPECT_EQ(FormatAgo(now - 150s, now), "2m ago");
  EXPECT_EQ(FormatAgo(now - 5h, now), "5h ago");
  EXPECT_EQ(FormatAgo(now - 72h, now), "3d ago");
  EXPECT_EQ(FormatAgo(now, now), "just now");
  EXPECT_EQ(FormatAgo(now + 5s, now), "just now");
}

TEST(DisplayTest, NamesAreQuotedForTheShellOnlyWhenNeeded) {
  EXPECT_EQ(ShellWord("api"), "api");
  EXPECT_EQ(ShellWord("team/app.v2"), "team/app.v2");
  EXPECT_EQ(ShellWord("API Gateway"), "'API Gateway'");
  EXPECT_EQ(ShellWord("it's"), "'it'\\''s'");
  EXPECT_EQ(ShellWord(""), "''");
}

}  // namespace
}  // namespace im::cli

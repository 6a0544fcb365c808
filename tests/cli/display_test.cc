#include "cli/display.h"

#include <gtest/gtest.h>

namespace im::cli {
namespace {

TEST(DisplayTest, NamesAreQuotedForTheShellOnlyWhenNeeded) {
  EXPECT_EQ(ShellWord("api"), "api");
  EXPECT_EQ(ShellWord("team/app.v2"), "team/app.v2");
  EXPECT_EQ(ShellWord("API Gateway"), "'API Gateway'");
  EXPECT_EQ(ShellWord("it's"), "'it'\\''s'");
  EXPECT_EQ(ShellWord(""), "''");
}

}  // namespace
}  // namespace im::cli

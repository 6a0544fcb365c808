#include "common/json.h"

#include <gtest/gtest.h>

namespace im {
namespace {

TEST(JsonTest, NamesTheMissingField) {
  auto v = json::Parse(R"({"a": 1})");
  ASSERT_TRUE(v);
  auto s = json::GetString(v->as_object(), "title");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message, "missing field 'title'");
}

TEST(JsonTest, NamesTheWrongType) {
  auto v = json::Parse(R"({"title": 1, "n": "x"})");
  EXPECT_EQ(json::GetString(v->as_object(), "title").error().message,
            "field 'title' must be a string");
  EXPECT_EQ(json::GetInt(v->as_object(), "n").error().message, "field 'n' must be an integer");
}

TEST(JsonTest, RejectsMalformedText) {
  auto v = json::Parse("{\"a\": ");
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ErrorCode::kInvalidArgument);
}

TEST(JsonTest, RejectsUnknownFieldsByName) {
  auto v = json::Parse(R"({"title": "x", "sevrity": "SEV-1"})");
  auto r = json::RejectUnknownFields(v->as_object(), {"title", "severity"});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("unknown field 'sevrity'"), std::string::npos);
}

}  // namespace
}  // namespace im

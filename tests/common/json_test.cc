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

TEST(JsonTest, ParseKeepsTheLastOfDuplicateKeysButParseStrictNamesThem) {
  auto lax = json::Parse(R"({"title": "a", "title": "b"})");
  ASSERT_TRUE(lax);
  EXPECT_EQ(lax->at("title").as_string(), "b");
  struct Case {
    const char* text;
    const char* key;  // "" when the text has no duplicate
  };
  for (auto c :
       {Case{R"({"title": "a", "title": "b"})", "title"},
        Case{R"({"custom": {"service_id": "P1", "service_id": "P2"}})", "custom.service_id"},
        Case{R"({"rules": [{"id": 1}, {"id": 2, "id": 3}]})", "rules[].id"},
        Case{R"({"a": {"x": 1}, "b": {"x": 1}, "c": [{"x": 1}, {"x": 2}]})", ""},
        Case{R"([{"k": 1}, {"k": 2}])", ""}}) {
    auto v = json::ParseStrict(c.text);
    if (*c.key == '\0') {
      EXPECT_TRUE(v) << c.text;
      continue;
    }
    ASSERT_FALSE(v) << c.text;
    EXPECT_EQ(v.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(v.error().message,
              std::string("key '") + c.key + "' is given twice: give each key once");
  }
  EXPECT_FALSE(json::ParseStrict("{\"a\": "));  // still refuses what is not JSON
}

}  // namespace
}  // namespace im

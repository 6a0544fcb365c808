#include "common/json_writer.h"

#include <gtest/gtest.h>

#include "common/json.h"
#include "common/time.h"

namespace im::json {
namespace {

std::string Quoted(std::string_view s) {
  std::string out;
  AppendQuoted(out, s);
  return out;
}

TEST(JsonWriterTest, StringsAreEscapedAsBoostJsonEscapesThem) {
  std::string all_bytes;
  for (int c = 1; c < 256; ++c) all_bytes.push_back(static_cast<char>(c));
  for (std::string s :
       {std::string(""), std::string("plain"), std::string("quote \" and \\"),
        std::string("tab\tnew\nline\rform\fback\b"), std::string("\x01\x1f\x7f"),
        std::string("snowman \xe2\x98\x83 / slash"), std::string("nul\0byte", 8), all_bytes}) {
    EXPECT_EQ(Quoted(s), Serialize(value(s))) << s;
    // and it reads back as the same string
    auto back = Parse(Quoted(s));
    if (s != all_bytes) {  // bytes 0x80.. alone are not UTF-8, which the parser refuses
      ASSERT_TRUE(back.has_value()) << s;
      EXPECT_EQ(std::string(back->as_string()), s);
    }
  }
}

TEST(JsonWriterTest, NestedValuesMatchTheSerializedTree) {
  std::string out;
  Writer w(out);
  w.BeginObject()
      .Key("id")
      .String("INC-1")
      .Key("n")
      .Int(-9223372036854775807 - 1)
      .Key("ok")
      .Bool(true)
      .Key("no")
      .Bool(false)
      .Key("none")
      .Null()
      .Key("empty")
      .BeginArray()
      .EndArray()
      .Key("list")
      .BeginArray()
      .String("a")
      .Int(2)
      .BeginObject()
      .EndObject()
      .BeginObject()
      .Key("k")
      .StringOrNull("")
      .EndObject()
      .EndArray()
      .Key("raw")
      .Raw("{\"x\":1}")
      .Key("at")
      .Time(*ParseTime("2026-11-22T10:00:00.000123Z"))
      .EscapedKey("custom \"field\"\n")
      .String("v")
      .EndObject();
  object expected{{"id", "INC-1"},
                  {"n", INT64_MIN},
                  {"ok", true},
                  {"no", false},
                  {"none", nullptr},
                  {"empty", array{}},
                  {"list", array{"a", 2, object{}, object{{"k", nullptr}}}},
                  {"raw", object{{"x", 1}}},
                  {"at", "2026-11-22T10:00:00.000123Z"},
                  {"custom \"field\"\n", "v"}};
  EXPECT_EQ(out, Serialize(expected));
}

TEST(JsonWriterTest, TimesAreWrittenAsFormatTimeWritesThem) {
  for (const char* t :
       {"1970-01-01T00:00:00Z", "2026-03-29T01:30:00Z", "2021-04-26T17:36:27.458000Z",
        "0001-01-01T00:00:00.000001Z", "9999-12-31T23:59:59.999999Z", "2024-02-29T12:00:00Z"}) {
    std::string out;
    Writer(out).Time(*ParseTime(t));
    EXPECT_EQ(out, "\"" + std::string(t) + "\"");
    EXPECT_EQ(FormatTime(*ParseTime(t)), t);
  }
}

}  // namespace
}  // namespace im::json

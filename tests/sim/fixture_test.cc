// The fixture reader every simulator shares: the file's top level and mode, checked reads that
// name the JSON path and what to write, relative times, and ids that clash or dangle.
#include "sim/common/fixture.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "common/time.h"
#include "fakes/temp_dir.h"

namespace im::sim {
namespace {

using ::testing::HasSubstr;

const Time kNow = *ParseTime("2026-06-15T12:00:00.250Z");
const std::vector<std::string> kCollections = {"incidents", "services"};

std::string ParseError(const std::string& text) {
  auto f = ParseFixture(text, kCollections, kNow);
  return f ? "" : f.error().message;
}

TEST(FixtureFileTest, ModeDefaultsToReplaceAndAcceptsExtend) {
  auto replace = ParseFixture(R"({"incidents": []})", kCollections, kNow);
  ASSERT_TRUE(replace) << replace.error().message;
  EXPECT_EQ(replace->mode, FixtureMode::kReplace);
  auto extend = ParseFixture(R"({"mode": "extend"})", kCollections, kNow);
  ASSERT_TRUE(extend) << extend.error().message;
  EXPECT_EQ(extend->mode, FixtureMode::kExtend);
}

TEST(FixtureFileTest, TopLevelProblemsAreNamed) {
  EXPECT_THAT(ParseError("{\n  \"incidents\": [\n    {\"id\": 1,,}\n"),
              HasSubstr("not valid JSON at line 3, column 14"));
  EXPECT_THAT(ParseError("[]"), HasSubstr("the top level must be an object"));
  EXPECT_THAT(ParseError(R"({"incident": []})"),
              HasSubstr("\"incident\" is not a fixture key: write only \"mode\", \"incidents\", "
                        "\"services\""));
  EXPECT_THAT(ParseError(R"({"mode": "merge"})"),
              HasSubstr("mode \"merge\" is not allowed: write one of \"replace\", \"extend\""));
}

TEST(FixtureFileTest, AnUnreadableFileIsAnError) {
  auto f = ReadFixture("/nonexistent/fixture.json", kCollections, kNow);
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().message, "cannot be read");
}

TEST(FixtureFileTest, ReadsAFile) {
  im::testing::TempDir dir;
  std::ofstream(dir.File("f.json")) << R"({"mode": "extend", "services": []})";
  auto f = ReadFixture(dir.File("f.json"), kCollections, kNow);
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_EQ(f->mode, FixtureMode::kExtend);
}

class FixtureObjectTest : public ::testing::Test {
 protected:
  // The first incident of `text` ({"incidents": [<object>]}), read with `read`; the error.
  template <typename Read>
  std::string ErrorOf(const std::string& object, Read read) {
    auto f = ParseFixture(R"({"incidents": [)" + object + "]}", kCollections, kNow);
    EXPECT_TRUE(f) << f.error().message;
    auto incidents = f->Root().Objects("incidents", "an incident");
    EXPECT_EQ(incidents.size(), 1u);
    read(incidents.at(0));
    return f->ctx.error ? f->ctx.error->message : "";
  }
};

TEST_F(FixtureObjectTest, MissingAndWrongTypesNameThePathAndWhatToWrite) {
  EXPECT_EQ(ErrorOf("{}", [](const FixtureObject& o) { o.String("title", "a title"); }),
            "incidents[0].title is missing: write a title");
  EXPECT_EQ(ErrorOf(R"({"title": ""})", [](const FixtureObject& o) { o.String("title", "x"); }),
            "incidents[0].title is missing: write x");
  EXPECT_EQ(
      ErrorOf(R"({"title": 5})", [](const FixtureObject& o) { o.String("title", "a title"); }),
      "incidents[0].title must be a string, not a number: write a title");
  EXPECT_EQ(ErrorOf(R"({"service": "PSVC"})",
                    [](const FixtureObject& o) { o.RefId("service", "{\"id\": ...}"); }),
            "incidents[0].service must be an object, not a string: write {\"id\": ...}");
  EXPECT_EQ(ErrorOf("{}", [](const FixtureObject& o) { o.RefId("service", "a reference"); }),
            "incidents[0].service.id is missing: write a reference");
  EXPECT_EQ(
      ErrorOf(R"({"tags": [1]})", [](const FixtureObject& o) { o.Strings("tags", "[\"a\"]"); }),
      "incidents[0].tags must be an array of strings: write [\"a\"]");
  EXPECT_EQ(ErrorOf(R"({"n": 1.5})", [](const FixtureObject& o) { o.OptionalInt("n", "5"); }),
            "incidents[0].n must be an integer, not a number: write 5");
  EXPECT_EQ(
      ErrorOf(R"({"zone": "Mars/Olympus"})", [](const FixtureObject& o) { o.Zone("zone", "UTC"); }),
      "incidents[0].zone \"Mars/Olympus\" is not an IANA time zone: write one such as "
      "\"Europe/Berlin\"");
}

TEST_F(FixtureObjectTest, ElementsOfAnArrayMustBeObjects) {
  auto f = ParseFixture(R"({"incidents": [{}, 7]})", kCollections, kNow);
  ASSERT_TRUE(f);
  EXPECT_TRUE(f->Root().Objects("incidents", "an incident").empty());
  ASSERT_TRUE(f->ctx.error);
  EXPECT_EQ(f->ctx.error->message,
            "incidents[1] must be an object, not a number: write an incident");
}

TEST_F(FixtureObjectTest, TimesAreRfc3339OrRelativeToTheWholeSecondOfTheStart) {
  Time at{}, ago{}, now{};
  EXPECT_EQ(ErrorOf(R"({"a": "2026-06-01T08:00:00+02:00", "b": "-1h30m", "c": "now"})",
                    [&](const FixtureObject& o) {
                      at = o.TimeAt("a");
                      ago = o.TimeAt("b");
                      now = o.TimeAt("c");
                    }),
            "");
  EXPECT_EQ(FormatTime(at), "2026-06-01T06:00:00Z");
  EXPECT_EQ(FormatTime(ago), "2026-06-15T10:30:00Z");
  EXPECT_EQ(FormatTime(now), "2026-06-15T12:00:00Z");
  EXPECT_THAT(ErrorOf(R"({"a": "yesterday"})", [](const FixtureObject& o) { o.TimeAt("a"); }),
              HasSubstr("incidents[0].a \"yesterday\" is not a time: write an RFC 3339 time"));
  // Too far to count in microseconds: refused rather than overflowed.
  EXPECT_THAT(ErrorOf(R"({"a": "-9999999999999w"})", [](const FixtureObject& o) { o.TimeAt("a"); }),
              HasSubstr("incidents[0].a \"-9999999999999w\" is not a time"));
  EXPECT_THAT(ErrorOf("{}", [](const FixtureObject& o) { o.TimeAt("created_at"); }),
              HasSubstr("incidents[0].created_at is missing: write an RFC 3339 time"));
}

TEST_F(FixtureObjectTest, OnlyTheFirstProblemIsKept) {
  EXPECT_EQ(ErrorOf("{}",
                    [](const FixtureObject& o) {
                      o.String("id", "an id");
                      o.String("title", "a title");
                    }),
            "incidents[0].id is missing: write an id");
}

TEST_F(FixtureObjectTest, IdsInUseAndDanglingReferencesNameBothPlaces) {
  FixtureIds services("service", "services");
  services.AddGenerated("PGEN001");
  EXPECT_EQ(ErrorOf(R"({"id": "PGEN001"})",
                    [&](const FixtureObject& o) { services.Add(o, "id", "PGEN001"); }),
            "incidents[0].id \"PGEN001\" is already the id of a generated service (extend mode "
            "keeps the generated data): write another id");
  FixtureIds fresh("service", "services");
  EXPECT_EQ(ErrorOf(R"({"id": "A"})",
                    [&](const FixtureObject& o) {
                      fresh.Add(o, "id", "A");
                      fresh.Add(o, "other", "A");
                    }),
            "incidents[0].other \"A\" is already the id of incidents[0].id: write another id");
  EXPECT_EQ(
      ErrorOf("{}", [&](const FixtureObject& o) { services.Resolve(o, "service.id", "PNOPE"); }),
      "incidents[0].service.id \"PNOPE\" is not the id of any service (services[].id or a "
      "generated service): write one of those ids, or add a service with this id");
  EXPECT_EQ(ErrorOf("{}", [&](const FixtureObject& o) { services.Resolve(o, "x", "PGEN001"); }),
            "");
}

}  // namespace
}  // namespace im::sim

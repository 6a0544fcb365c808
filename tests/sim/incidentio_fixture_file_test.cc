// `im sim incidentio --fixture FILE`: the shipped example served through the v2 routes as
// written, with the incident updates its statuses and timestamps imply; extend mode keeping the
// generated organisation; and bad fixtures refused with the file, the JSON path and what to
// write.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "common/time.h"
#include "fakes/fake_clock.h"
#include "fixture_test_util.h"
#include "sim/incidentio/fixture.h"
#include "sim/incidentio/simulator.h"
#include "sim_test_util.h"

namespace im::sim::incidentio {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class NoClient final : public net::HttpClient {
 public:
  Result<net::HttpResponse> Send(const net::ClientRequest&) override { return net::HttpResponse{}; }
};

class IncidentIoFixtureFileTest : public ::testing::Test {
 protected:
  GeneratorOptions Generated() const { return {5, 30, 30, clock_.Now()}; }

  void Serve(World world) {
    SimulatorOptions o;
    o.api_keys = {{"fixture-key", false}};
    o.world = std::move(world);
    sim_ = std::make_unique<Simulator>(o, clock_, client_, nullptr);
    sim_->Register(router_);
  }
  json::object Get(const std::string& target) {
    auto res = testing::Call(router_, "GET", target, {{"Authorization", "Bearer fixture-key"}});
    EXPECT_EQ(res.status, 200) << target << ": " << res.body;
    auto v = json::Parse(res.body);
    return v && v->is_object() ? v->as_object() : json::object{};
  }
  std::string At(const json::value& text) const {
    return FormatTime(*ParseTimeRelative(text.as_string(), clock_.Now()));
  }

  im::testing::FakeClock clock_{*ParseTime("2026-06-15T12:00:00Z")};
  NoClient client_;
  http::Router router_;
  std::unique_ptr<Simulator> sim_;
};

TEST_F(IncidentIoFixtureFileTest, ShippedExampleIsServedAsWritten) {
  std::string path = testing::ShippedFixture("incidentio.json");
  auto world = LoadFixture(path, Generated());
  ASSERT_TRUE(world) << world.error().message;
  Serve(std::move(*world));
  json::object file = testing::JsonFile(path);
  std::map<std::string, std::string> category;  // status id → category
  for (const auto& s : file.at("incident_statuses").as_array()) {
    category[std::string(s.at("id").as_string())] = s.at("category").as_string();
  }
  const json::array& written = file.at("incidents").as_array();

  auto listed = Get("/v2/incidents?page_size=100&sort_by=created_at_oldest_first");
  EXPECT_EQ(listed.at("pagination_meta").at("total_record_count").as_int64(),
            static_cast<int64_t>(written.size()));
  std::set<std::string> categories;
  for (const auto& w : written) {
    const auto& in = w.as_object();
    std::string id(in.at("id").as_string());
    SCOPED_TRACE(id);
    auto inc = Get("/v2/incidents/" + id).at("incident").as_object();
    EXPECT_EQ(inc.at("name"), in.at("name"));
    EXPECT_EQ(inc.at("reference"), in.at("reference"));
    EXPECT_EQ(inc.at("incident_status").at("id"), in.at("incident_status").at("id"));
    EXPECT_EQ(inc.at("created_at").as_string(), At(in.at("created_at")));
    if (in.contains("severity")) {
      EXPECT_EQ(inc.at("severity").at("id"), in.at("severity").at("id"));
    }
    std::string status(in.at("incident_status").at("id").as_string());
    categories.insert(category[status]);

    // The updates, oldest first: declared at created_at, then, for an incident that has moved
    // past the live statuses, the move to its status at updated_at.
    auto updates = Get("/v2/incident_updates?incident_id=" + id).at("incident_updates").as_array();
    ASSERT_FALSE(updates.empty());
    const auto& declared = updates.back().as_object();
    EXPECT_EQ(declared.at("created_at").as_string(), At(in.at("created_at")));
    EXPECT_EQ(declared.at("message"), "Incident declared");
    const auto& last = updates.front().as_object();
    EXPECT_EQ(last.at("new_incident_status").at("id").as_string(), status);
    bool active = category[status] == "triage" || category[status] == "live";
    EXPECT_EQ(updates.size(), active ? 1u : 2u);
    if (!active) {
      EXPECT_EQ(last.at("created_at").as_string(), At(in.at("updated_at")));
      EXPECT_EQ(inc.at("updated_at").as_string(), At(in.at("updated_at")));
      EXPECT_EQ(declared.at("new_incident_status").at("name"), "Investigating");
    }
  }
  EXPECT_EQ(categories,
            (std::set<std::string>{"triage", "live", "learning", "closed", "declined"}));
  EXPECT_EQ(Get("/v2/incidents/01HINC0CHECKOUT00000000001").at("incident").at("created_at"),
            "2026-06-15T11:35:00Z");
  EXPECT_EQ(Get("/v1/severities").at("severities").as_array().size(), 3u);
  EXPECT_EQ(Get("/v2/users?page_size=100").at("users").as_array().size(), 3u);
  EXPECT_EQ(Get("/v2/schedules").at("schedules").as_array().size(), 1u);
}

TEST_F(IncidentIoFixtureFileTest, ExtendKeepsTheGeneratedOrganisationAndAddsTheFixtures) {
  World generated = Generate(Generated());
  const std::string closed = generated.statuses[5].id, severity = generated.severities[0].id;
  testing::FixtureFile file(R"({"mode": "extend",
    "users": [{"id": "01FIXUSER", "name": "Fix User", "email": "fix@example.com"}],
    "incidents": [
      {"id": "01FIXINC1", "name": "From the fixture", "created_at": "-3h", "updated_at": "-1h",
       "incident_status": {"id": ")" +
                            closed + R"("}, "severity": {"id": ")" + severity + R"("},
       "creator": {"user": {"id": "01FIXUSER"}}}]})");
  auto world = LoadFixture(file.path(), Generated());
  ASSERT_TRUE(world) << world.error().message;
  Serve(std::move(*world));

  auto all = Get("/v2/incidents?page_size=100");
  int64_t listed = 1;  // the fixture's, and the generated ones not test or tutorial
  for (const auto& inc : generated.incidents) {
    listed += inc.mode == "standard" || inc.mode == "retrospective";
  }
  EXPECT_EQ(all.at("pagination_meta").at("total_record_count").as_int64(), listed);
  for (const auto& inc : generated.incidents) {
    EXPECT_EQ(Get("/v2/incidents/" + inc.id).at("incident").at("name").as_string(), inc.name);
  }
  auto mine = Get("/v2/incidents/01FIXINC1").at("incident").as_object();
  EXPECT_EQ(mine.at("reference"), "INC-31");  // after the generated references
  EXPECT_EQ(mine.at("incident_status").at("name"), "Closed");
  EXPECT_EQ(mine.at("creator").at("user").at("name"), "Fix User");
  EXPECT_EQ(
      Get("/v2/incident_updates?incident_id=01FIXINC1").at("incident_updates").as_array().size(),
      2u);
  EXPECT_EQ(Get("/v2/users?page_size=100").at("users").as_array().size(),
            generated.users.size() + 1);
}

struct BadCase {
  std::string name, text, error;
};

// A valid organisation to break one piece of.
std::string Organisation(const std::string& incidents, const std::string& extra = "") {
  return R"({)" + extra + R"(
    "users": [{"id": "01USER", "name": "Ada"}],
    "severities": [{"id": "01SEV", "name": "Major", "rank": 2}],
    "incident_statuses": [{"id": "01LIVE", "name": "Investigating", "category": "live"},
                          {"id": "01DONE", "name": "Closed", "category": "closed"}],
    "incidents": [)" +
         incidents + "]}";
}

TEST_F(IncidentIoFixtureFileTest, BadFixturesAreRefusedNamingThePath) {
  World generated = Generate(Generated());
  const std::vector<BadCase> cases = {
      {"missing field",
       Organisation(R"({"id": "01INC", "incident_status": {"id": "01LIVE"}, "created_at": "-1h"})"),
       "incidents[0].name is missing: write what happened"},
      {"wrong type",
       Organisation(R"({"id": "01INC", "name": "Down", "incident_status": {"id": "01LIVE"},
                        "created_at": "-1h", "severity": "01SEV"})"),
       "incidents[0].severity must be an object, not a string"},
      {"dangling status",
       Organisation(R"({"id": "01INC", "name": "Down", "incident_status": {"id": "01NOPE"},
                        "created_at": "-1h"})"),
       "incidents[0].incident_status.id \"01NOPE\" is not the id of any incident status "
       "(incident_statuses[].id)"},
      {"id clash in extend mode",
       R"({"mode": "extend", "users": [{"id": ")" + generated.users[3].id + R"(", "name": "X"}]})",
       "users[0].id \"" + generated.users[3].id + "\" is already the id of a generated user"},
      {"not JSON", "{\"incidents\": }", "not valid JSON at line 1, column 15"},
      {"closed without updated_at",
       Organisation(R"({"id": "01INC", "name": "Down", "incident_status": {"id": "01DONE"},
                        "created_at": "-1h"})"),
       "incidents[0].updated_at is missing: write when the incident moved to \"Closed\""},
      {"bad reference",
       Organisation(R"({"id": "01INC", "name": "Down", "incident_status": {"id": "01LIVE"},
                        "created_at": "-1h", "reference": "INC-x"})"),
       "incidents[0].reference \"INC-x\" is not a reference"},
      {"replace mode without statuses", R"({"users": [{"id": "01USER", "name": "Ada"}],
         "severities": [{"id": "01SEV", "name": "Major", "rank": 2}]})",
       "incident_statuses is empty: replace mode needs the organisation's statuses"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    testing::FixtureFile file(c.text);
    auto world = LoadFixture(file.path(), Generated());
    ASSERT_FALSE(world);
    EXPECT_EQ(world.error().code, ErrorCode::kInvalidArgument);
    EXPECT_THAT(world.error().message, StartsWith("fixture " + file.path() + ": "));
    EXPECT_THAT(world.error().message, HasSubstr(c.error));
  }
}

}  // namespace
}  // namespace im::sim::incidentio

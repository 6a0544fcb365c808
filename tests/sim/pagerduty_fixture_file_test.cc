// `im sim pagerduty --fixture FILE`: the shipped example served through the REST routes as
// written, with the log its timestamps imply; extend mode keeping the generated account; and
// bad fixtures refused with the file, the JSON path and what to write.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "fixture_test_util.h"
#include "pagerduty_fixture.h"
#include "sim/pagerduty/fixture.h"

namespace im::sim::pagerduty {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kKey[] = "fixture-key";

class PagerDutyFixtureFileTest : public ::testing::Test {
 protected:
  GeneratorOptions Generated() const { return {7, 40, 30, clock_.Now()}; }

  void Serve(World world) {
    SimulatorOptions o;
    o.api_keys = {{kKey, false}};
    o.world = std::move(world);
    sim_ = std::make_unique<Simulator>(o, clock_, client_, nullptr);
    sim_->Register(router_);
  }
  json::object Get(const std::string& target) {
    auto res = testing::Call(router_, "GET", target,
                             {{"Authorization", std::string("Token token=") + kKey}});
    EXPECT_EQ(res.status, 200) << target << ": " << res.body;
    auto v = json::Parse(res.body);
    return v && v->is_object() ? v->as_object() : json::object{};
  }
  std::string At(const json::value& text) const {
    return FormatTime(*ParseTimeRelative(text.as_string(), clock_.Now()));
  }

  im::testing::FakeClock clock_{*ParseTime("2026-06-15T12:00:00Z")};
  RecordingClient client_;
  http::Router router_;
  std::unique_ptr<Simulator> sim_;
};

TEST_F(PagerDutyFixtureFileTest, ShippedExampleIsServedAsWritten) {
  std::string path = testing::ShippedFixture("pagerduty.json");
  auto world = LoadFixture(path, Generated());
  ASSERT_TRUE(world) << world.error().message;
  Serve(std::move(*world));
  json::array written = testing::JsonFile(path).at("incidents").as_array();
  ASSERT_GE(written.size(), 3u);

  // Relative times make the example recent: the default window (the last month) lists it all.
  auto listed = Get("/incidents?limit=100&total=true");
  EXPECT_EQ(listed.at("total").as_int64(), static_cast<int64_t>(written.size()));
  std::set<std::string> statuses;
  for (const auto& w : written) {
    const auto& in = w.as_object();
    std::string id(in.at("id").as_string());
    SCOPED_TRACE(id);
    auto inc = Get("/incidents/" + id).at("incident").as_object();
    EXPECT_EQ(inc.at("title"), in.at("title"));
    EXPECT_EQ(inc.at("status"), in.at("status"));
    EXPECT_EQ(inc.at("urgency"), in.at("urgency"));
    EXPECT_EQ(inc.at("incident_number"), in.at("incident_number"));
    EXPECT_EQ(inc.at("service").at("id"), in.at("service").at("id"));
    EXPECT_EQ(inc.at("created_at").as_string(), At(in.at("created_at")));
    statuses.insert(std::string(in.at("status").as_string()));

    // The log, oldest first: the trigger at created_at, an acknowledge entry per
    // acknowledgement, and the resolve at resolved_at (else last_status_change_at).
    auto log = Get("/incidents/" + id + "/log_entries?limit=100").at("log_entries").as_array();
    ASSERT_FALSE(log.empty());
    const auto& first = log.back().as_object();
    EXPECT_EQ(first.at("type"), "trigger_log_entry");
    EXPECT_EQ(first.at("created_at").as_string(), At(in.at("created_at")));
    EXPECT_EQ(first.at("agent").at("id"), in.at("service").at("id"));
    std::vector<std::pair<std::string, std::string>> acks;
    for (const auto& e : log) {
      if (e.at("type") == "acknowledge_log_entry") {
        acks.emplace_back(e.at("created_at").as_string(), e.at("agent").at("id").as_string());
      }
    }
    std::vector<std::pair<std::string, std::string>> want_acks;
    if (const auto* a = in.if_contains("acknowledgements")) {
      for (const auto& ack : a->as_array()) {
        want_acks.emplace_back(At(ack.at("at")), ack.at("acknowledger").at("id").as_string());
      }
    }
    std::reverse(acks.begin(), acks.end());
    EXPECT_EQ(acks, want_acks);
    const auto& newest = log.front().as_object();
    if (in.at("status") == "resolved") {
      const json::value& at =
          in.at("resolved_at").is_null() ? in.at("last_status_change_at") : in.at("resolved_at");
      EXPECT_EQ(newest.at("type"), "resolve_log_entry");
      EXPECT_EQ(newest.at("created_at").as_string(), At(at));
      EXPECT_EQ(inc.at("resolved_at").as_string(), At(at));
      EXPECT_TRUE(inc.at("acknowledgements").as_array().empty());
      EXPECT_TRUE(inc.at("assignments").as_array().empty());
    } else {
      EXPECT_TRUE(inc.at("resolved_at").is_null());
      for (const auto& e : log) EXPECT_NE(e.at("type"), "resolve_log_entry");
      EXPECT_EQ(inc.at("assignments").as_array().size(),
                in.contains("assignments") ? in.at("assignments").as_array().size() : 0u);
    }
  }
  EXPECT_EQ(statuses, (std::set<std::string>{"triggered", "acknowledged", "resolved"}));
  // One literal time, so the check above does not only agree with itself.
  EXPECT_EQ(Get("/incidents/PINC001").at("incident").at("created_at"), "2026-06-15T11:40:00Z");
  EXPECT_EQ(Get("/services/PSVC001").at("service").at("name"), "Checkout");
  EXPECT_EQ(Get("/users?limit=100").at("users").as_array().size(), 3u);
}

TEST_F(PagerDutyFixtureFileTest, ExtendKeepsTheGeneratedAccountAndAddsTheFixtures) {
  World generated = Generate(Generated());
  const std::string gen_service = generated.services[0].id, gen_user = generated.users[0].id;
  testing::FixtureFile file(R"({"mode": "extend",
    "users": [{"id": "PFIXUSR", "name": "Fix User", "email": "fix@example.com"}],
    "escalation_policies": [{"id": "PFIXEPL", "name": "Fix policy", "escalation_rules": [
      {"targets": [{"id": "PFIXUSR", "type": "user_reference"}]}]}],
    "services": [{"id": "PFIXSVC", "name": "Fix service", "escalation_policy": {"id": "PFIXEPL"}}],
    "incidents": [
      {"id": "PFIXIN1", "title": "On the fixture's service", "status": "triggered",
       "service": {"id": "PFIXSVC"}, "created_at": "-3h"},
      {"id": "PFIXIN2", "title": "On a generated service", "status": "acknowledged",
       "service": {"id": ")" +
                            gen_service + R"("}, "created_at": "2026-06-15T10:00:00Z",
       "acknowledgements": [{"at": "-1h", "acknowledger": {"id": ")" +
                            gen_user + R"("}}]}]})");
  auto world = LoadFixture(file.path(), Generated());
  ASSERT_TRUE(world) << world.error().message;
  Serve(std::move(*world));

  auto all = Get("/incidents?date_range=all&limit=100&total=true");
  EXPECT_EQ(all.at("total").as_int64(), 42);
  Time previous{};
  for (const auto& inc : all.at("incidents").as_array()) {  // still in created_at order
    auto at = *ParseTime(inc.at("created_at").as_string());
    EXPECT_LE(previous, at);
    previous = at;
  }
  for (const auto& inc : generated.incidents) {
    EXPECT_EQ(Get("/incidents/" + inc.id).at("incident").at("title").as_string(), inc.title);
  }
  auto mine = Get("/incidents/PFIXIN2").at("incident").as_object();
  EXPECT_EQ(mine.at("service").at("id").as_string(), gen_service);
  EXPECT_EQ(mine.at("acknowledgements").at(0).at("acknowledger").at("id").as_string(), gen_user);
  EXPECT_EQ(mine.at("incident_number"), 42);  // numbered after the generated ones
  EXPECT_EQ(Get("/incidents/PFIXIN1").at("incident").at("escalation_policy").at("id"), "PFIXEPL");
  EXPECT_EQ(Get("/users?limit=100").at("users").as_array().size(), generated.users.size() + 1);
  EXPECT_EQ(Get("/services?limit=100").at("services").as_array().size(),
            generated.services.size() + 1);
}

struct BadCase {
  std::string name, text, error;
};

// A valid account to break one piece of: a user, a policy, a service and an incident.
std::string Account(const std::string& incidents, const std::string& mode = "replace",
                    const std::string& service_id = "PSVC001") {
  return R"({"mode": ")" + mode + R"(",
    "users": [{"id": "PUSER01", "name": "Ada", "email": "ada@example.com"}],
    "escalation_policies": [{"id": "PEPOL01", "name": "Policy", "escalation_rules": []}],
    "services": [{"id": ")" +
         service_id + R"(", "name": "Checkout",
                  "escalation_policy": {"id": "PEPOL01"}}],
    "incidents": [)" +
         incidents + "]}";
}

TEST_F(PagerDutyFixtureFileTest, BadFixturesAreRefusedNamingThePath) {
  const std::string generated_service = Generate(Generated()).services[2].id;
  const std::string ok =
      R"({"id": "PINC001", "title": "Down", "status": "triggered", "service": {"id": "PSVC001"},
          "created_at": "-1h"})";
  const std::vector<BadCase> cases = {
      {"missing field",
       Account(R"({"id": "PINC001", "status": "triggered", "service": {"id": "PSVC001"},
                   "created_at": "-1h"})"),
       "incidents[0].title is missing: write what happened"},
      {"wrong type", Account(R"({"id": "PINC001", "title": "Down", "status": "triggered",
                   "service": {"id": "PSVC001"}, "created_at": 1760000000})"),
       "incidents[0].created_at must be a string, not a number: write an RFC 3339 time"},
      {"dangling service", Account(R"({"id": "PINC001", "title": "Down", "status": "triggered",
                   "service": {"id": "PNOPE"}, "created_at": "-1h"})"),
       "incidents[0].service.id \"PNOPE\" is not the id of any service (services[].id): write "
       "one of those ids, or add a service with this id"},
      {"id clash in extend mode", Account(ok, "extend", generated_service),
       "services[0].id \"" + generated_service +
           "\" is already the id of a generated service (extend mode keeps the generated data)"},
      {"id clash in the file", Account(ok + "," + ok),
       "incidents[1].id \"PINC001\" is already the id of incidents[0].id"},
      {"not JSON", "{\"incidents\": [\n  {\"id\": \"PINC001\",]\n}",
       "not valid JSON at line 2, column 20"},
      {"acknowledged without an acknowledgement",
       Account(R"({"id": "PINC001", "title": "Down", "status": "acknowledged",
                   "service": {"id": "PSVC001"}, "created_at": "-1h"})"),
       "incidents[0].acknowledgements is empty but status is \"acknowledged\""},
      {"resolved without a time",
       Account(R"({"id": "PINC001", "title": "Down", "status": "resolved",
                   "service": {"id": "PSVC001"}, "created_at": "-1h"})"),
       "incidents[0].resolved_at is missing but status is \"resolved\""},
      {"acknowledged by nobody known",
       Account(R"({"id": "PINC001", "title": "Down", "status": "acknowledged",
                   "service": {"id": "PSVC001"}, "created_at": "-1h",
                   "acknowledgements": [{"at": "-30m", "acknowledger": {"id": "PGHOST"}}]})"),
       "incidents[0].acknowledgements[0].acknowledger.id \"PGHOST\" is not the id of any user"},
      {"a turn too long to render",
       R"({"users": [{"id": "PUSER01", "name": "Ada", "email": "ada@example.com"}],
           "schedules": [{"id": "PSCHED1", "name": "Primary", "schedule_layers": [
             {"start": "-7d", "rotation_turn_length_seconds": 9000000000000000,
              "users": [{"user": {"id": "PUSER01"}}]}]}]})",
       "schedules[0].schedule_layers[0].rotation_turn_length_seconds must be 1 second to 52 "
       "weeks"},
      {"in the future", Account(R"({"id": "PINC001", "title": "Down", "status": "triggered",
                   "service": {"id": "PSVC001"}, "created_at": "+1h"})"),
       "incidents[0].created_at 2026-06-15T13:00:00Z is after the simulator's start"},
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
}  // namespace im::sim::pagerduty

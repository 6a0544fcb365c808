// `im sim opsgenie --fixture FILE`: the shipped example served through the Alert and Incident
// routes as written, with the log lines and timeline entries its fields imply; extend mode
// keeping the generated account; and bad fixtures refused with the file, the JSON path and what
// to write.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "common/time.h"
#include "fakes/fake_clock.h"
#include "fixture_test_util.h"
#include "sim/opsgenie/fixture.h"
#include "sim/opsgenie/response.h"
#include "sim/opsgenie/simulator.h"
#include "sim_test_util.h"

namespace im::sim::opsgenie {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class NoClient final : public net::HttpClient {
 public:
  Result<net::HttpResponse> Send(const net::ClientRequest&) override { return net::HttpResponse{}; }
};

class OpsgenieFixtureFileTest : public ::testing::Test {
 protected:
  GeneratorOptions Generated() const { return {3, 60, 30, clock_.Now()}; }

  void Serve(World world) {
    SimulatorOptions o;
    o.api_keys = {{"fixture-key", false}};
    o.rate_limit = false;  // the tests read every alert at one simulated instant
    o.world = std::move(world);
    sim_ = std::make_unique<Simulator>(o, clock_, client_, nullptr);
    sim_->Register(router_);
  }
  json::value Get(const std::string& target) {
    auto res = testing::Call(router_, "GET", target,
                             {{"Authorization", "GenieKey fixture-key"}, {"Host", "sim"}});
    EXPECT_EQ(res.status, 200) << target << ": " << res.body;
    auto v = json::Parse(res.body);
    return v && v->is_object() ? v->at("data") : json::value{};
  }
  Time At(const json::value& text) const {
    return *ParseTimeRelative(text.as_string(), clock_.Now());
  }

  im::testing::FakeClock clock_{*ParseTime("2026-06-15T12:00:00Z")};
  NoClient client_;
  http::Router router_;
  std::unique_ptr<Simulator> sim_;
};

// The alert's log texts oldest first, each with its time.
std::vector<std::pair<std::string, std::string>> Lines(const json::value& logs) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& l : logs.as_array()) {
    out.emplace_back(l.at("createdAt").as_string(), l.at("log").as_string());
  }
  return out;
}

TEST_F(OpsgenieFixtureFileTest, ShippedExampleIsServedAsWritten) {
  std::string path = testing::ShippedFixture("opsgenie.json");
  auto world = LoadFixture(path, Generated());
  ASSERT_TRUE(world) << world.error().message;
  Serve(std::move(*world));
  json::object file = testing::JsonFile(path);

  const json::array& alerts = file.at("alerts").as_array();
  size_t responder_alerts = 0;  // one per responder of each incident, made with the incident
  for (const auto& i : file.at("incidents").as_array()) {
    if (auto r = i.as_object().find("responders"); r != i.as_object().end()) {
      responder_alerts += r->value().as_array().size();
    }
  }
  EXPECT_EQ(Get("/v2/alerts?limit=100").as_array().size(), alerts.size() + responder_alerts);
  std::set<std::string> states;
  for (const auto& w : alerts) {
    const auto& in = w.as_object();
    std::string id(in.at("id").as_string());
    SCOPED_TRACE(id);
    auto a = Get("/v2/alerts/" + id).as_object();
    EXPECT_EQ(a.at("message"), in.at("message"));
    EXPECT_EQ(a.at("tinyId"), in.at("tinyId"));
    EXPECT_EQ(a.at("status"), in.at("status"));
    EXPECT_EQ(a.at("acknowledged"), in.at("acknowledged"));
    EXPECT_EQ(a.at("priority"), in.at("priority"));
    EXPECT_EQ(a.at("alias"), in.contains("alias") ? in.at("alias") : in.at("id"));
    Time created = At(in.at("createdAt"));
    EXPECT_EQ(a.at("createdAt").as_string(), FormatMillis(created));
    states.insert(std::string(in.at("status").as_string()) +
                  (in.at("acknowledged").as_bool() ? "+acked" : ""));

    // The log: created at createdAt, acknowledged at ackTime, closed at closeTime (or
    // updatedAt), as the report says.
    auto lines = Lines(Get("/v2/alerts/" + id + "/logs?order=asc"));
    ASSERT_FALSE(lines.empty());
    EXPECT_EQ(lines.front().first, FormatMillis(created));
    EXPECT_THAT(lines.front().second, StartsWith("Alert created via"));
    const json::object* report = in.contains("report") ? &in.at("report").as_object() : nullptr;
    if (report && report->contains("ackTime")) {
      Time ack = created + std::chrono::milliseconds(report->at("ackTime").as_int64());
      EXPECT_EQ(lines.at(1),
                std::make_pair(FormatMillis(ack),
                               "Alert acknowledged by " +
                                   std::string(report->at("acknowledgedBy").as_string())));
      EXPECT_EQ(a.at("report").at("ackTime"), report->at("ackTime"));
    }
    if (in.at("status") == "closed") {
      Time close = report && report->contains("closeTime")
                       ? created + std::chrono::milliseconds(report->at("closeTime").as_int64())
                       : At(in.at("updatedAt"));
      EXPECT_EQ(lines.back().first, FormatMillis(close));
      EXPECT_THAT(lines.back().second, StartsWith("Alert closed by"));
      EXPECT_EQ(a.at("report").at("closeTime").as_int64(),
                std::chrono::duration_cast<std::chrono::milliseconds>(close - created).count());
    }
  }
  EXPECT_EQ(states, (std::set<std::string>{"open", "open+acked", "closed", "closed+acked"}));
  EXPECT_EQ(Get("/v2/alerts/checkout-502?identifierType=alias").at("tinyId"), "101");
  EXPECT_EQ(Get("/v2/alerts/101?identifierType=tiny").at("count"), 3);

  const json::array& incidents = file.at("incidents").as_array();
  EXPECT_EQ(Get("/v1/incidents?query=createdAt%3E0&limit=100").as_array().size(), incidents.size());
  for (const auto& w : incidents) {
    const auto& in = w.as_object();
    std::string id(in.at("id").as_string());
    SCOPED_TRACE(id);
    auto inc = Get("/v1/incidents/" + id).as_object();
    EXPECT_EQ(inc.at("message"), in.at("message"));
    EXPECT_EQ(inc.at("status"), in.at("status"));
    EXPECT_EQ(inc.at("serviceId"), in.at("serviceId"));
    EXPECT_EQ(inc.at("createdAt").as_string(), FormatMillis(At(in.at("createdAt"))));
    auto entries = Get("/v2/incident-timelines/" + id + "/entries").at("entries").as_array();
    ASSERT_FALSE(entries.empty());
    EXPECT_EQ(entries.front().at("type"), "IncidentCreated");
    EXPECT_EQ(entries.front().at("eventTime").as_string(), FormatMillis(At(in.at("createdAt"))));
    if (in.at("status") == "open") {
      EXPECT_EQ(entries.size(), 1u);
    } else {
      EXPECT_EQ(entries.back().at("type"),
                in.at("status") == "resolved" ? "IncidentResolved" : "IncidentClosed");
      EXPECT_EQ(entries.back().at("eventTime").as_string(), FormatMillis(At(in.at("updatedAt"))));
    }
  }
  EXPECT_EQ(Get("/v2/users?limit=100").as_array().size(), 3u);
  EXPECT_EQ(Get("/v2/schedules/Shop_schedule/on-calls?scheduleIdentifierType=name&flat=true")
                .at("onCallRecipients")
                .as_array()
                .size(),
            1u);
}

TEST_F(OpsgenieFixtureFileTest, ExtendKeepsTheGeneratedAccountAndAddsTheFixtures) {
  World generated = Generate(Generated());
  const std::string service = generated.services[1].id;
  testing::FixtureFile file(R"({"mode": "extend",
    "alerts": [{"id": "fixture-alert-1", "message": "From the fixture", "createdAt": "-2h",
                "status": "closed", "report": {"closeTime": 60000, "closedBy": "Prometheus"}}],
    "incidents": [{"id": "fixture-incident-1", "message": "On a generated service",
                   "serviceId": ")" +
                            service + R"(", "createdAt": "-1h"}]})");
  auto world = LoadFixture(file.path(), Generated());
  ASSERT_TRUE(world) << world.error().message;
  Serve(std::move(*world));

  EXPECT_EQ(Get("/v2/alerts/count?query=createdAt%3E0").at("count").as_int64(),
            static_cast<int64_t>(generated.alerts.size()) + 1);
  for (const auto& a : generated.alerts) {
    EXPECT_EQ(Get("/v2/alerts/" + a.id).at("message").as_string(), a.message);
  }
  auto mine = Get("/v2/alerts/fixture-alert-1").as_object();
  EXPECT_EQ(mine.at("tinyId").as_string(), std::to_string(generated.alerts.size() + 1));
  EXPECT_EQ(mine.at("report").at("closedBy"), "Prometheus");
  EXPECT_EQ(Get("/v1/incidents/fixture-incident-1").at("serviceId").as_string(), service);
  EXPECT_EQ(Get("/v1/incidents?query=createdAt%3E0&limit=100").as_array().size(),
            generated.incidents.size() + 1);
}

struct BadCase {
  std::string name, text, error;
};

TEST_F(OpsgenieFixtureFileTest, BadFixturesAreRefusedNamingThePath) {
  World generated = Generate(Generated());
  const std::string service = R"("services": [{"id": "svc-1", "name": "Checkout"}])";
  const std::vector<BadCase> cases = {
      {"missing field", R"({"alerts": [{"id": "a1", "createdAt": "-1h"}]})",
       "alerts[0].message is missing: write what happened"},
      {"wrong type",
       R"({"alerts": [{"id": "a1", "message": "m", "createdAt": "-1h", "acknowledged": "yes"}]})",
       "alerts[0].acknowledged must be true or false, not a string"},
      {"dangling service",
       "{" + service +
           R"(, "incidents": [{"id": "i1", "message": "m", "serviceId": "svc-2",
                               "createdAt": "-1h"}]})",
       "incidents[0].serviceId \"svc-2\" is not the id of any service (services[].id)"},
      {"id clash in extend mode",
       R"({"mode": "extend", "alerts": [{"id": ")" + generated.alerts[4].id +
           R"(", "message": "m", "createdAt": "-1h"}]})",
       "alerts[0].id \"" + generated.alerts[4].id + "\" is already the id of a generated alert"},
      {"not JSON", "{\"alerts\": [}", "not valid JSON at line 1, column 13"},
      {"closed without a close time",
       R"({"alerts": [{"id": "a1", "message": "m", "createdAt": "-1h", "status": "closed"}]})",
       "alerts[0].report.closeTime is missing but status is \"closed\""},
      {"one open alert per alias",
       R"({"alerts": [{"id": "a1", "message": "m", "alias": "dup", "createdAt": "-2h"},
                      {"id": "a2", "message": "m", "alias": "dup", "createdAt": "-1h"}]})",
       "alerts[1].alias \"dup\" is also the alias of alerts[0], open at the same time"},
      {"a negative ackTime",
       R"({"alerts": [{"id": "a1", "message": "m", "createdAt": "-1h", "acknowledged": true,
                       "report": {"ackTime": -5}}]})",
       "alerts[0].report.ackTime must be 0 to"},
      {"bad tinyId",
       R"({"alerts": [{"id": "a1", "message": "m", "createdAt": "-1h", "tinyId": "T1"}]})",
       "alerts[0].tinyId \"T1\" is not a tinyId"},
      {"resolved without updatedAt",
       "{" + service +
           R"(, "incidents": [{"id": "i1", "message": "m", "serviceId": "svc-1",
                               "createdAt": "-1h", "status": "resolved"}]})",
       "incidents[0].updatedAt is missing but status is \"resolved\""},
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
}  // namespace im::sim::opsgenie

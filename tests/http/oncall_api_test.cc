// The on-call API end to end: a real ServerApp on port 0 over a SQLite file, spoken to over
// loopback HTTP; instants come from ?at= and ?since=/until=, never the wall clock.
#include <gtest/gtest.h>

#include "app/server_app.h"
#include "common/json.h"
#include "fakes/raw_http.h"
#include "fakes/temp_dir.h"
#include "http/test_server_config.h"

namespace im::app {
namespace {

using im::testing::Fetch;

// Daily 09:00 hand-offs in New York across the 2026-11-01 fall-back.
constexpr const char* kSchedule = R"({"id":"api-primary","name":"API primary",
  "time_zone":"America/New_York","schedule_layers":[{"start":"2026-10-30T09:00:00-04:00",
  "rotation_turn_length_seconds":86400,"users":["alice@example.com","bob@example.com"]}]})";
constexpr const char* kPolicy = R"({"id":"api","services":["api"],"escalation_rules":[
  {"escalation_delay_in_minutes":15,"targets":[{"type":"schedule","id":"api-primary"}]},
  {"escalation_delay_in_minutes":20,"targets":[{"type":"user","id":"carol@example.com"}]}]})";

class OncallApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Config config = TestServerConfig(dir_.path());
    auto rt = OpenRuntime(config, false);
    ASSERT_TRUE(rt) << rt.error().message;
    rt_ = std::move(*rt);
    auto token = rt_->tokens->Create("test", "alice@example.com");
    ASSERT_TRUE(token);
    auth_ = "Authorization: Bearer " + token->secret + "\r\n";
    server_ = std::make_unique<ServerApp>(*rt_);
    ASSERT_TRUE(server_->Start());
  }

  im::testing::RawResponse Post(const std::string& target, const std::string& body,
                                bool with_token = true) {
    auto r = Fetch(server_->port(), "POST", target, body, with_token ? auth_ : "");
    EXPECT_TRUE(r);
    return r.value_or(im::testing::RawResponse{});
  }
  json::object Get(const std::string& target, int status = 200) {
    auto r = Fetch(server_->port(), "GET", target);
    EXPECT_TRUE(r);
    if (!r) return {};
    EXPECT_EQ(r->status, status) << target << ": " << r->body;
    auto v = json::Parse(r->body);
    EXPECT_TRUE(v && v->is_object()) << r->body;
    return v && v->is_object() ? v->as_object() : json::object{};
  }
  void Define() {
    ASSERT_EQ(Post("/api/v1/schedules", kSchedule).status, 201);
    ASSERT_EQ(Post("/api/v1/escalation-policies", kPolicy).status, 201);
  }

  im::testing::TempDir dir_;
  std::unique_ptr<Runtime> rt_;
  std::unique_ptr<ServerApp> server_;
  std::string auth_;
};

TEST_F(OncallApiTest, SchedulesAreCreatedThenReplacedAndReadBack) {
  auto created = Post("/api/v1/schedules", kSchedule);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.headers["location"], "/api/v1/schedules/api-primary");
  EXPECT_EQ(Post("/api/v1/schedules", kSchedule).status, 200);
  auto s = Get("/api/v1/schedules/api-primary");
  EXPECT_EQ(s["source"].as_string(), "im");
  EXPECT_EQ(s["time_zone"].as_string(), "America/New_York");
  const auto& layer = s["schedule_layers"].as_array()[0].as_object();
  EXPECT_EQ(layer.at("start").as_string(), "2026-10-30T13:00:00Z");
  EXPECT_EQ(layer.at("rotation_turn_length_seconds").as_int64(), 86400);
  EXPECT_EQ(Get("/api/v1/schedules")["schedules"].as_array().size(), 1u);
  auto missing = Get("/api/v1/schedules/nope", 404);
  EXPECT_EQ(missing["error"].as_object().at("code").as_string(), "not_found");
}

TEST_F(OncallApiTest, WritesNeedATokenAndBadBodiesStoreNothing) {
  EXPECT_EQ(Post("/api/v1/schedules", kSchedule, false).status, 401);
  EXPECT_EQ(Post("/api/v1/escalation-policies", kPolicy, false).status, 401);
  struct Case {
    std::string target, body;
    int status;
    std::string mentions;
  };
  for (const auto& c : {
           Case{"/api/v1/schedules", "{\"id\": ", 400, "not valid JSON"},
           Case{"/api/v1/schedules", R"({"id":"x","time_zone":"Mars/Base"})", 422,
                "schedule.time_zone: unknown time zone 'Mars/Base'"},
           Case{"/api/v1/schedules",
                R"({"id":"x","time_zone":"UTC","schedule_layers":[{"start":"2026-10-30T09:00:00Z",
                "rotation_turn_length_seconds":0,"users":["a@example.com"]}]})",
                422, "schedule.schedule_layers[0].rotation_turn_length_seconds: must be positive"},
           Case{"/api/v1/schedules", R"({"id":"x","time_zone":"UTC","layers":[]})", 422,
                "schedule.layers: unknown field"},
           Case{"/api/v1/escalation-policies", kPolicy, 422,
                "escalation_rules[0].targets: schedule 'api-primary' is not known"},
       }) {
    auto r = Post(c.target, c.body);
    EXPECT_EQ(r.status, c.status) << c.body << " → " << r.body;
    EXPECT_NE(r.body.find(c.mentions), std::string::npos) << r.body;
  }
  EXPECT_TRUE(Get("/api/v1/schedules")["schedules"].as_array().empty());
  EXPECT_TRUE(Get("/api/v1/escalation-policies")["escalation_policies"].as_array().empty());
}

TEST_F(OncallApiTest, OnCallForAServiceAcrossTheFallBackChange) {
  Define();
  auto v = Get("/api/v1/oncall?service=api&at=2026-11-01T12:00:00Z");
  EXPECT_EQ(v["service"].as_string(), "api");
  EXPECT_EQ(v["at"].as_string(), "2026-11-01T07:00:00-05:00");
  EXPECT_EQ(v["escalation_policy"].as_object().at("id").as_string(), "api");
  const auto& current = v["current"].as_object();
  EXPECT_EQ(current.at("user").as_string(), "bob@example.com");
  EXPECT_EQ(current.at("start").as_string(), "2026-10-31T09:00:00-04:00");
  EXPECT_EQ(current.at("end").as_string(), "2026-11-01T09:00:00-05:00");
  EXPECT_EQ(v["next"].as_object().at("to").as_string(), "alice@example.com");
  const auto& escalation = v["escalation"].as_array();
  ASSERT_EQ(escalation.size(), 2u);
  EXPECT_EQ(escalation[1].as_object().at("after_minutes").as_int64(), 15);
  EXPECT_EQ(escalation[1].as_object().at("users").as_array()[0].as_object().at("user").as_string(),
            "carol@example.com");
  EXPECT_EQ(Get("/api/v1/oncall?service=web", 404)["error"].as_object().at("code").as_string(),
            "not_found");
  EXPECT_EQ(Get("/api/v1/oncall?at=yesterday-ish", 422)["error"].as_object().at("code").as_string(),
            "invalid_argument");
}

TEST_F(OncallApiTest, OnCallForAScheduleAndForAll) {
  Define();
  auto one = Get("/api/v1/oncall?schedule=api-primary&at=2026-10-31T12:00:00Z");
  EXPECT_EQ(one["current"].as_object().at("user").as_string(), "alice@example.com");
  EXPECT_EQ(one["current"].as_object().at("end").as_string(), "2026-10-31T09:00:00-04:00");
  auto all = Get("/api/v1/oncall?at=2026-10-31T12:00:00Z");
  ASSERT_EQ(all["oncalls"].as_array().size(), 1u);
  auto before = Get("/api/v1/oncall?schedule=api-primary&at=2026-10-01T00:00:00Z");
  EXPECT_TRUE(before["current"].is_null());
  EXPECT_EQ(before["next"].as_object().at("at").as_string(), "2026-10-30T09:00:00-04:00");
}

TEST_F(OncallApiTest, ShiftsAndHoursOverAWindow) {
  Define();
  auto shifts = Get(
      "/api/v1/schedules/api-primary/shifts?since=2026-10-31T13:00:00Z&until=2026-11-02T14:00:00Z");
  const auto& items = shifts["shifts"].as_array();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].as_object().at("user").as_string(), "bob@example.com");
  EXPECT_EQ(items[0].as_object().at("end").as_string(), "2026-11-01T09:00:00-05:00");
  EXPECT_EQ(items[1].as_object().at("end").as_string(), "2026-11-02T09:00:00-05:00");
  Get("/api/v1/schedules/api-primary/shifts?since=2026-11-02T00:00:00Z&until=2026-11-01T00:00:00Z",
      422);
  Get("/api/v1/schedules/nope/shifts", 404);

  // bob: Saturday 09:00 EDT → Sunday 09:00 EST is 25 hours, all weekend.
  auto hours = Get("/api/v1/oncall/hours?since=2026-10-31T13:00:00Z&until=2026-11-01T14:00:00Z");
  const auto& engineers = hours["engineers"].as_array();
  ASSERT_EQ(engineers.size(), 1u);
  EXPECT_EQ(engineers[0].as_object().at("email").as_string(), "bob@example.com");
  EXPECT_EQ(engineers[0].as_object().at("night_weekend_seconds").as_int64(), 25 * 3600);
  EXPECT_EQ(engineers[0].as_object().at("business_seconds").as_int64(), 0);
}

TEST_F(OncallApiTest, PoliciesAreListedWithTheirServices) {
  Define();
  auto v = Get("/api/v1/escalation-policies");
  const auto& items = v["escalation_policies"].as_array();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].as_object().at("services").as_array()[0].as_string(), "api");
  EXPECT_EQ(items[0].as_object().at("escalation_rules").as_array().size(), 2u);
  EXPECT_EQ(Post("/api/v1/escalation-policies", kPolicy).status, 200);
}

}  // namespace
}  // namespace im::app

// What a connector must survive from the account behind a key: a plan without the Incident
// API (402), team-scoped keys (only their team's objects; 403 with code 40301 outside), and
// keys bound to one region (401 on the other region's simulator).
#include "opsgenie_fixture.h"

namespace im::sim::opsgenie {
namespace {

TEST_F(OpsgenieTest, APlanWithoutTheIncidentApiAnswers402) {
  SetKnobs([](Knobs& k) { k.incident_api = false; });
  for (const auto& [method, target] : {std::pair{"GET", "/v1/incidents?query=status%3Aopen"},
                                       {"GET", "/v1/incidents/"},
                                       {"POST", "/v1/incidents/create"},
                                       {"GET", "/v1/incidents/requests/x"},
                                       {"GET", "/v2/incident-timelines/x/entries"}}) {
    auto res = Call(method, target, R"({"message":"x"})");
    EXPECT_EQ(res.status, 402) << method << " " << target;
    auto body = Body(res);
    EXPECT_TRUE(body.contains("message") && body.contains("took")) << res.body;
    EXPECT_EQ(Str(body.at("requestId")), res.Header("X-Request-ID").value_or(""));
  }
  EXPECT_EQ(Call("GET", "/v2/alerts").status, 200);  // the Alert API is in every plan
  SetKnobs([](Knobs& k) { k.incident_api = true; });
  EXPECT_EQ(Call("GET", "/v1/incidents?query=status%3Aopen").status, 200);
}

TEST_F(OpsgenieTest, ATeamScopedKeySeesOnlyItsTeamAndGets40301Outside) {
  std::string team, other_team, other_schedule, other_escalation;
  {
    auto lock = sim_->state().Lock();
    const World& w = sim_->state().world;
    team = w.teams.at(0).id;
    other_team = w.teams.at(1).id;
    for (const auto& s : w.schedules) {
      if (s.owner_team_id == other_team) other_schedule = s.id;
    }
    for (const auto& e : w.escalations) {
      if (e.owner_team_id == other_team) other_escalation = e.id;
    }
  }
  // Added through the admin API, as a test of a running simulator would.
  auto added = testing::Call(router_, "POST", "/_sim/api_keys", {},
                             R"({"key":"team-key","team":")" + team + R"("})");
  ASSERT_EQ(added.status, 201) << added.body;
  EXPECT_NE(added.body.find("\"team\""), std::string::npos);

  auto all = Body(Call("GET", "/v2/alerts/count")).at("data").at("count").as_int64();
  auto mine = Body(Call("GET", "/v2/alerts?limit=100", "", "team-key")).at("data").as_array();
  ASSERT_FALSE(mine.empty());
  for (const auto& a : mine) EXPECT_EQ(Str(a.at("ownerTeamId")), team);
  auto counted =
      Body(Call("GET", "/v2/alerts/count", "", "team-key")).at("data").at("count").as_int64();
  EXPECT_LT(counted, all);

  std::string outside_alert;
  auto everyone = Body(Call("GET", "/v2/alerts?limit=100"));
  for (const auto& a : everyone.at("data").as_array()) {
    if (Str(a.at("ownerTeamId")) == other_team) outside_alert = Str(a.at("id"));
  }
  ASSERT_FALSE(outside_alert.empty());
  for (const auto& [method, target] : {std::pair{"GET", "/v2/alerts/" + outside_alert},
                                       {"GET", "/v2/alerts/" + outside_alert + "/logs"},
                                       {"POST", "/v2/alerts/" + outside_alert + "/close"},
                                       {"GET", "/v2/schedules/" + other_schedule},
                                       {"GET", "/v2/schedules/" + other_schedule + "/on-calls"},
                                       {"GET", "/v2/escalations/" + other_escalation}}) {
    auto res = Call(method, target, "{}", "team-key");
    EXPECT_EQ(res.status, 403) << method << " " << target << " " << res.body;
    auto body = Body(res);
    EXPECT_EQ(body.at("code").as_int64(), 40301);
    EXPECT_TRUE(body.contains("message") && body.contains("took") && body.contains("requestId"));
  }
  auto schedules = Body(Call("GET", "/v2/schedules", "", "team-key")).at("data").as_array();
  ASSERT_EQ(schedules.size(), 1u);
  EXPECT_EQ(Str(schedules.at(0).at("ownerTeam").at("id")), team);
  auto escalations = Body(Call("GET", "/v2/escalations", "", "team-key"));
  for (const auto& e : escalations.at("data").as_array()) {
    EXPECT_EQ(Str(e.at("ownerTeam").at("id")), team);
  }
  auto incidents =
      Body(Call("GET", "/v1/incidents?query=createdAt%3E0&limit=100", "", "team-key")).at("data");
  for (const auto& i : incidents.as_array()) EXPECT_EQ(Str(i.at("ownerTeam")), team);

  // An alert the team key creates is the team's.
  auto created = Call("POST", "/v2/alerts", R"({"message":"Team alert","alias":"t1"})", "team-key");
  ASSERT_EQ(created.status, 202);
  auto alert = Body(Call("GET", "/v2/alerts/t1?identifierType=alias", "", "team-key")).at("data");
  EXPECT_EQ(Str(alert.at("ownerTeamId")), team);
  // A read-only key's refused write is the same permission error.
  EXPECT_EQ(Body(Call("POST", "/v2/alerts", R"({"message":"x"})", "og-ro")).at("code").as_int64(),
            40301);
}

TEST_F(OpsgenieTest, AKeyBoundToTheOtherRegionIsRefusedWith401) {
  SimulatorOptions eu_options = Options();
  eu_options.region = "eu";
  eu_options.api_keys = {
      {"og-key", false}, {"eu-key", false, "", "eu"}, {"us-key", false, "", "us"}};
  Simulator eu(eu_options, clock_, client_, nullptr);
  http::Router eu_router;
  eu.Register(eu_router);
  sim_->keys().Add({"eu-key", false, "", "eu"});
  sim_->keys().Add({"us-key", false, "", "us"});
  auto on = [](const http::Router& r, const std::string& key) {
    return testing::Call(r, "GET", "/v2/alerts?limit=1", {{"Authorization", "GenieKey " + key}})
        .status;
  };
  EXPECT_EQ(on(router_, "eu-key"), 401);  // the US simulator (the default region)
  EXPECT_EQ(on(eu_router, "eu-key"), 200);
  EXPECT_EQ(on(router_, "us-key"), 200);
  EXPECT_EQ(on(eu_router, "us-key"), 401);
  EXPECT_EQ(on(router_, "og-key"), 200);  // a key without a region works on both
  EXPECT_EQ(on(eu_router, "og-key"), 200);
  auto refused =
      testing::Call(router_, "GET", "/v2/alerts", {{"Authorization", "GenieKey eu-key"}});
  EXPECT_EQ(Str(Body(refused).at("message")), "Could not authenticate");
  auto state = json::Parse(testing::Call(eu_router, "GET", "/_sim/state").body);
  ASSERT_TRUE(state);
  EXPECT_EQ(Str(state->at("region")), "eu");
}

}  // namespace
}  // namespace im::sim::opsgenie

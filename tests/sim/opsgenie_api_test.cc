// Opsgenie simulator behaviour: GenieKey auth and error bodies, asynchronous create with request
// status (and the delay knob), alias deduplication, acknowledge/close in `report`, offset paging
// with absolute links, incidents (mandatory query, async actions, timeline), a restricted
// rotation rendered across a DST change, per-domain rate limits, and the webhook payload.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "opsgenie_fixture.h"

namespace im::sim::opsgenie {
namespace {

TEST_F(OpsgenieTest, GenieKeyIsRequiredAndReadOnlyKeysCannotWrite) {
  auto none = testing::Call(router_, "GET", "/v2/alerts");
  EXPECT_EQ(none.status, 401);
  auto body = Body(none);
  EXPECT_EQ(Str(body.at("message")), "Could not authenticate");
  EXPECT_TRUE(body.contains("took") && body.contains("requestId"));
  EXPECT_EQ(Call("GET", "/v2/alerts", "", "wrong").status, 401);
  EXPECT_EQ(
      testing::Call(router_, "GET", "/v2/alerts", {{"Authorization", "Bearer og-key"}}).status,
      401);
  EXPECT_EQ(Call("GET", "/v2/alerts", "", "og-ro").status, 200);
  auto refused = Call("POST", "/v2/alerts", R"({"message":"x"})", "og-ro");
  EXPECT_EQ(refused.status, 403);
  EXPECT_TRUE(Body(refused).contains("message"));
}

TEST_F(OpsgenieTest, CreateIsAsynchronousAndTheRequestStatusNamesTheAlert) {
  std::string rid = Accepted("/v2/alerts", R"({"message":"Disk full on db-1","priority":"P2",
      "tags":["disk"],"details":{"host":"db-1"},"responders":[{"type":"team","name":"Platform"}]})");
  auto status = RequestStatus(rid);
  EXPECT_TRUE(status.at("isSuccess").as_bool());
  EXPECT_TRUE(status.at("success").as_bool());
  EXPECT_EQ(Str(status.at("action")), "Create");
  EXPECT_EQ(Str(status.at("status")), "Created alert");
  std::string id = Str(status.at("alertId"));
  auto alert = Body(Call("GET", "/v2/alerts/" + id)).at("data").as_object();
  EXPECT_EQ(Str(alert.at("message")), "Disk full on db-1");
  EXPECT_EQ(Str(alert.at("priority")), "P2");
  EXPECT_EQ(Str(alert.at("alias")), id);  // the alias defaults to the id
  EXPECT_EQ(Str(alert.at("details").at("host")), "db-1");
  EXPECT_EQ(Str(alert.at("responders").at(0).at("type")), "team");
  EXPECT_EQ(Call("GET", "/v2/alerts/" + Str(alert.at("tinyId")) + "?identifierType=tiny").status,
            200);
  EXPECT_EQ(Call("GET", "/v2/alerts/nope").status, 404);
  EXPECT_EQ(Call("POST", "/v2/alerts", R"({"priority":"P1"})").status, 422);
  EXPECT_EQ(Call("POST", "/v2/alerts", R"({"message":"x","priority":"P9"})").status, 422);
  EXPECT_EQ(Call("POST", "/v2/alerts", "{not json").status, 400);

  // With a processing delay the request status is 404 until the clock reaches it.
  auto knobs = sim_->knobs().Get();
  knobs.async_delay_ms = 3000;
  sim_->knobs().Set(knobs);
  std::string later = Accepted("/v2/alerts", R"({"message":"Slow","alias":"slow-1"})");
  auto pending = Call("GET", "/v2/alerts/requests/" + later);
  EXPECT_EQ(pending.status, 404);
  EXPECT_EQ(Str(Body(pending).at("message")), "Request not found. It might not be processed, yet.");
  EXPECT_EQ(Call("GET", "/v2/alerts/slow-1?identifierType=alias").status, 404);
  clock_.Advance(std::chrono::seconds(3));
  auto done = RequestStatus(later);
  EXPECT_EQ(Str(done.at("processedAt")), "2026-06-15T12:00:03.000Z");
  EXPECT_EQ(Call("GET", "/v2/alerts/slow-1?identifierType=alias").status, 200);
}

TEST_F(OpsgenieTest, AliasDeduplicatesWhileOpenAndAfterCloseCreatesANewAlert) {
  const std::string body = R"({"message":"API down","alias":"api-down"})";
  std::string first = Str(RequestStatus(Accepted("/v2/alerts", body)).at("alertId"));
  clock_.Advance(std::chrono::minutes(1));
  auto again = RequestStatus(Accepted("/v2/alerts", body));
  EXPECT_EQ(Str(again.at("alertId")), first);
  auto alert = Body(Call("GET", "/v2/alerts/api-down?identifierType=alias")).at("data");
  EXPECT_EQ(alert.at("count").as_int64(), 2);
  EXPECT_EQ(Str(alert.at("lastOccurredAt")), "2026-06-15T12:01:00.000Z");
  EXPECT_EQ(Str(alert.at("createdAt")), "2026-06-15T12:00:00.000Z");

  auto closed = RequestStatus(Accepted("/v2/alerts/api-down/close?identifierType=alias", "{}"));
  EXPECT_TRUE(closed.at("isSuccess").as_bool());
  EXPECT_EQ(Str(Body(Call("GET", "/v2/alerts/" + first)).at("data").at("status")), "closed");

  std::string second = Str(RequestStatus(Accepted("/v2/alerts", body)).at("alertId"));
  EXPECT_NE(second, first);
  auto fresh = Body(Call("GET", "/v2/alerts/api-down?identifierType=alias")).at("data");
  EXPECT_EQ(Str(fresh.at("id")), second);
  EXPECT_EQ(fresh.at("count").as_int64(), 1);
  EXPECT_EQ(Str(fresh.at("status")), "open");
  auto count = Body(Call("GET", "/v2/alerts/count?query=alias:api-down")).at("data");
  EXPECT_EQ(count.at("count").as_int64(), 2);
}

TEST_F(OpsgenieTest, AcknowledgeAndCloseAreReportedInMillisecondsSinceCreation) {
  std::string id =
      Str(RequestStatus(Accepted("/v2/alerts", R"({"message":"Queue backlog"})")).at("alertId"));
  EXPECT_FALSE(Body(Call("GET", "/v2/alerts/" + id)).at("data").as_object().contains("report"));
  clock_.Advance(std::chrono::seconds(90));
  auto ack = RequestStatus(Accepted("/v2/alerts/" + id + "/acknowledge",
                                    R"({"user":"ada.lovelace@example.com","note":"on it"})"));
  EXPECT_EQ(Str(ack.at("status")), "Acknowledged alert");
  clock_.Advance(std::chrono::seconds(60));
  RequestStatus(Accepted("/v2/alerts/" + id + "/close", R"({"user":"grace.hopper@example.com"})"));
  auto alert = Body(Call("GET", "/v2/alerts/" + id)).at("data");
  EXPECT_TRUE(alert.at("acknowledged").as_bool());
  EXPECT_EQ(Str(alert.at("status")), "closed");
  EXPECT_EQ(alert.at("report").at("ackTime").as_int64(), 90000);
  EXPECT_EQ(alert.at("report").at("closeTime").as_int64(), 150000);
  EXPECT_EQ(Str(alert.at("report").at("acknowledgedBy")), "ada.lovelace@example.com");
  EXPECT_EQ(Str(alert.at("report").at("closedBy")), "grace.hopper@example.com");
  // Acknowledging a closed alert is refused when it is processed.
  auto late = RequestStatus(Accepted("/v2/alerts/" + id + "/unacknowledge", "{}"));
  EXPECT_FALSE(late.at("isSuccess").as_bool());

  auto notes = Body(Call("GET", "/v2/alerts/" + id + "/notes")).at("data").as_array();
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(Str(notes.at(0).at("note")), "on it");
  auto logs = Body(Call("GET", "/v2/alerts/" + id + "/logs?order=asc&limit=2"));
  ASSERT_EQ(logs.at("data").as_array().size(), 2u);
  std::string next = Str(logs.at("paging").at("next"));
  auto rest = Body(Call("GET", next.substr(next.find("/v2/"))));
  EXPECT_GE(rest.at("data").as_array().size(), 2u);  // acknowledged, note, closed
  EXPECT_EQ(Call("POST", "/v2/alerts/" + id + "/notes", "{}").status, 422);
  auto missing = RequestStatus(Accepted("/v2/alerts/no-such-alert/acknowledge", "{}"));
  EXPECT_FALSE(missing.at("isSuccess").as_bool());
  EXPECT_EQ(Str(missing.at("status")), "Alert does not exist");
}

TEST_F(OpsgenieTest, OffsetPagingFollowsNextLinksAndVisitsEveryAlertOnce) {
  auto total = Body(Call("GET", "/v2/alerts/count")).at("data").at("count").as_int64();
  ASSERT_GT(total, 200);  // 300 created, some deduplicated onto open ones
  std::set<std::string> seen;
  Time previous = Time::max();
  std::string target = "/v2/alerts?limit=100";
  int pages = 0;
  for (; !target.empty() && pages < 10; ++pages) {
    auto res = Call("GET", target);
    ASSERT_EQ(res.status, 200) << res.body;
    auto body = Body(res);
    for (const auto& a : body.at("data").as_array()) {
      EXPECT_TRUE(seen.insert(Str(a.at("id"))).second);
      Time at = *ParseTime(Str(a.at("createdAt")));
      EXPECT_LE(at, previous);
      previous = at;
    }
    const auto& paging = body.at("paging").as_object();
    target.clear();
    if (paging.contains("next")) {
      std::string next = Str(paging.at("next"));
      EXPECT_TRUE(next.starts_with("http://api.eu.opsgenie.com/v2/alerts?")) << next;
      EXPECT_EQ(res.Header("X-Paging-Next").value_or(""), next);
      target = next.substr(next.find("/v2/"));
    }
  }
  EXPECT_EQ(static_cast<int64_t>(seen.size()), total);
  EXPECT_EQ(pages, static_cast<int>((total + 99) / 100));
  EXPECT_EQ(Call("GET", "/v2/alerts?limit=101").status, 422);
  EXPECT_EQ(Call("GET", "/v2/alerts?sort=colour").status, 422);
  EXPECT_EQ(Call("GET", "/v2/alerts?query=colour:red").status, 422);

  auto closed = Body(Call("GET", "/v2/alerts?limit=100&query=status:closed")).at("data");
  ASSERT_FALSE(closed.as_array().empty());
  for (const auto& a : closed.as_array()) {
    EXPECT_EQ(Str(a.at("status")), "closed");
    EXPECT_GE(a.at("report").at("closeTime").as_int64(), 0);
  }
  // createdAt ranges in epoch milliseconds, oldest first.
  std::string from = "1781222400000", to = "1781308800000";  // 2026-06-12 .. 2026-06-13 UTC
  auto day = Body(Call("GET", "/v2/alerts?limit=100&order=asc&query=createdAt%3E%3D" + from +
                                  "%20AND%20createdAt%3C" + to))
                 .at("data")
                 .as_array();
  ASSERT_FALSE(day.empty());
  for (const auto& a : day) {
    Time at = *ParseTime(Str(a.at("createdAt")));
    EXPECT_GE(at, *ParseTime("2026-06-12T00:00:00Z"));
    EXPECT_LT(at, *ParseTime("2026-06-13T00:00:00Z"));
  }
}

TEST_F(OpsgenieTest, IncidentsNeedAQueryAndChangeThroughAsyncActions) {
  auto missing = Call("GET", "/v1/incidents/");
  EXPECT_EQ(missing.status, 422);
  EXPECT_TRUE(Body(missing).contains("message"));
  auto open = Body(Call("GET", "/v1/incidents/?query=status%3Aopen&limit=100")).at("data");
  for (const auto& i : open.as_array()) EXPECT_EQ(Str(i.at("status")), "open");

  std::string service;
  {
    auto lock = sim_->state().Lock();
    service = sim_->state().world.services.front().id;
  }
  auto created =
      RequestStatus(Accepted("/v1/incidents/create", R"({"message":"Checkout down","serviceId":")" +
                                                         service + R"(","priority":"P1"})"),
                    "v1/incidents");
  std::string id = Str(created.at("incidentId"));
  auto inc = Body(Call("GET", "/v1/incidents/" + id)).at("data");
  EXPECT_EQ(Str(inc.at("status")), "open");
  EXPECT_EQ(Str(inc.at("serviceId")), service);
  EXPECT_EQ(Call("POST", "/v1/incidents/create", R"({"message":"x"})").status, 422);

  clock_.Advance(std::chrono::minutes(30));
  RequestStatus(Accepted("/v1/incidents/" + id + "/resolve", R"({"note":"rolled back"})"),
                "v1/incidents");
  clock_.Advance(std::chrono::minutes(30));
  auto closed = RequestStatus(Accepted("/v1/incidents/" + id + "/close", "{}"), "v1/incidents");
  EXPECT_TRUE(closed.at("isSuccess").as_bool());
  EXPECT_EQ(Str(Body(Call("GET", "/v1/incidents/" + id)).at("data").at("status")), "closed");

  auto added = Call("POST", "/v2/incident-timelines/" + id + "/entries",
                    R"({"description":{"type":"plain_text","content":"Status page updated"}})");
  EXPECT_EQ(added.status, 201) << added.body;
  auto entries =
      Body(Call("GET", "/v2/incident-timelines/" + id + "/entries")).at("data").at("entries");
  std::vector<std::string> types;
  Time previous = Time::min();
  for (const auto& e : entries.as_array()) {
    types.push_back(Str(e.at("type")));
    Time at = *ParseTime(Str(e.at("eventTime")));
    EXPECT_GE(at, previous);
    previous = at;
  }
  EXPECT_EQ(types, (std::vector<std::string>{"IncidentCreated", "IncidentResolved", "NoteAdded",
                                             "IncidentClosed", "CustomUserEntry"}));
  auto notes = Body(Call("GET", "/v1/incidents/" + id + "/notes")).at("data").as_array();
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(Str(notes.at(0).at("note")), "rolled back");
}

TEST_F(OpsgenieTest, AnIncidentAlertsEachResponderAndResolvingClosesThoseAlerts) {
  std::string service, team1, team2;
  {
    auto lock = sim_->state().Lock();
    service = sim_->state().world.services.front().id;
    team1 = sim_->state().world.teams.at(0).id;
    team2 = sim_->state().world.teams.at(1).id;
  }
  auto created =
      RequestStatus(Accepted("/v1/incidents/create",
                             R"({"message":"Payments down","serviceId":")" + service +
                                 R"(","priority":"P1","responders":[{"type":"team","id":")" +
                                 team1 + R"("},{"type":"team","id":")" + team2 + R"("}]})"),
                    "v1/incidents");
  std::string id = Str(created.at("incidentId"));
  auto ids = Body(Call("GET", "/v1/incidents/" + id + "/responder-alert-ids?order=asc"));
  ASSERT_EQ(ids.at("data").as_array().size(), 2u);
  EXPECT_TRUE(ids.contains("took") && ids.contains("requestId"));
  std::vector<std::string> alerts;
  for (const auto& a : ids.at("data").as_array()) alerts.push_back(Str(a));
  std::set<std::string> notified;
  for (const auto& a : alerts) {
    auto alert = Body(Call("GET", "/v2/alerts/" + a)).at("data");
    EXPECT_EQ(Str(alert.at("message")), "Payments down");
    EXPECT_EQ(Str(alert.at("priority")), "P1");
    EXPECT_EQ(Str(alert.at("status")), "open");
    notified.insert(Str(alert.at("responders").at(0).at("id")));
  }
  EXPECT_EQ(notified, (std::set<std::string>{team1, team2}));
  // Paged: limit and offset; the newest first by default.
  auto first = Body(Call("GET", "/v1/incidents/" + id + "/responder-alert-ids?limit=1"));
  ASSERT_EQ(first.at("data").as_array().size(), 1u);
  EXPECT_EQ(Str(first.at("data").at(0)), alerts.back());
  auto second = Body(Call("GET", "/v1/incidents/" + id + "/responder-alert-ids?limit=1&offset=1"));
  EXPECT_EQ(Str(second.at("data").at(0)), alerts.front());
  EXPECT_EQ(Call("GET", "/v1/incidents/" + id + "/responder-alert-ids?limit=101").status, 422);
  EXPECT_EQ(Call("GET", "/v1/incidents/nope/responder-alert-ids").status, 404);
  // A responder acknowledges their alert; resolving the incident closes both.
  clock_.Advance(std::chrono::minutes(3));
  RequestStatus(Accepted("/v2/alerts/" + alerts.front() + "/acknowledge", "{}"), "v2/alerts");
  clock_.Advance(std::chrono::minutes(30));
  RequestStatus(Accepted("/v1/incidents/" + id + "/resolve", "{}"), "v1/incidents");
  auto acked = Body(Call("GET", "/v2/alerts/" + alerts.front())).at("data");
  EXPECT_EQ(Str(acked.at("status")), "closed");
  EXPECT_EQ(acked.at("report").at("ackTime").as_int64(), 3 * 60 * 1000);
  EXPECT_EQ(acked.at("report").at("closeTime").as_int64(), 33 * 60 * 1000);
  EXPECT_EQ(Str(Body(Call("GET", "/v2/alerts/" + alerts.back())).at("data").at("status")),
            "closed");
}

TEST_F(OpsgenieTest, ServicesArePagedAndATeamKeySeesOnlyItsOwn) {
  auto all = Body(Call("GET", "/v1/services?limit=100"));
  const auto& services = all.at("data").as_array();
  ASSERT_FALSE(services.empty());
  std::string team = Str(services.at(0).at("teamId"));
  for (const auto& s : services) {
    for (const char* field : {"id", "name", "description", "teamId", "visibility"}) {
      EXPECT_TRUE(s.as_object().contains(field)) << field;
    }
  }
  auto one = Body(Call("GET", "/v1/services?limit=1"));
  EXPECT_EQ(one.at("data").as_array().size(), 1u);
  EXPECT_TRUE(one.at("paging").as_object().contains("next"));
  std::string id = Str(services.at(0).at("id"));
  EXPECT_EQ(Str(Body(Call("GET", "/v1/services/" + id)).at("data").at("name")),
            Str(services.at(0).at("name")));
  EXPECT_EQ(Call("GET", "/v1/services/nope").status, 404);
  sim_->keys().Set({{.key = "og-team", .team = team}});
  auto scoped = Body(Call("GET", "/v1/services?limit=100", "", "og-team")).at("data");
  ASSERT_FALSE(scoped.as_array().empty());
  EXPECT_LT(scoped.as_array().size(), services.size());
  for (const auto& s : scoped.as_array()) EXPECT_EQ(Str(s.at("teamId")), team);
}

TEST_F(OpsgenieTest, RestrictedRotationFollowsTheWallClockAcrossDst) {
  // London leaves GMT for BST on 2026-03-29. A daily rotation of Ada and Grace from Monday
  // 2026-03-23 09:00 GMT, on call 09:00-17:00 local only.
  auto created = Call("POST", "/v2/schedules", R"({"name":"dst","timezone":"Europe/London",
      "rotations":[{"name":"days","type":"daily","length":1,
        "startDate":"2026-03-23T09:00:00Z",
        "participants":[{"type":"user","username":"ada.lovelace@example.com"},
                        {"type":"user","username":"grace.hopper@example.com"}],
        "timeRestriction":{"type":"time-of-day",
          "restriction":{"startHour":9,"startMin":0,"endHour":17,"endMin":0}}}]})");
  ASSERT_EQ(created.status, 201) << created.body;
  auto timeline = Body(Call("GET",
                            "/v2/schedules/dst/timeline?identifierType=name&interval=9"
                            "&intervalUnit=days&date=2026-03-26T00:00:00Z"))
                      .at("data");
  std::vector<std::string> periods;
  for (const auto& p :
       timeline.at("finalTimeline").at("rotations").at(0).at("periods").as_array()) {
    periods.push_back(Str(p.at("startDate")) + " " + Str(p.at("endDate")) + " " +
                      Str(p.at("recipient").at("name")));
  }
  // Turn k (from the 23rd) is Ada's when k is even; from the 29th the window is 08:00-16:00 UTC.
  std::vector<std::string> expected;
  for (int d = 26; d <= 31; ++d) {
    bool bst = d >= 29;
    std::string day = "2026-03-" + std::to_string(d);
    expected.push_back(
        day + (bst ? "T08:00:00Z " : "T09:00:00Z ") + day + (bst ? "T16:00:00Z " : "T17:00:00Z ") +
        ((d - 23) % 2 == 0 ? "ada.lovelace@example.com" : "grace.hopper@example.com"));
  }
  for (int d = 1; d <= 3; ++d) {
    std::string day = "2026-04-0" + std::to_string(d);
    expected.push_back(
        day + "T08:00:00Z " + day + "T16:00:00Z " +
        ((d + 8) % 2 == 0 ? "ada.lovelace@example.com" : "grace.hopper@example.com"));
  }
  EXPECT_EQ(periods, expected);

  auto oncall = [&](const std::string& at) {
    auto data = Body(Call("GET",
                          "/v2/schedules/dst/on-calls?scheduleIdentifierType=name&flat=true"
                          "&date=" +
                              at))
                    .at("data");
    std::string who;
    for (const auto& r : data.at("onCallRecipients").as_array()) who += Str(r);
    return who;
  };
  EXPECT_EQ(oncall("2026-03-30T08:30:00Z"), "grace.hopper@example.com");  // 09:30 BST, turn 7
  EXPECT_EQ(oncall("2026-03-30T07:30:00Z"), "");                          // 08:30 BST
  EXPECT_EQ(oncall("2026-03-27T16:30:00Z"), "ada.lovelace@example.com");  // 16:30 GMT, turn 4
  EXPECT_EQ(oncall("2026-03-29T16:30:00Z"), "");                          // 17:30 BST
}

TEST_F(OpsgenieTest, OverrideReplacesTheRotationWhereItOverlaps) {
  auto schedules = Body(Call("GET", "/v2/schedules?expand=rotation")).at("data").as_array();
  ASSERT_EQ(schedules.size(), 3u);
  EXPECT_TRUE(schedules.at(0).as_object().contains("rotations"));
  std::string id = Str(schedules.at(0).at("id"));
  auto made =
      Call("POST", "/v2/schedules/" + id + "/overrides",
           R"({"alias":"cover","user":{"type":"user","username":"radia.perlman@example.com"},
                      "startDate":"2026-06-20T10:00:00Z","endDate":"2026-06-20T12:00:00Z"})");
  ASSERT_EQ(made.status, 201) << made.body;
  auto on = Body(Call("GET", "/v2/schedules/" + id + "/on-calls?date=2026-06-20T11:00:00Z"))
                .at("data")
                .at("onCallParticipants")
                .as_array();
  ASSERT_EQ(on.size(), 1u);  // the primary rotation only: the night one is off at 11:00
  EXPECT_EQ(Str(on.at(0).at("name")), "radia.perlman@example.com");
  EXPECT_EQ(Call("GET", "/v2/schedules/" + id + "/overrides/cover").status, 200);
  EXPECT_EQ(Call("DELETE", "/v2/schedules/" + id + "/overrides/cover").status, 200);
  EXPECT_EQ(Call("GET", "/v2/schedules/" + id + "/overrides/cover").status, 404);
}

TEST_F(OpsgenieTest, DomainBucketsThrottleWithOpsgenieHeaders) {
  // Search: 15 per second, 300 per minute.
  for (int i = 0; i < 15; ++i) ASSERT_EQ(Call("GET", "/v2/alerts").status, 200) << i;
  auto limited = Call("GET", "/v2/alerts");
  ASSERT_EQ(limited.status, 429);
  EXPECT_EQ(limited.Header("X-RateLimit-State").value_or(""), "THROTTLED");
  EXPECT_EQ(limited.Header("X-RateLimit-Reason").value_or(""), "ACCOUNT");
  EXPECT_EQ(limited.Header("X-RateLimit-Period-In-Sec").value_or(""), "1");
  EXPECT_TRUE(Body(limited).contains("requestId"));
  EXPECT_EQ(Call("GET", "/v2/teams").status, 200);  // another domain is not affected
  // Keep 15/s going: the per-minute bucket (300, +5/s) runs out first.
  std::string period;
  for (int s = 0; s < 60 && period != "60"; ++s) {
    clock_.Advance(std::chrono::seconds(1));
    for (int i = 0; i < 20; ++i) {
      auto res = Call("GET", "/v2/alerts");
      if (res.status == 429) {
        period = res.Header("X-RateLimit-Period-In-Sec").value_or("");
        break;
      }
    }
  }
  EXPECT_EQ(period, "60");
  auto knobs = sim_->knobs().Get();
  knobs.rate_limit = false;
  sim_->knobs().Set(knobs);
  EXPECT_EQ(Call("GET", "/v2/alerts").status, 200);
}

TEST_F(OpsgenieTest, WebhookIntegrationPostsTheAlertActionWithTheCustomHeader) {
  std::string id =
      Str(RequestStatus(Accepted("/v2/alerts", R"({"message":"Hook me","alias":"hook"})"))
              .at("alertId"));
  RequestStatus(Accepted("/v2/alerts/" + id + "/acknowledge", "{}"));
  sim_->webhooks().RunDue();
  ASSERT_EQ(client_.sent.size(), 2u);
  auto first = json::Parse(client_.sent[0].body)->as_object();
  EXPECT_EQ(Str(first.at("action")), "Create");
  EXPECT_EQ(Str(first.at("alert").at("alertId")), id);
  EXPECT_EQ(Str(first.at("alert").at("alias")), "hook");
  EXPECT_EQ(Str(json::Parse(client_.sent[1].body)->at("action")), "Acknowledge");
  bool header = false;
  for (const auto& [k, v] : client_.sent[0].headers)
    header |= k == "X-Webhook-Secret" && v == "s3cret";
  EXPECT_TRUE(header);
}

TEST_F(OpsgenieTest, UsersSortByTheDocumentedFieldsAndQueryByField) {
  auto inserted = Call("GET", "/v2/users?sortField=insertedAt&order=desc");
  ASSERT_EQ(inserted.status, 200) << inserted.body;
  auto by_name = Body(Call("GET", "/v2/users?sortField=fullName")).at("data").as_array();
  ASSERT_GT(by_name.size(), 2u);
  for (size_t i = 1; i < by_name.size(); ++i) {
    EXPECT_LE(Str(by_name[i - 1].at("fullName")), Str(by_name[i].at("fullName")));
  }
  auto ada = Body(Call("GET", "/v2/users?query=username:ada")).at("data").as_array();
  ASSERT_EQ(ada.size(), 1u);
  EXPECT_EQ(Str(ada.at(0).at("username")), "ada.lovelace@example.com");
  auto admins = Body(Call("GET", "/v2/users?query=role%3AAdmin")).at("data").as_array();
  ASSERT_EQ(admins.size(), 2u);
  for (const auto& u : admins) EXPECT_EQ(Str(u.at("role").at("name")), "Admin");
  EXPECT_EQ(Body(Call("GET", "/v2/users?query=blocked:true")).at("data").as_array().size(), 0u);
  EXPECT_EQ(Body(Call("GET", "/v2/users?query=grace")).at("data").as_array().size(), 1u);
  EXPECT_EQ(Call("GET", "/v2/users?query=colour:red").status, 422);
  EXPECT_EQ(Call("GET", "/v2/users?sortField=colour").status, 422);
}

TEST_F(OpsgenieTest, AnAlertWithoutSourceGetsTheCallersAddress) {
  auto source = [&](const std::string& alias, const std::string& body, const std::string& remote,
                    net::Headers extra = {}) {
    net::Headers h{{"Authorization", "GenieKey og-key"}};
    for (auto& e : extra) h.push_back(e);
    auto res = testing::Call(router_, "POST", "/v2/alerts", h, body, remote);
    EXPECT_EQ(res.status, 202) << res.body;
    auto a = Body(Call("GET", "/v2/alerts/" + alias + "?identifierType=alias"));
    return Str(a.at("data").at("source"));
  };
  EXPECT_EQ(source("ip4", R"({"message":"a","alias":"ip4"})", "203.0.113.7:51234"), "203.0.113.7");
  EXPECT_EQ(source("ip6", R"({"message":"a","alias":"ip6"})", "2001:db8::5:443"), "2001:db8::5");
  EXPECT_EQ(
      source("given", R"({"message":"a","alias":"given","source":"nagios"})", "203.0.113.7:1"),
      "nagios");
  EXPECT_EQ(source("fwd", R"({"message":"a","alias":"fwd"})", "10.0.0.1:80",
                   {{"X-Forwarded-For", "198.51.100.2, 10.0.0.1"}}),
            "198.51.100.2");
}

TEST_F(OpsgenieTest, NextOnCallsAndCalendarExportsFollowTheRotation) {
  auto created = Call("POST", "/v2/schedules", R"({"name":"pair","timezone":"UTC",
      "rotations":[{"name":"days","type":"daily","length":1,"startDate":"2026-06-15T09:00:00Z",
        "participants":[{"type":"user","username":"ada.lovelace@example.com"},
                        {"type":"user","username":"grace.hopper@example.com"}]}]})");
  ASSERT_EQ(created.status, 201) << created.body;
  std::string id = Str(Body(created).at("data").at("id"));
  auto next = Body(Call("GET", "/v2/schedules/" + id + "/next-on-calls?date=2026-06-15T10:00:00Z"))
                  .at("data");
  EXPECT_EQ(Str(next.at("_parent").at("id")), id);
  ASSERT_EQ(next.at("nextOnCallRecipients").as_array().size(), 1u);
  EXPECT_EQ(Str(next.at("nextOnCallRecipients").at(0).at("name")), "grace.hopper@example.com");
  EXPECT_EQ(Str(next.at("exactNextOnCallRecipients").at(0).at("name")), "grace.hopper@example.com");
  auto flat = Body(Call("GET",
                        "/v2/schedules/pair/next-on-calls?scheduleIdentifierType=name"
                        "&flat=true&date=2026-06-16T10:00:00Z"))
                  .at("data");
  EXPECT_EQ(Str(flat.at("nextOnCallParticipants").at(0)), "ada.lovelace@example.com");
  EXPECT_EQ(Call("GET", "/v2/schedules/none/next-on-calls").status, 404);

  auto ics = Call("GET", "/v2/schedules/" + id + ".ics");
  ASSERT_EQ(ics.status, 200) << ics.body;
  EXPECT_EQ(ics.content_type, "text/calendar");
  EXPECT_TRUE(ics.body.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")) << ics.body;
  EXPECT_TRUE(ics.body.ends_with("END:VCALENDAR\r\n"));
  for (size_t at = ics.body.find('\n'); at != std::string::npos; at = ics.body.find('\n', at + 1))
    ASSERT_EQ(ics.body[at - 1], '\r') << "bare LF at " << at;
  // Now is 2026-06-15T12:00Z: Ada's turn runs until 09:00 tomorrow, then Grace's.
  EXPECT_NE(ics.body.find("BEGIN:VEVENT\r\n"), std::string::npos);
  EXPECT_NE(ics.body.find("DTSTART:20260616T090000Z\r\nDTEND:20260617T090000Z\r\nSUMMARY:grace"),
            std::string::npos)
      << ics.body.substr(0, 800);
  EXPECT_FALSE(ics.Header("X-Request-ID").value_or("").empty());
  EXPECT_EQ(Call("GET", "/v2/schedules/pair.ics?identifierType=name").status, 200);

  auto mine = Call("GET", "/v2/schedules/on-calls/grace.hopper@example.com.ics");
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(mine.content_type, "text/calendar");
  EXPECT_NE(mine.body.find("DTSTART:20260616T090000Z"), std::string::npos);
  EXPECT_EQ(mine.body.find("SUMMARY:ada.lovelace"), std::string::npos);
  EXPECT_EQ(Call("GET", "/v2/schedules/on-calls/nobody@example.com.ics").status, 404);
}

TEST_F(OpsgenieTest, IncidentLogsArePagedLikeAlertLogs) {
  std::string service;
  {
    auto lock = sim_->state().Lock();
    service = sim_->state().world.services.front().id;
  }
  auto created = RequestStatus(
      Accepted("/v1/incidents/create", R"({"message":"Logs","serviceId":")" + service + R"("})"),
      "v1/incidents");
  std::string id = Str(created.at("incidentId"));
  clock_.Advance(std::chrono::minutes(5));
  RequestStatus(Accepted("/v1/incidents/" + id + "/resolve", R"({"note":"fixed"})"),
                "v1/incidents");
  clock_.Advance(std::chrono::minutes(5));
  RequestStatus(Accepted("/v1/incidents/" + id + "/close", "{}"), "v1/incidents");
  auto page = Body(Call("GET", "/v1/incidents/" + id + "/logs?order=asc&limit=2"));
  auto lines = page.at("data").as_array();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_TRUE(lines.at(0).as_object().contains("log"));
  EXPECT_EQ(Str(lines.at(0).at("createdAt")), "2026-06-15T12:00:00.000Z");
  std::string next = Str(page.at("paging").at("next"));
  auto rest = Body(Call("GET", next.substr(next.find("/v1/"))));
  auto more = rest.at("data").as_array();
  ASSERT_EQ(more.size(), 2u);  // resolved, note; then closed on the next page
  EXPECT_GE(Str(more.at(0).at("createdAt")), Str(lines.at(1).at("createdAt")));
  auto newest = Body(Call("GET", "/v1/incidents/" + id + "/logs?limit=1")).at("data");
  EXPECT_EQ(Str(newest.at(0).at("createdAt")), "2026-06-15T12:10:00.000Z");
  EXPECT_EQ(Call("GET", "/v1/incidents/" + id + "/logs?limit=101").status, 422);
  EXPECT_EQ(Call("GET", "/v1/incidents/" + id + "/logs?offset=nope").status, 422);
  EXPECT_EQ(Call("GET", "/v1/incidents/none/logs").status, 404);
}

TEST_F(OpsgenieTest, GeneratedHistoryReopensAliasesAndReportsElapsedMilliseconds) {
  std::map<std::string, std::vector<Alert>> by_alias;
  {
    auto lock = sim_->state().Lock();
    for (const auto& a : sim_->state().world.alerts) {
      if (a.alias != a.id) by_alias[a.alias].push_back(a);
    }
  }
  std::string twice;
  for (const auto& [alias, alerts] : by_alias) {
    if (alerts.size() >= 2 && alerts[0].status == "closed" && alerts[1].status == "closed") {
      twice = alias;
      break;
    }
  }
  ASSERT_FALSE(twice.empty()) << "no alias was opened and closed twice";
  auto listed = Body(Call("GET", "/v2/alerts?limit=100&order=asc&query=alias:" + twice));
  auto alerts = listed.at("data").as_array();
  ASSERT_GE(alerts.size(), 2u);
  for (const auto& listed_alert : alerts) {
    auto a = Body(Call("GET", "/v2/alerts/" + Str(listed_alert.at("id")))).at("data");
    if (Str(a.at("status")) != "closed") continue;
    Time created = *ParseTime(Str(a.at("createdAt")));
    auto close = a.at("report").at("closeTime").as_int64();
    EXPECT_GT(close, 0);
    EXPECT_LT(close, int64_t{90} * 86400 * 1000);  // elapsed, not an epoch time
    if (a.at("report").as_object().contains("ackTime")) {
      EXPECT_LE(a.at("report").at("ackTime").as_int64(), close);
    }
    // The close log line is at createdAt + closeTime.
    auto logs = Body(Call("GET", "/v2/alerts/" + Str(a.at("id")) + "/logs?limit=100")).at("data");
    bool found = false;
    for (const auto& l : logs.as_array()) {
      Time at = *ParseTime(Str(l.at("createdAt")));
      found |= at == created + std::chrono::milliseconds(close);
    }
    EXPECT_TRUE(found) << Str(a.at("id"));
  }
  EXPECT_LT(*ParseTime(Str(alerts.at(0).at("createdAt"))),
            *ParseTime(Str(alerts.at(1).at("createdAt"))));
  // Generated incidents have logs too.
  auto incidents = Body(Call("GET", "/v1/incidents?query=status%3Aclosed&limit=1")).at("data");
  ASSERT_FALSE(incidents.as_array().empty());
  auto logs = Body(Call("GET", "/v1/incidents/" + Str(incidents.at(0).at("id")) + "/logs"));
  EXPECT_GE(logs.at("data").as_array().size(), 2u);
}

}  // namespace
}  // namespace im::sim::opsgenie

// PagerDuty REST v2 behaviour of the simulator: auth, paging caps, the /incidents window,
// writes with From, the incident lifecycle, rate limits, schedules and subscriptions.
#include <gtest/gtest.h>

#include "common/time.h"
#include "pagerduty_fixture.h"

namespace im::sim::pagerduty {
namespace {

int64_t ErrorCode(const net::HttpResponse& res) {
  auto body = PagerDutyFixture::Body(res);
  return body.at("error").at("code").as_int64();
}

using PagerDutyApiTest = PagerDutyFixture;

TEST_F(PagerDutyApiTest, MissingOrWrongKeyGets401) {
  auto none = testing::Call(router_, "GET", "/incidents");
  EXPECT_EQ(none.status, 401);
  auto bearer = testing::Call(router_, "GET", "/incidents", {{"Authorization", "Bearer x"}});
  EXPECT_EQ(bearer.status, 401);
  auto wrong = Get("/incidents", "nope");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(ErrorCode(wrong), 2006);
  EXPECT_EQ(Get("/incidents").status, 200);
}

TEST_F(PagerDutyApiTest, ListDefaultsToOneMonthAndReportsTotal) {
  auto res = Get("/incidents?total=true&limit=100");
  ASSERT_EQ(res.status, 200);
  auto body = Body(res);
  Time month_ago = clock_.Now() - std::chrono::days(30);
  int64_t total = body.at("total").as_int64();
  EXPECT_GT(total, 50);
  EXPECT_LT(total, 160);  // about a third of 300 incidents over 90 days
  for (const auto& inc : body.at("incidents").as_array()) {
    EXPECT_GE(*ParseTime(inc.at("created_at").as_string()), month_ago);
  }
  EXPECT_EQ(body.at("limit").as_int64(), 100);
  EXPECT_EQ(body.at("more").as_bool(), total > 100);
  EXPECT_TRUE(Body(Get("/incidents")).at("total").is_null());
  auto all = Body(Get("/incidents?date_range=all&total=true"));
  EXPECT_EQ(all.at("total").as_int64(), 300);
}

TEST_F(PagerDutyApiTest, PagingCapsAndRangeLimits) {
  auto capped = Get("/incidents?offset=9950&limit=100");
  EXPECT_EQ(capped.status, 400);
  EXPECT_EQ(ErrorCode(capped), 2002);
  EXPECT_NE(capped.body.find("Offset+limit exceeds maximum allowed value of 10000"),
            std::string::npos);
  EXPECT_EQ(Get("/incidents?offset=9900&limit=100").status, 200);
  EXPECT_EQ(Body(Get("/incidents?limit=500")).at("limit").as_int64(), 100);
  EXPECT_EQ(Get("/incidents?since=2025-01-01T00:00:00Z&until=2026-01-01T00:00:00Z").status, 400);
  EXPECT_EQ(Get("/incidents?since=2026-01-01T00:00:00Z&until=2026-06-01T00:00:00Z").status, 200);
}

TEST_F(PagerDutyApiTest, FiltersByStatusAndService) {
  std::string svc = ServiceId(2);
  auto body = Body(
      Get("/incidents?date_range=all&statuses[]=resolved&service_ids[]=" + svc + "&limit=100"));
  ASSERT_FALSE(body.at("incidents").as_array().empty());
  for (const auto& inc : body.at("incidents").as_array()) {
    EXPECT_EQ(inc.at("status").as_string(), "resolved");
    EXPECT_EQ(inc.at("service").at("id").as_string(), svc);
    EXPECT_TRUE(inc.at("acknowledgements").as_array().empty());
    EXPECT_FALSE(inc.at("resolved_at").is_null());
  }
}

// Listed incidents are served from text rendered once (the list benchmark's hot path): every
// change must show in the next list, exactly as a fresh render would show it.
TEST_F(PagerDutyApiTest, AListShowsEveryChangeMadeSinceTheLastOne) {
  auto first = Body(Get("/incidents?date_range=all&statuses[]=triggered&limit=1"));
  ASSERT_EQ(first.at("incidents").as_array().size(), 1u);
  std::string id(first.at("incidents").as_array()[0].at("id").as_string());
  auto ack =
      Send("PUT", "/incidents/" + id,
           R"({"incident":{"type":"incident_reference","status":"acknowledged"}})", UserEmail());
  ASSERT_EQ(ack.status, 200) << ack.body;
  auto listed = [&] {
    for (int64_t off = 0;; off += 100) {
      auto page = Body(Get("/incidents?date_range=all&limit=100&offset=" + std::to_string(off)));
      for (const auto& i : page.at("incidents").as_array()) {
        if (i.at("id").as_string() == id) return i.as_object();
      }
      if (!page.at("more").as_bool()) return json::object{};
    }
  };
  json::object after = listed();
  ASSERT_FALSE(after.empty());
  EXPECT_EQ(after.at("status").as_string(), "acknowledged");
  EXPECT_EQ(after.at("acknowledgements").as_array().size(), 1u);
  // Served text equals what GET /incidents/{id} renders now.
  EXPECT_EQ(json::Serialize(after), json::Serialize(Body(Get("/incidents/" + id)).at("incident")));
  auto urgency = Send("PUT", "/incidents/" + id,
                      R"({"incident":{"type":"incident_reference","urgency":"low"}})", UserEmail());
  ASSERT_EQ(urgency.status, 200) << urgency.body;
  EXPECT_EQ(listed().at("urgency").as_string(), "low");
  // An Events API trigger (no REST write) shows too.
  auto before = Body(Get("/incidents?date_range=all&total=true")).at("total").as_int64();
  auto event = testing::Call(router_, "POST", "/v2/enqueue", {},
                             R"({"routing_key":")" + RoutingKey() +
                                 R"(","event_action":"trigger","payload":{"summary":"s",)"
                                 R"("source":"h","severity":"critical"}})");
  ASSERT_EQ(event.status, 202) << event.body;
  EXPECT_EQ(Body(Get("/incidents?date_range=all&total=true")).at("total").as_int64(), before + 1);
}

TEST_F(PagerDutyApiTest, WritesNeedFromAndAFullAccessKey) {
  std::string create = R"({"incident":{"type":"incident","title":"Disk full","service":{"id":")" +
                       ServiceId() + R"(","type":"service_reference"}}})";
  auto no_from = Send("POST", "/incidents", create);
  EXPECT_EQ(no_from.status, 400);
  EXPECT_EQ(ErrorCode(no_from), 2011);
  EXPECT_EQ(ErrorCode(Send("POST", "/incidents", create, "ghost@example.com")), 1008);
  auto read_only = Send("POST", "/incidents", create, UserEmail(), kReadOnly);
  EXPECT_EQ(read_only.status, 403);
  EXPECT_EQ(Get("/incidents", kReadOnly).status, 200);
  auto created = Send("POST", "/incidents", create, UserEmail());
  ASSERT_EQ(created.status, 201) << created.body;
  auto inc = Body(created).at("incident").as_object();
  EXPECT_EQ(inc.at("status").as_string(), "triggered");
  EXPECT_EQ(inc.at("incident_number").as_int64(), 301);
}

// PagerDuty refuses a create only while an incident with the same key is open on that service
// (providers.md §1.4); the key is free again once it is resolved, and on other services.
TEST_F(PagerDutyApiTest, AnIncidentKeyIsRefusedOnlyWhileOpenOnTheService) {
  auto create = [&](const std::string& service) {
    return Send("POST", "/incidents",
                R"({"incident":{"type":"incident","title":"Disk full","incident_key":"K-1",)"
                R"("service":{"id":")" +
                    service + R"(","type":"service_reference"}}})",
                UserEmail());
  };
  auto first = create(ServiceId(0));
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(create(ServiceId(0)).status, 400);  // open with this key
  EXPECT_EQ(create(ServiceId(1)).status, 201);  // another service
  std::string id(Body(first).at("incident").at("id").as_string());
  ASSERT_EQ(
      Send("PUT", "/incidents/" + id,
           R"({"incident":{"type":"incident_reference","status":"acknowledged"}})", UserEmail())
          .status,
      200);
  EXPECT_EQ(create(ServiceId(0)).status, 400);  // acknowledged is open too
  ASSERT_EQ(Send("PUT", "/incidents/" + id,
                 R"({"incident":{"type":"incident_reference","status":"resolved"}})", UserEmail())
                .status,
            200);
  EXPECT_EQ(create(ServiceId(0)).status, 201);  // resolved: the key is free
  // Both incidents with the key are listed; statuses[] picks the open one.
  auto all = Body(Get("/incidents?date_range=all&incident_key=K-1&service_ids[]=" + ServiceId(0)));
  EXPECT_EQ(all.at("incidents").as_array().size(), 2u);
  auto open = Body(Get("/incidents?date_range=all&incident_key=K-1&service_ids[]=" + ServiceId(0) +
                       "&statuses[]=triggered&statuses[]=acknowledged"));
  ASSERT_EQ(open.at("incidents").as_array().size(), 1u);
  EXPECT_NE(open.at("incidents").as_array()[0].at("id").as_string(), id);
}

// sort_by takes up to two fields separated by a comma, as the reference writes it.
TEST_F(PagerDutyApiTest, SortByTakesTwoFieldsSeparatedByAComma) {
  auto body = Body(Get("/incidents?date_range=all&limit=100&sort_by=urgency:asc,created_at:desc"));
  const auto& incidents = body.at("incidents").as_array();
  ASSERT_GT(incidents.size(), 10u);
  for (size_t i = 1; i < incidents.size(); ++i) {
    const auto& a = incidents[i - 1];
    const auto& b = incidents[i];
    std::string ua(a.at("urgency").as_string()), ub(b.at("urgency").as_string());
    ASSERT_LE(ua, ub);  // high before low
    if (ua == ub) {
      EXPECT_GE(*ParseTime(a.at("created_at").as_string()),
                *ParseTime(b.at("created_at").as_string()));
    }
  }
  EXPECT_EQ(Get("/incidents?sort_by=urgency,created_at,incident_number").status, 400);
}

// statuses[] and urgencies[] take the values the reference enumerates; others are refused.
TEST_F(PagerDutyApiTest, UnknownStatusOrUrgencyFiltersAre400) {
  EXPECT_EQ(Get("/incidents?statuses[]=open").status, 400);
  EXPECT_EQ(Get("/incidents?urgencies[]=urgent").status, 400);
  EXPECT_EQ(Get("/incidents?statuses[]=resolved&urgencies[]=low").status, 200);
}

TEST_F(PagerDutyApiTest, LifecycleKeepsLogAndAcknowledgementsConsistent) {
  std::string create = R"({"incident":{"type":"incident","title":"API down","service":{"id":")" +
                       ServiceId() + R"("}}})";
  auto inc = Body(Send("POST", "/incidents", create, UserEmail())).at("incident").as_object();
  std::string path = "/incidents/" + std::string(inc.at("id").as_string());
  auto put = [&](const std::string& status) {
    clock_.Advance(std::chrono::minutes(5));
    return Send("PUT", path,
                R"({"incident":{"type":"incident_reference","status":")" + status +
                    R"(","resolution":"fixed"}})",
                UserEmail());
  };
  auto acked = Body(put("acknowledged")).at("incident");
  EXPECT_EQ(acked.at("acknowledgements").as_array().size(), 1u);
  auto resolved = Body(put("resolved")).at("incident");
  EXPECT_TRUE(resolved.at("acknowledgements").as_array().empty());
  EXPECT_TRUE(resolved.at("assignments").as_array().empty());
  EXPECT_EQ(resolved.at("resolved_at").as_string(), FormatTime(clock_.Now()));
  auto reopened = Body(put("triggered")).at("incident");
  EXPECT_EQ(reopened.at("status").as_string(), "triggered");
  EXPECT_TRUE(reopened.at("resolved_at").is_null());
  auto note = Send("POST", path + "/notes", R"({"note":{"content":"rolled back"}})", UserEmail());
  EXPECT_EQ(note.status, 200);  // as the spec documents
  EXPECT_EQ(Body(Get(path + "/notes")).at("notes").as_array().size(), 1u);

  auto log = Body(Get(path + "/log_entries?limit=100")).at("log_entries").as_array();
  std::vector<std::string> types;
  for (auto it = log.rbegin(); it != log.rend(); ++it) {
    types.emplace_back(it->at("type").as_string());
  }
  std::vector<std::string> want = {"trigger_log_entry",     "assign_log_entry",
                                   "acknowledge_log_entry", "resolve_log_entry",
                                   "trigger_log_entry",     "annotate_log_entry"};
  EXPECT_EQ(types, want);
  EXPECT_EQ(Get("/incidents/NOPE").status, 404);
  EXPECT_EQ(ErrorCode(Get("/incidents/NOPE")), 2100);
}

TEST_F(PagerDutyApiTest, GeneratedIncidentsAgreeWithTheirLogs) {
  std::lock_guard lock(sim_->state().mu);
  for (const auto& inc : sim_->state().world.incidents) {
    ASSERT_FALSE(inc.log.empty());
    EXPECT_EQ(inc.log.front().type, "trigger_log_entry");
    EXPECT_EQ(inc.log.front().created_at, inc.created_at);
    for (size_t i = 1; i < inc.log.size(); ++i) {
      EXPECT_LE(inc.log[i - 1].created_at, inc.log[i].created_at) << inc.id;
    }
    EXPECT_LE(inc.log.back().created_at, clock_.Now());
    if (inc.status == "resolved") {
      EXPECT_TRUE(inc.acknowledgements.empty());
      EXPECT_EQ(inc.log.back().type, "resolve_log_entry");
      EXPECT_EQ(inc.resolved_at, inc.log.back().created_at);
    } else {
      EXPECT_FALSE(inc.resolved_at.has_value());
      EXPECT_EQ(inc.status == "acknowledged", !inc.acknowledgements.empty());
    }
  }
}

TEST_F(PagerDutyApiTest, SameSeedSameData) {
  RecordingClient client;
  SimulatorOptions o;
  o.seed = 42;
  o.incidents = 300;
  Simulator again(o, clock_, client, nullptr);
  std::lock_guard a(sim_->state().mu), b(again.state().mu);
  ASSERT_EQ(again.state().world.incidents.size(), 300u);
  for (size_t i = 0; i < 300; ++i) {
    EXPECT_EQ(again.state().world.incidents[i].id, sim_->state().world.incidents[i].id);
    EXPECT_EQ(again.state().world.incidents[i].status, sim_->state().world.incidents[i].status);
  }
}

TEST_F(PagerDutyApiTest, RateLimitIs960PerMinuteWithHeaders) {
  for (int i = 0; i < 960; ++i) ASSERT_EQ(Get("/priorities").status, 200) << i;
  auto limited = Get("/priorities");
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(ErrorCode(limited), 2020);
  EXPECT_EQ(limited.Header("ratelimit-limit").value_or(""), "960");
  EXPECT_EQ(limited.Header("ratelimit-remaining").value_or(""), "0");
  EXPECT_EQ(limited.Header("ratelimit-reset").value_or(""), "60");
  clock_.Advance(std::chrono::minutes(1));
  auto ok = Get("/priorities");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.Header("ratelimit-remaining").value_or(""), "959");
  sim_->knobs().Set(Knobs{.rate_limit = false});
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(Get("/priorities").status, 200);
}

TEST_F(PagerDutyApiTest, FaultKnobs) {
  sim_->knobs().Set(Knobs{.burst_429 = 2, .bare_429 = true});
  auto bare = Get("/services");
  EXPECT_EQ(bare.status, 429);
  EXPECT_TRUE(bare.body.empty());
  EXPECT_FALSE(bare.Header("ratelimit-limit"));
  EXPECT_EQ(Get("/services").status, 429);
  EXPECT_EQ(Get("/services").status, 200);
  sim_->knobs().Set(Knobs{.error_rate = 1});
  EXPECT_EQ(Get("/services").status, 500);
  sim_->knobs().Set(Knobs{.malformed_rate = 1});
  EXPECT_FALSE(json::Parse(Get("/services").body).has_value());
  // A reset loses the answer of a request that took effect.
  sim_->knobs().Set(Knobs{.reset_rate = 1});
  std::string create = R"({"incident":{"type":"incident","title":"Lost answer","service":{"id":")" +
                       ServiceId() + R"(","type":"service_reference"}}})";
  EXPECT_TRUE(Send("POST", "/incidents", create, UserEmail()).reset);
  sim_->knobs().Set(Knobs{.rate_limit = false});
  bool made = false;
  auto listed = Get("/incidents?date_range=all&limit=100&sort_by=created_at:desc");
  ASSERT_EQ(listed.status, 200) << listed.body;
  auto incidents = Body(listed);  // outlives the loop
  for (const auto& inc : incidents.at("incidents").as_array()) {
    made = made || inc.at("title").as_string() == "Lost answer";
  }
  EXPECT_TRUE(made);
  auto log = testing::Call(router_, "GET", "/_sim/requests");
  EXPECT_GE(Body(log).at("requests").as_array().size(), 5u);
}

TEST_F(PagerDutyApiTest, ScheduleRendersFinalScheduleForTheWindow) {
  auto list = Body(Get("/schedules")).at("schedules").as_array();
  ASSERT_EQ(list.size(), 3u);
  std::string id(list[0].at("id").as_string());
  auto s = Body(Get("/schedules/" + id + "?since=2026-06-15T00:00:00Z&until=2026-06-22T00:00:00Z"))
               .at("schedule");
  EXPECT_EQ(s.at("schedule_layers").as_array().size(), 3u);
  auto entries = s.at("final_schedule").at("rendered_schedule_entries").as_array();
  ASSERT_FALSE(entries.empty());
  EXPECT_EQ(entries.front().at("start").as_string(), "2026-06-15T00:00:00Z");
  EXPECT_EQ(entries.back().at("end").as_string(), "2026-06-22T00:00:00Z");
  EXPECT_DOUBLE_EQ(s.at("final_schedule").at("rendered_coverage_percentage").to_number<double>(),
                   100.0);
  auto oncalls = Body(Get("/oncalls")).at("oncalls").as_array();
  EXPECT_GE(oncalls.size(), 6u);  // 3 policies x (schedule level + user level)
}

// The reference marks Accept and Content-Type required; PagerDuty's answer without them is not
// documented, so the simulator serves the request and logs what it lacked, for tests to check.
TEST_F(PagerDutyApiTest, RequestsAreLoggedWithTheirHeadersAndWhatTheyLack) {
  ASSERT_EQ(Get("/services").status, 200);
  ASSERT_EQ(testing::Call(router_, "GET", "/services",
                          {{"Authorization", std::string("Token token=") + kKey},
                           {"Accept", "application/vnd.pagerduty+json;version=2"},
                           {"Content-Type", "application/json"},
                           {"User-Agent", "im/test"}})
                .status,
            200);
  auto log = sim_->log().Since(0);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].problems,
            (std::vector<std::string>{"Content-Type must be application/json",
                                      "Accept must be application/vnd.pagerduty+json;version=2"}));
  EXPECT_TRUE(log[1].problems.empty());
  EXPECT_EQ(log[1].headers.size(), 3u);  // the Authorization value is not kept
  auto shown = Body(testing::Call(router_, "GET", "/_sim/requests"));
  const auto& second = shown.at("requests").as_array().at(1);
  EXPECT_EQ(second.at("headers").at("User-Agent").as_string(), "im/test");
  EXPECT_TRUE(second.at("problems").as_array().empty());
}

TEST_F(PagerDutyApiTest, WebhookSubscriptionSecretIsShownOnce) {
  auto created = Send("POST", "/webhook_subscriptions",
                      R"({"webhook_subscription":{"type":"webhook_subscription",
                          "delivery_method":{"type":"http_delivery_method",
                          "url":"https://example.com/hook"},"events":["incident.triggered"],
                          "filter":{"type":"account_reference"}}})");
  ASSERT_EQ(created.status, 200) << created.body;  // as the spec documents
  auto sub = Body(created).at("webhook_subscription");
  EXPECT_FALSE(sub.at("delivery_method").at("secret").as_string().empty());
  std::string id(sub.at("id").as_string());
  auto again = Body(Get("/webhook_subscriptions/" + id)).at("webhook_subscription");
  EXPECT_TRUE(again.at("delivery_method").at("secret").is_null());
}

// The management API as the reference has it: list with filter_type/filter_id and classic
// paging, get and update with the secret null, delete (204) ends deliveries, enable.
TEST_F(PagerDutyApiTest, WebhookSubscriptionsAreListedFilteredUpdatedAndDeleted) {
  auto create = [&](const std::string& url, const std::string& filter) {
    auto res = Send("POST", "/webhook_subscriptions",
                    R"({"webhook_subscription":{"type":"webhook_subscription",)"
                    R"("delivery_method":{"type":"http_delivery_method","url":")" +
                        url + R"("},"events":["incident.triggered"],"filter":)" + filter + "}}");
    EXPECT_EQ(res.status, 200) << res.body;
    return std::string(Body(res).at("webhook_subscription").at("id").as_string());
  };
  std::string account = create("https://a.example/hook", R"({"type":"account_reference"})");
  std::string service = create("https://b.example/hook",
                               R"({"type":"service_reference","id":")" + ServiceId(1) + R"("})");
  auto all = Body(Get("/webhook_subscriptions"));
  ASSERT_EQ(all.at("webhook_subscriptions").as_array().size(), 2u);
  for (const auto& s : all.at("webhook_subscriptions").as_array()) {
    EXPECT_TRUE(s.at("delivery_method").at("secret").is_null());
    EXPECT_FALSE(s.at("delivery_method").at("temporarily_disabled").as_bool());
  }
  EXPECT_EQ(Body(Get("/webhook_subscriptions?limit=1")).at("more").as_bool(), true);
  auto of_service =
      Body(Get("/webhook_subscriptions?filter_type=service&filter_id=" + ServiceId(1)));
  ASSERT_EQ(of_service.at("webhook_subscriptions").as_array().size(), 1u);
  EXPECT_EQ(of_service.at("webhook_subscriptions").as_array()[0].at("id").as_string(), service);
  EXPECT_EQ(Get("/webhook_subscriptions?filter_type=service").status, 400);
  auto updated = Send("PUT", "/webhook_subscriptions/" + account,
                      R"({"webhook_subscription":{"active":false}})");
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_FALSE(Body(updated).at("webhook_subscription").at("active").as_bool());
  auto enabled = Send("POST", "/webhook_subscriptions/" + account + "/enable", "");
  ASSERT_EQ(enabled.status, 200) << enabled.body;
  EXPECT_TRUE(Body(enabled).at("webhook_subscription").at("active").as_bool());
  EXPECT_EQ(Send("DELETE", "/webhook_subscriptions/" + service, "").status, 204);
  EXPECT_EQ(Get("/webhook_subscriptions/" + service).status, 404);
  EXPECT_EQ(Send("DELETE", "/webhook_subscriptions/" + service, "").status, 404);
}

// PagerDuty disables a subscription for 24 h after three consecutive dropped deliveries (a 4xx
// other than 429 is dropped at once), drops what was queued for it, and sends again once it is
// enabled (or the 24 h are over).
TEST_F(PagerDutyApiTest, ASubscriptionThatKeepsRefusingIsDisabledFor24Hours) {
  auto res = Send("POST", "/webhook_subscriptions",
                  R"({"webhook_subscription":{"type":"webhook_subscription",)"
                  R"("delivery_method":{"type":"http_delivery_method",)"
                  R"("url":"https://im.example/hook"},"events":["incident.triggered"],)"
                  R"("filter":{"type":"account_reference"}}})");
  std::string id(Body(res).at("webhook_subscription").at("id").as_string());
  auto disabled = [&] {
    return Body(Get("/webhook_subscriptions/" + id))
        .at("webhook_subscription")
        .at("delivery_method")
        .at("temporarily_disabled")
        .as_bool();
  };
  auto trigger = [&](int n) {
    auto r = testing::Call(router_, "POST", "/_sim/scenarios/trigger", {},
                           R"({"count":)" + std::to_string(n) + R"(,"over_seconds":0})");
    ASSERT_EQ(r.status, 200) << r.body;
  };
  auto to_subscription = [&] {
    size_t n = 0;
    for (const auto& r : client_.sent) n += r.url == "https://im.example/hook";
    return n;
  };
  client_.status = 401;  // a receiver that does not know the secret
  trigger(2);
  sim_->webhooks().RunDue();
  EXPECT_FALSE(disabled());  // two drops
  trigger(3);
  sim_->webhooks().RunDue();
  EXPECT_TRUE(disabled());
  size_t sent = to_subscription();
  EXPECT_EQ(sent, 5u);  // the batch under way was still sent
  trigger(1);
  sim_->webhooks().RunDue();
  EXPECT_EQ(to_subscription(), sent);  // nothing while disabled
  client_.status = 202;
  ASSERT_EQ(Send("POST", "/webhook_subscriptions/" + id + "/enable", "").status, 200);
  EXPECT_FALSE(disabled());
  trigger(1);
  sim_->webhooks().RunDue();
  EXPECT_EQ(to_subscription(), sent + 1);
  // Disabled again; 24 hours later it is back by itself.
  client_.status = 400;
  trigger(3);
  sim_->webhooks().RunDue();
  EXPECT_TRUE(disabled());
  clock_.Advance(std::chrono::hours(24));
  EXPECT_FALSE(disabled());
}

}  // namespace
}  // namespace im::sim::pagerduty

// incident.io simulator behaviour: bearer auth and error bodies, cursor paging of incidents and
// updates, idempotent create, status edits with their updates, Standard Webhooks deliveries,
// schedule entries paged through entry_window_start, and the 1,200/min token bucket.
#include <gtest/gtest.h>

#include <set>

#include "common/json.h"
#include "common/time.h"
#include "common/webhook_signature.h"
#include "fakes/fake_clock.h"
#include "sim/incidentio/simulator.h"
#include "sim_test_util.h"

namespace im::sim::incidentio {
namespace {

constexpr char kSecret[] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

class IncidentIoTest : public ::testing::Test {
 public:
  IncidentIoTest() {
    SimulatorOptions o;
    o.seed = 9;
    o.incidents = 300;
    o.api_keys = {{"iio-key", false}, {"iio-ro", true}};
    o.api_keys.push_back({.key = "iio-public", .private_access = false});
    o.webhook = {"http://receiver/hook", {kSecret}};
    sim_ = std::make_unique<Simulator>(o, clock_, client_, nullptr);
    sim_->Register(router_);
  }
  net::HttpResponse Call(const std::string& method, const std::string& target,
                         const std::string& body = "", const std::string& key = "iio-key") {
    return testing::Call(router_, method, target, {{"Authorization", "Bearer " + key}}, body);
  }
  static json::object Body(const net::HttpResponse& res) {
    auto v = json::Parse(res.body);
    EXPECT_TRUE(v && v->is_object()) << res.body;
    return v && v->is_object() ? v->as_object() : json::object{};
  }
  // Incidents a key with private access lists by default (test and tutorial ones left out).
  size_t ListedByDefault() {
    std::lock_guard lock(sim_->state().mu);
    size_t n = 0;
    for (const auto& i : sim_->state().world.incidents) {
      n += i.mode == "standard" || i.mode == "retrospective";
    }
    return n;
  }
  std::vector<std::string> EventTypes() {
    std::vector<std::string> out;
    for (const auto& r : client_.sent) {
      out.emplace_back(json::Parse(r.body)->at("event_type").as_string());
    }
    return out;
  }
  std::string StatusId(const std::string& name) {
    std::lock_guard lock(sim_->state().mu);
    for (const auto& s : sim_->state().world.statuses) {
      if (s.name == name) return s.id;
    }
    return "";
  }

  im::testing::FakeClock clock_{*ParseTime("2026-06-15T12:00:00Z")};
  testing::RecordingClient client_{204};
  http::Router router_;
  std::unique_ptr<Simulator> sim_;
};

TEST_F(IncidentIoTest, BearerKeyIsRequired) {
  auto none = testing::Call(router_, "GET", "/v2/incidents");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(Body(none).at("type").as_string(), "authentication_error");
  auto token = testing::Call(router_, "GET", "/v2/incidents", {{"Authorization", "Token iio-key"}});
  EXPECT_EQ(token.status, 401);
  EXPECT_EQ(Call("GET", "/v2/incidents").status, 200);
  EXPECT_EQ(
      Call("POST", "/v2/incidents", R"({"idempotency_key":"k","visibility":"public"})", "iio-ro")
          .status,
      403);
}

TEST_F(IncidentIoTest, CursorPagingVisitsEveryIncidentOnceNewestFirst) {
  std::set<std::string> seen;
  std::string after;
  Time previous = Time::max();
  int pages = 0;
  for (;; ++pages) {
    auto body =
        Body(Call("GET", "/v2/incidents?page_size=50" + (after.empty() ? "" : "&after=" + after)));
    EXPECT_EQ(body.at("pagination_meta").at("total_record_count").as_int64(),
              static_cast<int64_t>(ListedByDefault()));
    for (const auto& inc : body.at("incidents").as_array()) {
      EXPECT_TRUE(seen.insert(std::string(inc.at("id").as_string())).second);
      Time at = *ParseTime(inc.at("created_at").as_string());
      EXPECT_LE(at, previous);
      previous = at;
    }
    const auto& meta = body.at("pagination_meta").as_object();
    if (!meta.contains("after")) break;
    after = meta.at("after").as_string();
  }
  EXPECT_EQ(seen.size(), ListedByDefault());
  EXPECT_LT(ListedByDefault(), 300u);  // some are test or tutorial incidents
  EXPECT_EQ(pages, static_cast<int>((ListedByDefault() + 49) / 50) - 1);
  // The parameter's schema allows 500 a page.
  EXPECT_EQ(Call("GET", "/v2/incidents?page_size=500").status, 200);
  EXPECT_EQ(Call("GET", "/v2/incidents?page_size=501").status, 422);
  auto closed = Body(Call("GET", "/v2/incidents?page_size=250&status_category[one_of]=closed"));
  for (const auto& inc : closed.at("incidents").as_array()) {
    EXPECT_EQ(inc.at("incident_status").at("category").as_string(), "closed");
  }
}

TEST_F(IncidentIoTest, CreateIsIdempotentAndDeliversSignedWebhook) {
  std::string body = R"({"idempotency_key":"abc","visibility":"public","name":"DB down"})";
  auto first = Body(Call("POST", "/v2/incidents", body)).at("incident");
  auto again = Body(Call("POST", "/v2/incidents", body)).at("incident");
  EXPECT_EQ(first.at("id"), again.at("id"));
  EXPECT_EQ(first.at("incident_status").at("category").as_string(), "live");
  EXPECT_EQ(Call("POST", "/v2/incidents", R"({"visibility":"public"})").status, 422);

  sim_->webhooks().RunDue();
  ASSERT_EQ(client_.sent.size(), 1u);
  const auto& req = client_.sent[0];
  auto header = [&](std::string_view name) {
    for (const auto& [k, v] : req.headers) {
      if (k == name) return v;
    }
    return std::string();
  };
  auto ok = VerifyStandardWebhook(kSecret, header("webhook-id"), header("webhook-timestamp"),
                                  header("webhook-signature"), req.body,
                                  std::stoll(header("webhook-timestamp")));
  EXPECT_TRUE(ok.has_value());
  auto env = json::Parse(req.body)->as_object();
  EXPECT_EQ(env.at("event_type").as_string(), "public_incident.incident_created_v2");
  EXPECT_EQ(env.at("public_incident.incident_created_v2").at("id"), first.at("id"));
}

TEST_F(IncidentIoTest, StatusEditRecordsAnUpdateAndEmitsStatusUpdated) {
  std::string id;
  auto page = Body(Call("GET", "/v2/incidents?page_size=20"));  // outlives the loop
  for (const auto& inc : page.at("incidents").as_array()) {
    if (inc.at("visibility").as_string() == "public") {
      id = inc.at("id").as_string();
      break;
    }
  }
  ASSERT_FALSE(id.empty());
  clock_.Advance(std::chrono::minutes(5));
  std::string change = R"({"incident":{"incident_status_id":")" + StatusId("Declined") + R"("})";
  auto refused = Call("POST", "/v2/incidents/" + id + "/actions/edit", change + "}");
  EXPECT_EQ(refused.status, 422) << "notify_incident_channel is required";
  EXPECT_NE(refused.body.find("notify_incident_channel"), std::string::npos);
  auto edit = Call("POST", "/v2/incidents/" + id + "/actions/edit",
                   change + R"(,"notify_incident_channel":false})");
  ASSERT_EQ(edit.status, 200) << edit.body;
  EXPECT_EQ(Body(edit).at("incident").at("incident_status").at("category").as_string(), "declined");
  auto updates = Body(Call("GET", "/v2/incident_updates?incident_id=" + id)).at("incident_updates");
  EXPECT_EQ(updates.at(0).at("new_incident_status").at("name").as_string(), "Declined");
  EXPECT_EQ(updates.at(0).at("created_at").as_string(), FormatTime(clock_.Now()));
  sim_->webhooks().RunDue();
  std::set<std::string> events;
  for (const auto& r : client_.sent) {
    events.insert(std::string(json::Parse(r.body)->at("event_type").as_string()));
  }
  EXPECT_TRUE(events.contains("public_incident.incident_status_updated_v2"));
  EXPECT_EQ(Call("POST", "/v2/incidents/NOPE/actions/edit",
                 R"({"incident":{},"notify_incident_channel":true})")
                .status,
            404);
}

TEST_F(IncidentIoTest, ScheduleEntriesPageThroughEntryWindowStart) {
  auto schedules = Body(Call("GET", "/v2/schedules")).at("schedules").as_array();
  ASSERT_EQ(schedules.size(), 2u);
  std::string id(schedules.at(1).at("id").as_string());  // daily handovers
  // The generated rotations start 120 days before the clock (2026-02-15); 110 daily turns
  // need two pages of 100.
  std::string start = "2026-02-20T00:00:00Z", end = "2026-06-10T00:00:00Z";
  std::vector<std::pair<Time, Time>> shifts;
  for (int page = 0; page < 10; ++page) {
    auto body = Body(Call("GET", "/v2/schedule_entries?schedule_id=" + id +
                                     "&entry_window_start=" + start + "&entry_window_end=" + end));
    for (const auto& e : body.at("schedule_entries").at("final").as_array()) {
      shifts.emplace_back(*ParseTime(e.at("start_at").as_string()),
                          *ParseTime(e.at("end_at").as_string()));
    }
    if (!body.contains("pagination_meta")) break;
    start = body.at("pagination_meta").at("after").as_string();
  }
  ASSERT_GE(shifts.size(), 110u);
  for (size_t i = 1; i < shifts.size(); ++i) EXPECT_EQ(shifts[i].first, shifts[i - 1].second);
  EXPECT_LE(shifts.front().first, *ParseTime("2026-02-20T00:00:00Z"));
  EXPECT_GE(shifts.back().second, *ParseTime("2026-06-10T00:00:00Z"));
  EXPECT_EQ(Call("GET", "/v2/schedule_entries").status, 422);
}

TEST_F(IncidentIoTest, TokenBucketAllows1200ThenRefills20PerSecond) {
  for (int i = 0; i < 1200; ++i) ASSERT_EQ(Call("GET", "/v1/severities").status, 200) << i;
  auto limited = Call("GET", "/v1/severities");
  ASSERT_EQ(limited.status, 429);
  EXPECT_TRUE(limited.Header("Retry-After").has_value());
  EXPECT_TRUE(limited.Header("X-RateLimit-Limit").has_value());
  EXPECT_EQ(Body(limited).at("type").as_string(), "too_many_requests");
  clock_.Advance(std::chrono::seconds(1));
  int passed = 0;
  while (Call("GET", "/v1/severities").status == 200) ++passed;
  EXPECT_EQ(passed, 20);
}

TEST_F(IncidentIoTest, SeveritiesAndStatusesCoverTheMappedValues) {
  auto sev = Body(Call("GET", "/v1/severities")).at("severities").as_array();
  ASSERT_EQ(sev.size(), 4u);
  EXPECT_EQ(sev.at(0).at("name").as_string(), "Critical");
  std::set<std::string> categories;
  auto statuses = Body(Call("GET", "/v1/incident_statuses"));  // outlives the loop
  for (const auto& s : statuses.at("incident_statuses").as_array()) {
    categories.insert(std::string(s.at("category").as_string()));
  }
  for (const char* c : {"triage", "live", "learning", "closed", "declined"}) {
    EXPECT_TRUE(categories.contains(c)) << c;
  }
  EXPECT_EQ(Body(Call("GET", "/v2/users")).at("users").as_array().size(), 10u);
}

TEST_F(IncidentIoTest, ErrorBodiesCarryTypeStatusAndAFreshRequestId) {
  auto none = testing::Call(router_, "GET", "/v2/incidents");
  ASSERT_EQ(none.status, 401);
  auto body = Body(none);
  EXPECT_EQ(body.at("status").as_int64(), 401);
  EXPECT_EQ(body.at("errors").at(0).at("code").as_string(), "missing_authorization_material");
  auto again = Body(testing::Call(router_, "GET", "/v2/incidents"));
  EXPECT_NE(body.at("request_id"), again.at("request_id"));
  auto unknown = Call("GET", "/v2/no_such_thing");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(Body(unknown).at("type").as_string(), "not_found");
  EXPECT_EQ(Call("GET", "/v2/incidents/NOPE").status, 404);
  auto bad = Body(Call("GET", "/v2/incidents?updated_at[gte]=yesterday"));
  EXPECT_EQ(bad.at("type").as_string(), "validation_error");
  EXPECT_TRUE(bad.at("errors").is_array());
}

TEST_F(IncidentIoTest, TimeAndSeverityFiltersFilter) {
  auto all = [&](const std::string& query) {
    std::vector<json::value> out;
    std::string after;
    for (int i = 0; i < 20; ++i) {
      auto body = Body(Call("GET", "/v2/incidents?page_size=250&" + query +
                                       (after.empty() ? "" : "&after=" + after)));
      for (const auto& inc : body.at("incidents").as_array()) out.push_back(inc);
      if (!body.at("pagination_meta").as_object().contains("after")) break;
      after = body.at("pagination_meta").at("after").as_string();
    }
    return out;
  };
  size_t everything = all("").size();
  auto recent = all("updated_at[gte]=2026-06-01");
  EXPECT_GT(recent.size(), 0u);
  EXPECT_LT(recent.size(), everything);
  for (const auto& inc : recent) {
    EXPECT_GE(*ParseTime(inc.at("updated_at").as_string()), *ParseTime("2026-06-01T00:00:00Z"));
  }
  auto range = all("created_at[date_range]=2026-05-01~2026-05-10");
  EXPECT_GT(range.size(), 0u);
  for (const auto& inc : range) {
    Time at = *ParseTime(inc.at("created_at").as_string());
    EXPECT_GE(at, *ParseTime("2026-05-01T00:00:00Z"));
    EXPECT_LT(at, *ParseTime("2026-05-11T00:00:00Z"));
  }
  auto old = all("created_at[lte]=2026-04-01");
  for (const auto& inc : old) {
    EXPECT_LT(*ParseTime(inc.at("created_at").as_string()), *ParseTime("2026-04-02T00:00:00Z"));
  }
  auto severities = Body(Call("GET", "/v1/severities")).at("severities").as_array();
  std::string major(severities.at(1).at("id").as_string());  // rank 3
  auto serious = all("severity[gte]=" + major);
  EXPECT_GT(serious.size(), 0u);
  for (const auto& inc : serious) EXPECT_GE(inc.at("severity").at("rank").as_int64(), 3);
  auto just = all("severity[one_of]=" + major);
  for (const auto& inc : just) EXPECT_EQ(inc.at("severity").at("id").as_string(), major);
  EXPECT_LT(just.size(), serious.size());
}

TEST_F(IncidentIoTest, GeneratedDataHasEveryCategoryModeAndAnUnknownCategory) {
  std::set<std::string> categories, modes;
  size_t private_ones = 0, merged = 0;
  {
    std::lock_guard lock(sim_->state().mu);
    const World& w = sim_->state().world;
    for (const auto& i : w.incidents) {
      categories.insert(w.FindStatus(i.status_id)->category);
      modes.insert(i.mode);
      private_ones += i.visibility == "private";
    }
    for (const auto& u : w.updates) merged += !u.merged_into_incident_id.empty();
  }
  for (const char* c : {"triage", "live", "learning", "closed", "paused", "declined", "canceled",
                        "merged", "under_review"}) {
    EXPECT_TRUE(categories.contains(c)) << c;
  }
  EXPECT_TRUE(modes.contains("test"));
  EXPECT_TRUE(modes.contains("tutorial"));
  EXPECT_GT(private_ones, 0u);
  EXPECT_GT(merged, 0u);
  auto tests = Body(Call("GET", "/v2/incidents?page_size=250&mode[one_of]=test"));
  EXPECT_GT(tests.at("incidents").as_array().size(), 0u);
  for (const auto& i : tests.at("incidents").as_array())
    EXPECT_EQ(i.at("mode").as_string(), "test");
}

TEST_F(IncidentIoTest, PrivateIncidentsNeedPrivateAccessAndTheirWebhooksCarryOnlyTheId) {
  std::string body = R"({"idempotency_key":"p1","visibility":"private","name":"Secret"})";
  auto created = Body(Call("POST", "/v2/incidents", body)).at("incident");
  std::string id(created.at("id").as_string());
  EXPECT_EQ(Call("GET", "/v2/incidents/" + id).status, 200);
  EXPECT_EQ(Call("GET", "/v2/incidents/" + id, "", "iio-public").status, 404);
  auto listed = Body(Call("GET", "/v2/incidents?page_size=500", "", "iio-public"));
  for (const auto& i : listed.at("incidents").as_array()) {
    EXPECT_EQ(i.at("visibility").as_string(), "public");
  }
  EXPECT_EQ(created.at("creator").as_object().contains("api_key"), true);
  clock_.Advance(std::chrono::minutes(1));
  ASSERT_EQ(Call("POST", "/v2/incidents/" + id + "/actions/edit",
                 R"({"incident":{"incident_status_id":")" + StatusId("Fixing") +
                     R"("},"notify_incident_channel":true})")
                .status,
            200);
  sim_->webhooks().RunDue();
  auto types = EventTypes();
  ASSERT_EQ(types.size(), 2u);
  EXPECT_EQ(types[0], "private_incident.incident_created_v2");
  EXPECT_EQ(types[1], "private_incident.incident_updated_v2");
  for (const auto& r : client_.sent) {
    auto env = json::Parse(r.body)->as_object();
    auto payload = env.at(env.at("event_type").as_string()).as_object();
    EXPECT_EQ(payload.size(), 1u);
    EXPECT_EQ(payload.at("id").as_string(), id);
    bool svix = false;
    for (const auto& [k, v] : r.headers)
      svix |= k == "User-Agent" && v.starts_with("Svix-Webhooks/");
    EXPECT_TRUE(svix);
  }
}

TEST_F(IncidentIoTest, ScheduleEntriesCarryLayerAndFingerprint) {
  auto schedules = Body(Call("GET", "/v2/schedules")).at("schedules").as_array();
  std::string id(schedules.at(0).at("id").as_string());
  std::string q = "/v2/schedule_entries?schedule_id=" + id +
                  "&entry_window_start=2026-06-01T00:00:00Z&entry_window_end=2026-06-20T00:00:00Z";
  auto first = Body(Call("GET", q)).at("schedule_entries").at("final").as_array();
  auto second = Body(Call("GET", q)).at("schedule_entries").at("final").as_array();
  ASSERT_FALSE(first.empty());
  for (size_t i = 0; i < first.size(); ++i) {
    EXPECT_FALSE(first[i].at("layer_id").as_string().empty());
    EXPECT_EQ(first[i].at("fingerprint"), second[i].at("fingerprint"));
    EXPECT_FALSE(first[i].as_object().contains("entry_id"));  // projections have none
  }
}

}  // namespace
}  // namespace im::sim::incidentio

// GET /log_entries (account-wide) and /log_entries/{id} of the PagerDuty simulator: the
// [since, until) window, agreement with the per-incident logs, paging caps, is_overview,
// time_zone, include[] and team_ids[].
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "common/time.h"
#include "pagerduty_fixture.h"

namespace im::sim::pagerduty {
namespace {

using PagerDutyLogEntriesTest = PagerDutyFixture;

constexpr char kWindow[] = "since=2026-05-01T00:00:00Z&until=2026-06-01T00:00:00Z";

// Every entry of the window, following `more` page by page.
std::vector<json::object> All(PagerDutyFixture& f, const std::string& query) {
  std::vector<json::object> out;
  for (int64_t offset = 0;; offset += 100) {
    auto res = f.Get("/log_entries?limit=100&offset=" + std::to_string(offset) + "&" + query);
    EXPECT_EQ(res.status, 200) << res.body;
    if (res.status != 200) break;
    auto body = PagerDutyFixture::Body(res);
    for (const auto& e : body.at("log_entries").as_array()) out.push_back(e.as_object());
    if (!body.at("more").as_bool()) break;
  }
  return out;
}

TEST_F(PagerDutyLogEntriesTest, WindowHoldsExactlyTheIncidentsEntriesNewestFirst) {
  Time since = *ParseTime("2026-05-01T00:00:00Z"), until = *ParseTime("2026-06-01T00:00:00Z");
  std::multiset<std::string> want;
  std::map<std::string, std::string> incident_of;
  {
    std::lock_guard lock(sim_->state().mu);
    for (const auto& inc : sim_->state().world.incidents) {
      for (const auto& e : inc.log) {
        if (e.created_at >= since && e.created_at < until) want.insert(e.id);
        incident_of[e.id] = inc.id;
      }
    }
  }
  ASSERT_GT(want.size(), 100u);
  auto got = All(*this, kWindow);
  std::multiset<std::string> ids;
  Time previous = Time::max();
  for (const auto& e : got) {
    ids.insert(std::string(e.at("id").as_string()));
    Time at = *ParseTime(e.at("created_at").as_string());
    EXPECT_LE(at, previous);
    previous = at;
    EXPECT_EQ(e.at("incident").at("type").as_string(), "incident_reference");
    EXPECT_EQ(e.at("incident").at("id").as_string(),
              incident_of[std::string(e.at("id").as_string())]);
    EXPECT_TRUE(e.at("channel").is_object());
    EXPECT_TRUE(e.contains("agent"));
  }
  EXPECT_EQ(ids, want);
  auto total = Body(Get(std::string("/log_entries?total=true&") + kWindow));
  EXPECT_EQ(total.at("total").as_int64(), static_cast<int64_t>(want.size()));
}

TEST_F(PagerDutyLogEntriesTest, NotesAppearAsAnnotateEntriesWithTheirText) {
  std::string id =
      Body(Get("/incidents?limit=1")).at("incidents").at(0).at("id").as_string().c_str();
  clock_.Advance(std::chrono::minutes(1));
  auto note = Send("POST", "/incidents/" + id + "/notes",
                   R"({"note":{"content":"rolled back v42"}})", UserEmail());
  ASSERT_EQ(note.status, 200);
  std::string now = FormatTime(clock_.Now());
  // since is inclusive, until exclusive.
  EXPECT_TRUE(Body(Get("/log_entries?until=" + now)).at("log_entries").as_array().empty() ||
              Body(Get("/log_entries?until=" + now)).at("log_entries").at(0).at("created_at") !=
                  json::value(now));
  auto from_now = Body(Get("/log_entries?limit=5&since=" + now)).at("log_entries").as_array();
  ASSERT_EQ(from_now.size(), 1u);
  auto recent = from_now.at(0);
  EXPECT_EQ(recent.at("type").as_string(), "annotate_log_entry");
  EXPECT_EQ(recent.at("note").as_string(), "rolled back v42");
  EXPECT_EQ(recent.at("incident").at("id").as_string(), id);
  std::string entry = recent.at("id").as_string().c_str();
  auto one = Get("/log_entries/" + entry);
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(Body(one).at("log_entry").at("note").as_string(), "rolled back v42");
  EXPECT_EQ(Get("/log_entries/NOPE").status, 404);
}

TEST_F(PagerDutyLogEntriesTest, PagingCapsApply) {
  auto capped = Get(std::string("/log_entries?offset=9950&limit=100&") + kWindow);
  EXPECT_EQ(capped.status, 400);
  EXPECT_EQ(Body(capped).at("error").at("code").as_int64(), 2002);
  EXPECT_EQ(Body(Get("/log_entries?limit=1000")).at("limit").as_int64(), 100);
  EXPECT_EQ(Get("/log_entries?since=yesterday").status, 400);
  EXPECT_EQ(Get("/log_entries?since=2026-06-01T00:00:00Z&until=2026-05-01T00:00:00Z").status, 400);
}

TEST_F(PagerDutyLogEntriesTest, OverviewLeavesOutAssignments) {
  auto all = All(*this, kWindow);
  auto overview = All(*this, std::string(kWindow) + "&is_overview=true");
  EXPECT_LT(overview.size(), all.size());
  for (const auto& e : overview) EXPECT_NE(e.at("type").as_string(), "assign_log_entry");
}

TEST_F(PagerDutyLogEntriesTest, TimeZoneRendersTheSameInstantWithAnOffset) {
  auto utc = Body(Get(std::string("/log_entries?limit=3&") + kWindow)).at("log_entries");
  auto ny = Body(Get(std::string("/log_entries?limit=3&time_zone=America/New_York&") + kWindow))
                .at("log_entries");
  for (size_t i = 0; i < 3; ++i) {
    std::string text(ny.at(i).at("created_at").as_string());
    EXPECT_TRUE(text.ends_with("-04:00")) << text;  // May is daylight time
    EXPECT_EQ(*ParseTime(text), *ParseTime(utc.at(i).at("created_at").as_string()));
  }
  EXPECT_EQ(Get("/log_entries?time_zone=Mars/Olympus").status, 400);
}

TEST_F(PagerDutyLogEntriesTest, IncludeExpandsReferencesAndTeamIdsFilter) {
  auto e = Body(Get(std::string("/log_entries?limit=1&include[]=incidents&include[]=services&") +
                    kWindow))
               .at("log_entries")
               .at(0);
  EXPECT_EQ(e.at("incident").at("type").as_string(), "incident");
  EXPECT_TRUE(e.at("incident").as_object().contains("status"));
  EXPECT_EQ(e.at("service").at("type").as_string(), "service");
  EXPECT_EQ(Get("/log_entries?include[]=bogus").status, 400);

  std::string team, service;
  {
    std::lock_guard lock(sim_->state().mu);
    const auto& svc = sim_->state().world.services[0];
    service = svc.id;
    team = svc.team_ids.at(0);
  }
  auto on_team = All(*this, std::string(kWindow) + "&team_ids[]=" + team);
  ASSERT_FALSE(on_team.empty());
  for (const auto& x : on_team) {
    bool has = false;
    for (const auto& t : x.at("teams").as_array()) has |= t.at("id").as_string() == team;
    EXPECT_TRUE(has);
  }
  EXPECT_LT(on_team.size(), All(*this, kWindow).size());
}

}  // namespace
}  // namespace im::sim::pagerduty

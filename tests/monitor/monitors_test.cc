// Monitors as the server runs them, on a fake clock: outages open and resolve incidents,
// definitions are validated, and statistics come from the recorded checks.
#include "monitor/monitors.h"

#include <gtest/gtest.h>

#include "core/lifecycle.h"

#include "monitor_fixture.h"

namespace im::monitor {
namespace {

using MonitorsTest = testing::MonitorFixture;

json::object Web() {
  return json::object{{"name", "web"},
                      {"url", "https://shop.example.com/health"},
                      {"service", "checkout"},
                      {"severity", "SEV-1"}};
}

TEST_F(MonitorsTest, ThirdFailureOpensAnIncidentWithTheMonitorsServiceAndSeverity) {
  int64_t id = AddMonitor(Web());
  EXPECT_EQ(Check(id, false).transition, Transition::kNone);
  EXPECT_EQ(Check(id, false).transition, Transition::kNone);
  auto r = Check(id, false, "HTTP 502");
  ASSERT_EQ(r.transition, Transition::kOpen);
  auto inc = db_->GetIncidentWithTimeline(r.incident);
  ASSERT_TRUE(inc) << inc.error().message;
  EXPECT_EQ(inc->incident.title, "web is down: HTTP 502");
  EXPECT_EQ(inc->incident.services, std::vector<std::string>{"checkout"});
  EXPECT_EQ(inc->incident.severity, core::Severity::kSev1);
  EXPECT_EQ(inc->incident.status, core::Status::kOpen);
  EXPECT_EQ(inc->incident.created_at, clock_.Now());
  // The timeline says which checks mattered: three failures since the first.
  bool noted = false;
  for (const auto& e : inc->timeline) {
    noted = noted || e.message.find("3 consecutive failed checks since 2026-12-04T10:01:00Z") !=
                         std::string::npos;
  }
  EXPECT_TRUE(noted);
}

TEST_F(MonitorsTest, APageListsProblemsFirstByNameWithinAStateAndCountsEveryMonitor) {
  auto def = [](const char* name) {
    json::object d = Web();
    d["name"] = name;
    return d;
  };
  int64_t web = AddMonitor(def("b-web"));
  AddMonitor(def("a-api"));  // never checked: pending
  AddMonitor(def("c-db"));   // paused
  int64_t ok = AddMonitor(def("d-ok"));
  AddMonitor(def("e-new"));  // pending
  ASSERT_TRUE(monitors_->SetPaused("c-db", true));
  Check(ok, true);
  auto names = [](const MonitorPage& p) {
    std::vector<std::string> out;
    for (const auto& v : p.monitors) out.push_back(v.monitor.name);
    return out;
  };
  // Checked once and failing, b-web is not down yet: it is checked, like d-ok.
  Check(web, false);
  auto page = monitors_->Page("", "", 0, 0);
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(names(*page), (std::vector<std::string>{"a-api", "e-new", "c-db", "b-web", "d-ok"}));
  for (int i = 0; i < 2; ++i) Check(web, false);  // down now
  page = monitors_->Page("", "", 1, 2);
  ASSERT_TRUE(page);
  EXPECT_EQ(names(*page), (std::vector<std::string>{"a-api", "e-new"}));
  EXPECT_EQ(page->total, 5);
  EXPECT_EQ(page->counts.at("down"), 1);
  EXPECT_EQ(page->counts.at("pending"), 2);
  EXPECT_EQ(page->counts.at("paused"), 1);
  EXPECT_EQ(page->counts.at("up"), 1);
  // A filter narrows the page and its total, not the counts.
  page = monitors_->Page("pending", "new", 0, 10);  // the API lowercases ?q=
  ASSERT_TRUE(page);
  EXPECT_EQ(names(*page), std::vector<std::string>{"e-new"});
  EXPECT_EQ(page->total, 1);
  EXPECT_EQ(page->counts.at("pending"), 2);
}

TEST_F(MonitorsTest, RecoveryResolvesTheIncidentAfterTwoGoodChecks) {
  int64_t id = AddMonitor(Web());
  for (int i = 0; i < 3; ++i) Check(id, false);
  int64_t number = monitors_->Show("web")->view.state.incident;
  ASSERT_NE(number, 0);
  Check(id, false);  // still failing: noted only when the direction changes
  EXPECT_EQ(Check(id, true).transition, Transition::kNone);
  auto r = Check(id, true);
  EXPECT_EQ(r.transition, Transition::kResolve);
  EXPECT_EQ(r.incident, number);
  auto inc = db_->GetIncident(number);
  EXPECT_EQ(inc->status, core::Status::kResolved);
  EXPECT_EQ(inc->resolved_at, clock_.Now());
  EXPECT_EQ(inc->resolved_by, "monitor@im.local");
}

TEST_F(MonitorsTest, AnIncidentAPersonResolvedIsNotReopenedByTheSameOutage) {
  int64_t id = AddMonitor(Web());
  for (int i = 0; i < 3; ++i) Check(id, false);
  int64_t number = monitors_->Show("web")->view.state.incident;
  auto resolved = db_->Transact([&](store::Tx& tx) -> Result<void> {
    auto inc = tx.GetIncident(number);
    auto change = core::Resolve(*inc, {.email = "alice@example.com"}, clock_.Now());
    if (!change) return std::unexpected(change.error());
    return tx.UpdateIncident(change->incident);
  });
  ASSERT_TRUE(resolved) << resolved.error().message;
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Check(id, false).transition, Transition::kNone);
  EXPECT_EQ(db_->ListIncidents({})->size(), 1u);
  EXPECT_EQ(db_->GetIncident(number)->resolved_by, "alice@example.com");
  // The outage ends (noted on its incident), and a new one opens a new incident.
  Check(id, true);
  EXPECT_EQ(Check(id, true).transition, Transition::kResolve);
  EXPECT_EQ(db_->GetIncident(number)->resolved_by, "alice@example.com");
  for (int i = 0; i < 2; ++i) Check(id, false);
  auto again = Check(id, false);
  EXPECT_EQ(again.transition, Transition::kOpen);
  EXPECT_NE(again.incident, number);
  EXPECT_EQ(db_->ListIncidents({})->size(), 2u);
}

TEST_F(MonitorsTest, MaintenanceRecordsFailuresButOpensNothing) {
  json::object def = Web();
  // 2026-12-04 is a Friday; the checks run from 10:01 UTC (11:01 in Berlin).
  def["maintenance"] = json::array{"weekly fri 11:00-12:00 Europe/Berlin"};
  int64_t id = AddMonitor(def);
  for (int i = 0; i < 5; ++i) {
    auto r = Check(id, false);
    EXPECT_TRUE(r.in_maintenance);
    EXPECT_EQ(r.transition, Transition::kNone);
  }
  EXPECT_TRUE(db_->ListIncidents({})->empty());
  EXPECT_EQ(monitor_store_->Checks(id, Time{})->size(), 5u);
  clock_.Set(*ParseTime("2026-12-04T11:00:00Z"));  // 12:00 in Berlin: the window is over
  EXPECT_EQ(Check(id, false).transition, Transition::kOpen);
}

TEST_F(MonitorsTest, ShowReportsUptimeAndPercentiles) {
  int64_t id = AddMonitor(Web());
  for (int i = 0; i < 9; ++i) Check(id, true);
  Check(id, false);
  auto d = monitors_->Show("web");
  ASSERT_TRUE(d) << d.error().message;
  ASSERT_EQ(d->stats.size(), 3u);
  EXPECT_EQ(d->stats[0].checks, 10);
  EXPECT_DOUBLE_EQ(*d->stats[0].uptime_percent, 90.0);
  EXPECT_EQ(*d->stats[0].p95, std::chrono::milliseconds(42));
  EXPECT_EQ(d->recent.size(), 10u);
}

TEST_F(MonitorsTest, ChecksPastTheirRetentionArePruned) {
  int64_t id = AddMonitor(Web());
  Check(id, true);
  clock_.Advance(std::chrono::days(31));
  Check(id, true);
  EXPECT_EQ(*monitors_->Prune(), 1);
  EXPECT_EQ(monitor_store_->Checks(id, Time{})->size(), 1u);
}

struct BadDefinition {
  const char* name;
  json::object changes;
  const char* field;
};

class MonitorRefusalTest : public testing::MonitorFixture,
                           public ::testing::WithParamInterface<BadDefinition> {};

TEST_P(MonitorRefusalTest, RefusesNamingTheFieldAndStoresNothing) {
  json::object def = Web();
  for (const auto& kv : GetParam().changes) def[kv.key()] = kv.value();
  auto v = monitors_->Add(def);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(v.error().message.starts_with(GetParam().field)) << v.error().message;
  EXPECT_TRUE(monitor_store_->ListMonitors()->empty());
}

INSTANTIATE_TEST_SUITE_P(
    Refusals, MonitorRefusalTest,
    ::testing::Values(
        BadDefinition{"NoName", {{"name", ""}}, "name"},
        BadDefinition{"BadType", {{"type", "smtp"}}, "type"},
        BadDefinition{"BadUrl", {{"url", "shop.example.com"}}, "url"},
        BadDefinition{"IntervalTooShort", {{"interval", "5s"}}, "interval"},
        BadDefinition{"TimeoutAboveInterval", {{"timeout", "2m"}}, "timeout"},
        BadDefinition{"ZeroThreshold", {{"failure_threshold", 0}}, "failure_threshold"},
        BadDefinition{"BadStatus", {{"expected_status", "2xx"}}, "expected_status"},
        BadDefinition{"BadSeverity", {{"severity", "P1"}}, "severity"},
        BadDefinition{"UnknownChannel", {{"channels", json::array{"pd"}}}, "channels"},
        BadDefinition{"BadWindow", {{"maintenance", json::array{"daily 02:00"}}}, "maintenance[0]"},
        BadDefinition{
            "TcpWithoutPort", {{"type", "tcp"}, {"url", nullptr}, {"target", "db"}}, "target"},
        BadDefinition{"UnknownField", {{"intervall", "30s"}}, "unknown field"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST_F(MonitorsTest, EditChangesOnlyWhatIsGivenAndRefusesBadValues) {
  AddMonitor(Web());
  auto v = monitors_->Edit("web", json::object{{"interval", "30s"}});
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->monitor.interval, std::chrono::seconds(30));
  EXPECT_EQ(v->monitor.service, "checkout");
  auto bad = monitors_->Edit("web", json::object{{"interval", "1s"}});
  ASSERT_FALSE(bad);
  EXPECT_EQ(monitors_->Show("web")->view.monitor.interval, std::chrono::seconds(30));
}

TEST_F(MonitorsTest, DuplicateNamesAreRefused) {
  AddMonitor(Web());
  auto again = monitors_->Add(Web());
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
}

TEST_F(MonitorsTest, HeartbeatMonitorFailsWhenThePingIsLate) {
  auto v = monitors_->Add(json::object{{"name", "backup"},
                                       {"type", "heartbeat"},
                                       {"interval", "1h"},
                                       {"timeout", "5m"},
                                       {"failure_threshold", 1}});
  ASSERT_TRUE(v) << v.error().message;
  ASSERT_FALSE(v->heartbeat_path.empty());
  std::string token = v->heartbeat_path.substr(v->heartbeat_path.rfind('/') + 1);
  EXPECT_EQ(token.size(), 32u);
  clock_.Advance(std::chrono::minutes(50));
  ASSERT_TRUE(monitors_->Heartbeat(token));
  clock_.Advance(std::chrono::minutes(60));
  auto ok = monitors_->CheckNow("backup");
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_TRUE(ok->outcome.ok) << ok->outcome.error;
  clock_.Advance(std::chrono::minutes(6));  // 66 min since the ping: over 1h + 5m
  auto late = monitors_->CheckNow("backup");
  EXPECT_FALSE(late->outcome.ok);
  EXPECT_EQ(late->transition, Transition::kOpen);
  EXPECT_FALSE(monitors_->Heartbeat("0123456789abcdef0123456789abcdef"));
}

}  // namespace
}  // namespace im::monitor

// DORA numbers end to end on a real SQLite file (engine::Deployments over the SQLite deployment
// store, incidents made through engine::Incidents), against a data set whose every number was
// worked out by hand below. Period: [2026-03-01, 2026-03-15) UTC, window ±4 h.
//
// Deployments (all production):
//   d1 api  03-02 10:00  committed 08:00            lead 2 h
//   d2 api  03-02 12:00  committed 11:00            lead 1 h
//   d3 web  03-03 10:00  no commit time
//   d4 api  03-05 10:00  finished 10:30, committed 03-04 10:00   lead 24 h 30 min
//   d5 api  03-06 10:00  status failure (a failed job, not a deployment)
// Incidents (high urgency unless said):
//   i1 api  03-02 13:00, acked 13:10, resolved 14:30   → d2 (latest at or before), 1 h 30
//   i2 api  03-02 16:00 (exactly 4 h after d2), resolved 16:30 → d2 too, 30 min
//   i3 api  03-05 05:59:59 (4 h 1 s before d4), resolved 06:59:59 → none, 1 h
//   i4 api  03-05 06:00 (exactly 4 h before d4), never resolved → d4, open at the end
//   i5 web  03-05 11:00 (an hour after d4, but another service), resolved 11:45 → none, 45 min
//   i6 api  LOW urgency 03-08 00:00, resolved 05:00 → none, 5 h (left out by default)
//   i7 api  03-09 10:00, resolved 10:20, reopened 11:00, resolved 12:00 → none, 2 h
//   i8 api  02-28 23:00 (before the period), resolved 03-01 01:00 → in MTTR, 2 h
// So: 4 deployments, 1 failed job; d2 (two incidents, counted once) and d4 failed: CFR 2/4.
// Lead times 1 h, 2 h, 24 h 30: mean 9 h 10 min, median 2 h, p90 24 h 30 (nearest rank).
// Restore (high): 30 min, 45 min, 1 h, 1 h 30, 2 h, 2 h: mean 1 h 17 min 30 s, median 1 h,
// p90 2 h; with low urgency also 5 h: mean 12 h 45 min / 7, median 1 h 30, p90 5 h.
#include <gtest/gtest.h>

#include "common/time.h"
#include "engine/deployments.h"
#include "engine/incidents.h"
#include "fakes/fake_clock.h"
#include "fakes/temp_dir.h"
#include "store/sqlite/deployment_store.h"
#include "store/sqlite/sqlite_store.h"

namespace im::engine {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

Time T(const char* s) { return *ParseTime(s); }

class DoraReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::sqlite::SqliteStore::Open(dir_.File("im.db"));
    ASSERT_TRUE(db) << db.error().message;
    db_ = std::move(*db);
    deployments_store_ = std::make_unique<store::sqlite::SqliteDeploymentStore>(
        *db_, store::AttributionSettings{}, clock_);
    incidents_ = std::make_unique<Incidents>(*db_, clock_, core::SlaPolicy::Default());
    dora_ = std::make_unique<Deployments>(*deployments_store_, clock_, DoraSettings{});
  }

  int64_t Declare(const char* at, const std::string& service,
                  core::Urgency urgency = core::Urgency::kHigh) {
    clock_.Set(T(at));
    auto d = incidents_->Declare({.title = "incident on " + service,
                                  .severity = core::Severity::kSev2,
                                  .urgency = urgency,
                                  .services = {service}},
                                 {.email = "oncall@example.com"});
    EXPECT_TRUE(d) << d.error().message;
    return d ? d->incident.number : 0;
  }
  void Do(int64_t n, Action a, const char* at) {
    clock_.Set(T(at));
    auto r = incidents_->Apply(n, a, {.email = "oncall@example.com"});
    ASSERT_TRUE(r) << r.error().message;
  }
  void Deploy(const char* id, const char* service, const char* at,
              std::optional<const char*> committed = std::nullopt,
              std::optional<const char*> finished = std::nullopt,
              dora::DeployStatus status = dora::DeployStatus::kSuccess) {
    dora::Deployment d{.id = id, .service = service, .triggered_at = T(at), .status = status};
    if (committed) d.committed_at = T(*committed);
    if (finished) d.finished_at = T(*finished);
    auto r = dora_->Record(d, "test");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_TRUE(r->created);
  }

  // The data set of the file comment.
  void Build() {
    i1_ = Declare("2026-03-02T13:00:00Z", "api");
    Do(i1_, Action::kAcknowledge, "2026-03-02T13:10:00Z");
    Do(i1_, Action::kResolve, "2026-03-02T14:30:00Z");
    i2_ = Declare("2026-03-02T16:00:00Z", "api");
    Do(i2_, Action::kResolve, "2026-03-02T16:30:00Z");
    i3_ = Declare("2026-03-05T05:59:59Z", "api");
    Do(i3_, Action::kResolve, "2026-03-05T06:59:59Z");
    i4_ = Declare("2026-03-05T06:00:00Z", "api");
    i5_ = Declare("2026-03-05T11:00:00Z", "web");
    Do(i5_, Action::kResolve, "2026-03-05T11:45:00Z");
    i6_ = Declare("2026-03-08T00:00:00Z", "api", core::Urgency::kLow);
    Do(i6_, Action::kResolve, "2026-03-08T05:00:00Z");
    i7_ = Declare("2026-03-09T10:00:00Z", "api");
    Do(i7_, Action::kResolve, "2026-03-09T10:20:00Z");
    Do(i7_, Action::kReopen, "2026-03-09T11:00:00Z");
    Do(i7_, Action::kResolve, "2026-03-09T12:00:00Z");
    i8_ = Declare("2026-02-28T23:00:00Z", "api");
    Do(i8_, Action::kResolve, "2026-03-01T01:00:00Z");
    clock_.Set(T("2026-03-20T00:00:00Z"));
    Deploy("d1", "api", "2026-03-02T10:00:00Z", "2026-03-02T08:00:00Z");
    Deploy("d2", "api", "2026-03-02T12:00:00Z", "2026-03-02T11:00:00Z");
    Deploy("d3", "web", "2026-03-03T10:00:00Z");
    Deploy("d4", "api", "2026-03-05T10:00:00Z", "2026-03-04T10:00:00Z", "2026-03-05T10:30:00Z");
    Deploy("d5", "api", "2026-03-06T10:00:00Z", std::nullopt, std::nullopt,
           dora::DeployStatus::kFailure);
  }

  DoraResult Report(DoraQuery q = {}) {
    if (!q.since) q.since = T("2026-03-01T00:00:00Z");
    if (!q.until) q.until = T("2026-03-15T00:00:00Z");
    auto r = dora_->Report(q);
    EXPECT_TRUE(r) << r.error().message;
    return r.value_or(DoraResult{});
  }

  std::string AttributedTo(int64_t incident) {
    auto a = deployments_store_->AttributionOf(incident);
    EXPECT_TRUE(a);
    return a && *a ? (*a)->deployment_id : "";
  }

  im::testing::TempDir dir_;
  im::testing::FakeClock clock_{T("2026-03-01T00:00:00Z")};
  std::unique_ptr<store::sqlite::SqliteStore> db_;
  std::unique_ptr<store::sqlite::SqliteDeploymentStore> deployments_store_;
  std::unique_ptr<Incidents> incidents_;
  std::unique_ptr<Deployments> dora_;
  int64_t i1_ = 0, i2_ = 0, i3_ = 0, i4_ = 0, i5_ = 0, i6_ = 0, i7_ = 0, i8_ = 0;
};

TEST_F(DoraReportTest, AttributionFollowsTheRuleAtEveryEdge) {
  Build();
  Report();                            // attributes what came in since the last report
  EXPECT_EQ(AttributedTo(i1_), "d2");  // latest at or before, not d1
  EXPECT_EQ(AttributedTo(i2_), "d2");  // exactly 4 h after: inside
  EXPECT_EQ(AttributedTo(i3_), "");    // 4 h 1 s before d4: outside
  EXPECT_EQ(AttributedTo(i4_), "d4");  // exactly 4 h before: inside
  EXPECT_EQ(AttributedTo(i5_), "");    // another service
  EXPECT_EQ(AttributedTo(i7_), "");
  auto a = deployments_store_->AttributionOf(i1_);
  ASSERT_TRUE(a && *a);
  EXPECT_EQ((*a)->explanation, "same service api, 1 h after deploy d2");
  EXPECT_FALSE((*a)->manual);
}

TEST_F(DoraReportTest, TheFourKeysMatchTheHandComputedFigures) {
  Build();
  auto r = Report().report;
  EXPECT_EQ(r.deployments, 4);
  EXPECT_EQ(r.failed_jobs, 1);
  EXPECT_NEAR(r.per_day, 4.0 / 14.0, 1e-9);
  EXPECT_NEAR(r.per_week, 2.0, 1e-9);
  EXPECT_EQ(r.frequency_band, dora::Band::kHigh);  // ≥ 1 a week, < 1 a day

  EXPECT_EQ(r.lead_time.count, 3);
  EXPECT_EQ(r.without_commit_time, 1);
  EXPECT_EQ(r.lead_time.mean, Duration(hours(9) + minutes(10)));
  EXPECT_EQ(r.lead_time.median, Duration(hours(2)));
  EXPECT_EQ(r.lead_time.p90, Duration(hours(24) + minutes(30)));
  EXPECT_EQ(r.lead_time_band, dora::Band::kElite);

  EXPECT_EQ(r.failed_deployments, 2);  // d2 counts once for its two incidents
  ASSERT_TRUE(r.change_failure_rate);
  EXPECT_DOUBLE_EQ(*r.change_failure_rate, 0.5);
  EXPECT_EQ(r.change_failure_band, dora::Band::kLow);

  EXPECT_EQ(r.restore.count, 6);
  EXPECT_EQ(r.restore.mean, Duration(hours(1) + minutes(17) + seconds(30)));
  EXPECT_EQ(r.restore.median, Duration(hours(1)));
  EXPECT_EQ(r.restore.p90, Duration(hours(2)));
  EXPECT_EQ(r.restore_band, dora::Band::kHigh);  // a median of 1 h is not under an hour
  EXPECT_EQ(r.excluded_low_urgency.restore, 1);

  EXPECT_EQ(r.acknowledge.count, 1);
  EXPECT_EQ(r.acknowledge.mean, Duration(minutes(10)));

  EXPECT_EQ(r.open_at_end, 1);  // i4, reported, not dropped
  EXPECT_EQ(r.open_created_in_period, 1);
}

// Each number per source of the incidents: two of them came from an Opsgenie connector.
TEST_F(DoraReportTest, EachNumberBreaksDownBySourceAndTheWholeStaysTheSame) {
  Build();
  ASSERT_TRUE(db_->WriteWith([&](store::sqlite::Connection& c) -> Result<void> {
    auto st = c.Prepare("UPDATE incidents SET source = 'opsgenie:og' WHERE number IN (?1, ?2)");
    if (!st) return std::unexpected(st.error());
    return (*st)->Bind(1, i2_).Bind(2, i5_).Run();
  }));
  auto res = Report({.by_source = true});
  const auto& whole = res.report;
  EXPECT_EQ(whole.restore.count, 6);  // as without the breakdown
  EXPECT_EQ(whole.excluded_low_urgency.restore, 1);
  EXPECT_EQ(whole.failed_deployments, 2);
  ASSERT_EQ(res.by_source.size(), 2u);
  const auto& og = res.by_source.at("opsgenie");
  const auto& im = res.by_source.at("im");
  EXPECT_EQ(og.restore.count, 2);  // i2 30 min, i5 45 min
  EXPECT_EQ(og.restore.mean, Duration(minutes(37) + seconds(30)));
  EXPECT_EQ(im.restore.count, 4);                 // i1, i3, i7, i8
  EXPECT_EQ(im.excluded_low_urgency.restore, 1);  // i6 is im's and low urgency
  EXPECT_EQ(og.acknowledge.count + im.acknowledge.count, whole.acknowledge.count);
  // d2 failed through i1 (im) and i2 (Opsgenie); d4 through im's incident only.
  EXPECT_EQ(og.failed_deployments, 1);
  EXPECT_EQ(im.failed_deployments, 2);
  EXPECT_EQ(og.deployments, 4);
  EXPECT_EQ(og.open_at_end + im.open_at_end, whole.open_at_end);
  auto json = DoraResultToJson(res);
  ASSERT_TRUE(json.contains("by_source"));
  const auto& og_json = json.at("by_source").at("opsgenie").as_object();
  EXPECT_EQ(og_json.at("time_to_restore").at("count").as_int64(), 2);
  EXPECT_FALSE(og_json.contains("weekly"));
  // Without the flag, no breakdown.
  EXPECT_TRUE(Report().by_source.empty());
}

TEST_F(DoraReportTest, LowUrgencyIsIncludedOnRequest) {
  Build();
  DoraQuery q;
  q.include_low_urgency = true;
  auto r = Report(q).report;
  EXPECT_EQ(r.restore.count, 7);
  // 12 h 45 min over 7, rounded toward zero to the microsecond.
  EXPECT_EQ(r.restore.mean, Duration(45900000000 / 7));
  EXPECT_EQ(r.restore.median, Duration(hours(1) + minutes(30)));
  EXPECT_EQ(r.restore.p90, Duration(hours(5)));
  EXPECT_EQ(r.excluded_low_urgency.restore, 0);
}

TEST_F(DoraReportTest, OneServiceAndTheWeeksOfAZoneWithADstChange) {
  Build();
  DoraQuery q;
  q.service = "web";
  auto web = Report(q).report;
  EXPECT_EQ(web.deployments, 1);
  EXPECT_EQ(web.failed_deployments, 0);  // i5 is not d3's: 25 h later
  EXPECT_EQ(web.restore.count, 1);
  EXPECT_EQ(web.restore.mean, Duration(minutes(45)));

  // New York: EST until 2026-03-08 02:00, EDT after; ISO weeks start on Mondays there.
  DoraQuery ny;
  ny.zone = "America/New_York";
  auto r = Report(ny).report;
  ASSERT_EQ(r.weeks.size(), 3u);
  EXPECT_EQ(r.weeks[0].label, "2026-W09");
  EXPECT_TRUE(r.weeks[0].partial);
  EXPECT_EQ(r.weeks[1].label, "2026-W10");
  EXPECT_FALSE(r.weeks[1].partial);
  EXPECT_EQ(r.weeks[1].start, T("2026-03-02T05:00:00Z"));  // Monday 00:00 EST
  EXPECT_EQ(r.weeks[1].end, T("2026-03-09T04:00:00Z"));    // Monday 00:00 EDT: a 167 h week
  EXPECT_EQ(r.weeks[2].label, "2026-W11");
  EXPECT_TRUE(r.weeks[2].partial);
  EXPECT_EQ(r.weeks[1].deployments, 4);
  EXPECT_EQ(r.weeks[1].failed_deployments, 2);
  EXPECT_EQ(r.weeks[0].restore.count, 1);  // i8, resolved Saturday evening in New York
  EXPECT_EQ(r.weeks[1].restore.count, 4);  // i1, i2, i3, i5
  EXPECT_EQ(r.weeks[2].restore.count, 1);  // i7
}

TEST_F(DoraReportTest, LinksByHandWinUntilResetAndNewDeploysReattributeTheirWindowOnly) {
  Build();
  Report();
  clock_.Set(T("2026-03-20T01:00:00Z"));
  auto linked = dora_->Link(i5_, "d3", "alice@example.com");
  ASSERT_TRUE(linked) << linked.error().message;
  EXPECT_EQ(linked->explanation, "linked by hand by alice@example.com to deploy d3");
  EXPECT_EQ(Report().report.failed_deployments, 3);  // d2, d3, d4
  ASSERT_TRUE(dora_->Unlink(i4_, "alice@example.com"));
  EXPECT_EQ(AttributedTo(i4_), "");
  EXPECT_EQ(Report().report.failed_deployments, 2);  // d2, d3
  ASSERT_TRUE(dora_->Reset(i4_));
  ASSERT_TRUE(dora_->Reset(i5_));
  EXPECT_EQ(AttributedTo(i4_), "d4");
  EXPECT_EQ(AttributedTo(i5_), "");
  EXPECT_FALSE(dora_->Link(i5_, "no-such-deploy", "alice@example.com"));

  // A deploy recorded later takes the incidents of its own window, and nothing else moves.
  dora::Deployment d6{.id = "d6", .service = "api", .triggered_at = T("2026-03-09T09:00:00Z")};
  auto recorded = dora_->Record(d6, "test");
  ASSERT_TRUE(recorded) << recorded.error().message;
  EXPECT_EQ(recorded->reattributed, 1);  // i7
  EXPECT_EQ(AttributedTo(i7_), "d6");
  EXPECT_EQ(AttributedTo(i1_), "d2");
  auto r = Report().report;
  EXPECT_EQ(r.deployments, 5);
  EXPECT_EQ(r.failed_deployments, 3);  // d2, d4, d6
  // The same deploy again is ignored.
  auto again = dora_->Record(d6, "test");
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->created);
  EXPECT_EQ(Report().report.deployments, 5);
}

TEST_F(DoraReportTest, AnIncidentDeclaredAfterTheDeployIsAttributedByTheNextReport) {
  clock_.Set(T("2026-03-02T10:00:00Z"));
  Deploy("d1", "api", "2026-03-02T10:00:00Z");
  int64_t n = Declare("2026-03-02T10:37:00Z", "api");
  auto r = Report().report;
  EXPECT_EQ(r.failed_deployments, 1);
  auto a = deployments_store_->AttributionOf(n);
  ASSERT_TRUE(a && *a);
  EXPECT_EQ((*a)->explanation, "same service api, 37 min after deploy d1");
}

TEST_F(DoraReportTest, BadDeploymentsAreRefusedWithTheFieldNamedAndNothingStored) {
  clock_.Set(T("2026-03-02T10:00:00Z"));
  auto no_service = dora_->Record({.id = "x", .triggered_at = T("2026-03-02T09:00:00Z")}, "test");
  ASSERT_FALSE(no_service);
  EXPECT_EQ(no_service.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(no_service.error().message.find("service"), std::string::npos)
      << no_service.error().message;
  auto no_id = dora_->Record({.service = "api", .triggered_at = T("2026-03-02T09:00:00Z")}, "test");
  EXPECT_FALSE(no_id);
  EXPECT_TRUE(deployments_store_->List({})->empty());
}

}  // namespace
}  // namespace im::engine

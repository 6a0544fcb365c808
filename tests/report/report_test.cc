// report::Compute over the hand-computed data set of report_data.h, and each format saying the
// same numbers.
#include <gtest/gtest.h>

#include "dora/weeks.h"
#include "report/charts.h"
#include "report/render.h"
#include "report/report_data.h"

namespace im::report {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

class ReportTest : public ::testing::Test {
 protected:
  Report Make(int64_t timeline_limit = 0) {
    Query q;
    q.start_day = "2025-08-01";
    q.end_day = "2025-08-31";
    q.since = *ParseTime("2025-08-01T00:00:00Z");
    q.until = *ParseTime("2025-09-01T00:00:00Z");
    q.timeline_limit = timeline_limit;
    const Time now = *ParseTime("2025-09-15T00:00:00Z");
    std::vector<IncidentRow> rows;
    for (auto& i : im::testing::HandReportIncidents()) {
      if (i.created_at < q.since || i.created_at >= q.until) continue;
      core::SlaStatus sla = core::EvaluateSla(i, core::SlaPolicy::Default(), now);
      rows.push_back({.incident = i,
                      .sla = sla,
                      .timeline = {{.at = i.created_at,
                                    .kind = core::EntryKind::kDeclared,
                                    .actor = "ann@example.com",
                                    .message = "declared"}}});
    }
    rows[0].timeline.push_back({.at = rows[0].incident.created_at + minutes(20),
                                .kind = core::EntryKind::kStatusChange,
                                .message = "escalated to level 2"});
    rows[1].deployment_id = "d-7";
    std::map<std::string, schedule::HoursBreakdown> hours_by{
        {"ann@example.com",
         {.business = hours(40), .evening = hours(10), .night_weekend = hours(20)}},
        {"cat@example.com", {.business = hours(5)}}};
    return Compute(q, std::move(rows), hours_by, std::nullopt, *dora::FindZone("UTC"), now);
  }
};

TEST_F(ReportTest, TheSummaryMatchesTheHandComputedFigures) {
  Report r = Make();
  EXPECT_EQ(r.total, 5);
  EXPECT_EQ(r.all.resolved, 4);
  EXPECT_EQ(r.all.open, 1);
  EXPECT_EQ(r.all.mtta.count, 4);
  EXPECT_EQ(r.all.mtta.mean, minutes(23) + seconds(45));
  EXPECT_EQ(r.all.mtta.median, minutes(10));
  EXPECT_EQ(r.all.mtta.p90, minutes(60));
  EXPECT_EQ(r.all.mttr.mean, hours(8) + minutes(57) + seconds(30));
  EXPECT_EQ(r.all.mttr.median, hours(2));
  EXPECT_EQ(r.all.mttr.p90, hours(30));
  ASSERT_EQ(r.by_severity.size(), 4u);
  EXPECT_EQ(r.by_severity[0].key, "SEV-1");
  EXPECT_EQ(r.by_severity[0].incidents, 2);
  EXPECT_EQ(r.by_severity[0].mtta.mean, minutes(15));
  EXPECT_EQ(r.by_severity[0].mttr.mean, minutes(85));
  ASSERT_EQ(r.by_source.size(), 2u);
  EXPECT_EQ(r.by_source[0].key, "im");
  EXPECT_EQ(r.by_source[0].incidents, 4);
  EXPECT_EQ(r.by_source[1].key, "pagerduty");
  EXPECT_EQ(r.by_source[1].incidents, 1);
  EXPECT_EQ(r.by_source[1].provider_mtta.mean, minutes(25));  // PagerDuty's own measure
  EXPECT_EQ(r.by_source[1].mtta_differs, 1);
  EXPECT_EQ(r.by_source[0].provider_mtta.count, 0);  // im's own incidents have none
  ASSERT_EQ(r.by_service.size(), 2u);
  EXPECT_EQ(r.by_service[0].key, "api");  // most incidents first
  EXPECT_EQ(r.by_service[0].incidents, 3);
}

TEST_F(ReportTest, SlaComplianceCountsEachClockAndListsEveryBreach) {
  Report r = Make();
  ASSERT_EQ(r.sla.size(), 4u);
  EXPECT_EQ(r.sla[0].ack_met, 1);
  EXPECT_EQ(r.sla[0].ack_breached, 1);
  EXPECT_EQ(r.sla[0].AckCompliance(), 0.5);
  EXPECT_EQ(r.sla[0].ResolveCompliance(), 0.5);
  EXPECT_EQ(r.sla[1].AckCompliance(), 1.0);
  EXPECT_EQ(r.sla[1].ResolveCompliance(), 1.0);
  EXPECT_EQ(r.sla[2].AckCompliance(), 1.0);
  EXPECT_EQ(r.sla[2].ResolveCompliance(), 0.0);
  EXPECT_EQ(r.sla[3].AckCompliance(), 0.0);
  EXPECT_EQ(r.sla[3].resolve_breached, 1);
  ASSERT_EQ(r.sla[0].targets.size(), 1u);
  EXPECT_EQ(r.sla[0].targets[0], "default: acknowledge 15m, resolve 1h");
  ASSERT_EQ(r.breaches.size(), 5u);
  EXPECT_EQ(r.breaches[0].number, 2);
  EXPECT_EQ(r.breaches[0].clock, "acknowledge");
  EXPECT_EQ(r.breaches[0].due, *ParseTime("2025-08-05T22:15:00Z"));
  EXPECT_EQ(r.breaches[0].done_at, *ParseTime("2025-08-05T22:20:00Z"));
  EXPECT_EQ(r.breaches[4].number, 5);
  EXPECT_EQ(r.breaches[4].clock, "resolve");
  EXPECT_FALSE(r.breaches[4].done_at.has_value());
}

TEST_F(ReportTest, OnCallCountsPagesAcknowledgementsOffHoursAndHours) {
  Report r = Make();
  EXPECT_EQ(r.off_hours_pages, 2);  // Tuesday 22:00 and Saturday noon
  EXPECT_EQ(r.escalated, 1);
  ASSERT_EQ(r.responders.size(), 3u);
  const ResponderRow& ann = r.responders[0];
  EXPECT_EQ(ann.who, "ann@example.com");
  EXPECT_EQ(ann.pages, 2);
  EXPECT_EQ(ann.acknowledged, 2);
  EXPECT_EQ(ann.time_to_acknowledge.mean, minutes(7) + seconds(30));
  EXPECT_EQ(ann.off_hours_pages, 1);
  EXPECT_EQ(ann.oncall.Total(), hours(70));
  EXPECT_EQ(r.responders[1].who, "bob@example.com");
  EXPECT_EQ(r.responders[1].time_to_acknowledge.mean, minutes(40));
  EXPECT_EQ(r.responders[2].who, "cat@example.com");  // on call, never paged
  EXPECT_EQ(r.responders[2].pages, 0);
}

TEST_F(ReportTest, WeeksAreIsoWeeksOfTheZoneWithTheirIncidents) {
  Report r = Make();
  ASSERT_EQ(r.weeks.size(), 5u);
  EXPECT_EQ(r.weeks[0].label, "2025-W31");
  EXPECT_TRUE(r.weeks[0].partial);
  EXPECT_EQ(r.weeks[1].by_severity, (std::array<int64_t, 4>{2, 1, 0, 0}));
  EXPECT_EQ(r.weeks[2].by_severity, (std::array<int64_t, 4>{0, 0, 1, 0}));
  EXPECT_EQ(r.weeks[3].by_severity, (std::array<int64_t, 4>{0, 0, 0, 1}));
  EXPECT_EQ(r.weeks[1].mtta.mean, seconds(700));  // (10m + 20m + 5m) / 3
  EXPECT_EQ(r.weeks[1].sla_met, 2);
  EXPECT_EQ(r.weeks[1].sla_decided, 3);
  EXPECT_FALSE(r.weeks[4].partial);
}

TEST_F(ReportTest, EveryFormatSaysTheSameNumbers) {
  Report r = Make();
  json::object j = ToJson(r);
  EXPECT_EQ(j.at("summary").at("incidents").as_int64(), 5);
  EXPECT_DOUBLE_EQ(j.at("summary").at("all").at("mtta").at("mean_seconds").as_double(), 1425.0);
  EXPECT_EQ(j.at("breaches").as_array().size(), 5u);
  EXPECT_EQ(j.at("incidents").at(1).at("provider_reference").as_string(),
            "PagerDuty #42 (P1ABC23)");
  EXPECT_EQ(j.at("incidents").at(1).at("deployment").as_string(), "d-7");
  auto csv = ToCsv(r);
  ASSERT_EQ(csv.size(), 7u);
  EXPECT_EQ(csv[0].first, "summary.csv");
  EXPECT_NE(csv[0].second.find("all,all,5,1,4,1425,600,3600,32250,7200,108000,1500,1,1\r\n"),
            std::string::npos)
      << csv[0].second;
  EXPECT_NE(csv[1].second.find("SEV-1,2,1,1,0,0.5000,1,1,0,0.5000,"), std::string::npos);
  std::string html = ToHtml(r);
  EXPECT_NE(html.find("MTTA 23m 45s mean, 10m median, 1h p90"), std::string::npos);
  EXPECT_NE(html.find("MTTR 8h 57m mean, 2h median, 1d 6h p90"), std::string::npos);
  EXPECT_NE(html.find("<td>15m / 10m / 20m</td>"), std::string::npos);  // SEV-1's MTTA
  EXPECT_NE(html.find("<td>25m / 25m / 25m (1, 1 differ)</td>"), std::string::npos);
  EXPECT_NE(html.find("1 synced incidents have a first acknowledgement in im earlier"),
            std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_GE(std::count(html.begin(), html.end(), '\n'), 10);
  size_t svgs = 0;
  for (size_t at = html.find("<svg"); at != std::string::npos; at = html.find("<svg", at + 1)) {
    ++svgs;
  }
  EXPECT_EQ(svgs, 4u);
  auto pdf = ToPdf(r);
  ASSERT_TRUE(pdf) << pdf.error().message;
  EXPECT_TRUE(pdf->starts_with("%PDF-"));
}

TEST_F(ReportTest, TheAppendixListsAsManyTimelinesAsAskedAndCountsTheRest) {
  Report r = Make(2);
  json::object j = ToJson(r);
  EXPECT_EQ(j.at("incidents").as_array().size(), 2u);
  EXPECT_EQ(j.at("incidents_not_listed").as_int64(), 3);
  std::string html = ToHtml(r);
  EXPECT_NE(html.find("3 more incidents are not listed here"), std::string::npos);
}

TEST(ReportFormat, SpansAndSharesReadLikeAPersonWrites) {
  EXPECT_EQ(FormatSpan(seconds(45)), "45s");
  EXPECT_EQ(FormatSpan(minutes(5)), "5m");
  EXPECT_EQ(FormatSpan(minutes(23) + seconds(45)), "23m 45s");
  EXPECT_EQ(FormatSpan(hours(2)), "2h");
  EXPECT_EQ(FormatSpan(hours(30)), "1d 6h");
  EXPECT_EQ(FormatSpan(std::nullopt), "-");
  EXPECT_EQ(FormatShare(0.5), "50.0%");
  EXPECT_FALSE(ParseFormat("docx"));
  EXPECT_NE(ParseFormat("docx").error().message.find("pdf, html, csv or json"), std::string::npos);
}

}  // namespace
}  // namespace im::report

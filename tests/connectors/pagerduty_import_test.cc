#include <map>

#include "core/email.h"
#include "pagerduty_fixture.h"

namespace im::connectors::testing {
namespace {

using namespace std::chrono_literals;

class PagerDutyImportTest : public PagerDutyFixture {
 protected:
  // For every simulated incident in the window: our linked incident matches it exactly.
  void ExpectMirrors(Time since) {
    auto sims = SimIncidents(since);
    ASSERT_FALSE(sims.empty());
    EXPECT_EQ(*connectors_->CountLinks("pd"), static_cast<int64_t>(sims.size()));
    for (const auto& s : sims) {
      auto n = connectors_->FindLinkedIncident("pd", s.id);
      ASSERT_TRUE(n && *n) << s.id;
      auto ours = db_->GetIncident(**n);
      ASSERT_TRUE(ours);
      EXPECT_EQ(ours->created_at, s.created_at) << s.id;
      EXPECT_EQ(ours->resolved_at, s.resolved_at) << s.id;
      std::optional<Time> first_ack;
      int notes = 0;
      for (const auto& e : s.log) {
        if (e.type == "acknowledge_log_entry" && !first_ack) first_ack = e.created_at;
        if (e.type == "annotate_log_entry" && !e.note.empty()) ++notes;
      }
      EXPECT_EQ(ours->acknowledged_at, first_ack) << s.id << " (first ack from log entries)";
      // PagerDuty's own first acknowledgement is kept beside im's, for reports.
      auto theirs = ours->custom_fields.find("pagerduty_acknowledged_at");
      if (first_ack) {
        ASSERT_NE(theirs, ours->custom_fields.end()) << s.id;
        EXPECT_EQ(theirs->second, FormatTime(*first_ack)) << s.id;
      } else {
        EXPECT_EQ(theirs, ours->custom_fields.end()) << s.id;
      }
      std::string status = s.status == "triggered"      ? "open"
                           : s.status == "acknowledged" ? "mitigated"
                                                        : "resolved";
      EXPECT_EQ(core::StatusName(ours->status), status) << s.id;
      EXPECT_EQ(core::UrgencyName(ours->urgency), s.urgency) << s.id;
      auto timeline = db_->GetTimeline(**n);
      int our_notes = 0;
      for (const auto& e : *timeline) our_notes += e.kind == core::EntryKind::kNote;
      EXPECT_EQ(our_notes, notes) << s.id;
    }
  }

  int64_t TimelineRows() {
    int64_t n = 0;
    auto all = db_->ListIncidents({});
    for (const auto& i : *all) n += static_cast<int64_t>(db_->GetTimeline(i.number)->size());
    return n;
  }
};

// PagerDuty service names (any text) become valid im service names, as readable as possible.
TEST(SanitizeServiceNameTest, EveryPagerDutyNameBecomesAValidServiceName) {
  struct Case {
    std::string pd, ours;
  };
  for (const auto& c : {Case{"API Gateway", "API Gateway"}, Case{"  Checkout ", "Checkout"},
                        Case{"_internal", "internal"}, Case{"Caf\xc3\xa9", "Caf--"},
                        Case{"a:b;c", "a-b-c"}, Case{"---", "pagerduty"}, Case{"", "pagerduty"},
                        Case{std::string(99, 'x') + " y", std::string(99, 'x')}}) {
    std::string got = pagerduty::SanitizeServiceName(c.pd);
    EXPECT_EQ(got, c.ours) << c.pd;
    EXPECT_TRUE(core::ValidateServiceName(got)) << got;
  }
}

TEST_F(PagerDutyImportTest, ImportsNinetyDaysExactlyAndTwiceIsOnce) {
  Start({.incidents = 300, .days = 120});
  Time since = clock_.Now() - std::chrono::days(90);
  auto report = Open()->Sync({});
  ASSERT_TRUE(report) << report.error().message;
  ExpectMirrors(since);
  auto stored = connectors_->Get("pd");
  EXPECT_TRUE(stored->import_done);
  EXPECT_EQ(stored->last_error, "");

  int64_t incidents = db_->ListIncidents({})->size();
  int64_t rows = TimelineRows();
  auto again = Open()->Sync({});
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(static_cast<int64_t>(db_->ListIncidents({})->size()), incidents);
  EXPECT_EQ(TimelineRows(), rows);
}

// PagerDuty's reference marks Accept and Content-Type required on every request; windows go
// in whole seconds even when im's clock has microseconds.
TEST_F(PagerDutyImportTest, RequestsCarryTheRequiredHeadersAndWholeSecondWindows) {
  Start({.incidents = 50, .days = 30});
  clock_.Advance(std::chrono::microseconds(123456));
  ASSERT_TRUE(Open()->Sync({}));
  clock_.Advance(std::chrono::minutes(7) + std::chrono::microseconds(654321));
  ASSERT_TRUE(Open()->Sync({}));  // polling: windows from the stored checkpoint
  size_t windows = 0;
  for (const auto& r : sim_->log().Since(0)) windows += r.target.find("since=") != r.target.npos;
  EXPECT_GT(windows, 4u);
  EXPECT_GT(ExpectWellFormedRequests(), windows);
}

// What the seed calls optional (an escalation policy; webhooks switched off) is not a failed
// check: `connector test` exits 0 for a connector set up as the document shows.
TEST_F(PagerDutyImportTest, OptionalSettingsLeftOutAreNotFailedChecks) {
  Start({.incidents = 5, .days = 30});
  auto checks = Open()->Test();
  auto find = [](const std::vector<Check>& all, const std::string& name) {
    for (const auto& c : all) {
      if (c.name == name) return c;
    }
    return Check{.name = "missing: " + name};
  };
  Check policy = find(checks, "escalation policy found");
  EXPECT_TRUE(policy.ok) << policy.detail;
  EXPECT_NE(policy.detail.find("optional"), std::string::npos) << policy.detail;
  ASSERT_TRUE(manager_->Update("pd", [](ConnectorConfig& c) -> Result<void> {
    EditSettings(c, [](pagerduty::Settings& s) { s.escalation_policy_id = "PNOSUCH"; });
    c.webhook_secrets.clear();
    return Ok();
  }));
  checks = Open()->Test();
  EXPECT_FALSE(find(checks, "escalation policy found").ok);  // set, and PagerDuty has no such
  EXPECT_FALSE(find(checks, "webhook endpoint configured").ok);
  ASSERT_TRUE(manager_->Update("pd", [](ConnectorConfig& c) -> Result<void> {
    c.enable_webhook = false;
    return Ok();
  }));
  Check webhook = find(Open()->Test(), "webhook endpoint configured");
  EXPECT_TRUE(webhook.ok) << webhook.detail;
  EXPECT_NE(webhook.detail.find("polling"), std::string::npos) << webhook.detail;
}

TEST_F(PagerDutyImportTest, StaysWithinTheRealRateLimit) {
  Start({.incidents = 3000, .days = 90, .rate_limit = true});
  Time start = clock_.Now();
  auto c = Open();
  auto report = c->Sync({});
  ASSERT_TRUE(report) << report.error().message;
  auto activity = connectors_->Activity("pd", Time{});
  ASSERT_TRUE(activity);
  EXPECT_EQ(activity->rate_limited, 0) << "the budget should keep us under 960/min";
  // The least time 960 requests a minute allow for this many requests (first minute is free).
  double minutes = std::max(0.0, (activity->api_calls - 960) / 960.0);
  double took = std::chrono::duration<double>(clock_.Now() - start).count() / 60.0;
  EXPECT_LE(took, minutes * 1.2 + 0.05) << activity->api_calls << " requests";
  ExpectMirrors(start - std::chrono::days(90));
}

TEST_F(PagerDutyImportTest, SlicesPastTheTenThousandOffsetCap) {
  Start({.incidents = 12000, .days = 20});
  auto report = Open()->Sync({});
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(*connectors_->CountLinks("pd"), 12000);
  auto activity = connectors_->Activity("pd", Time{});
  // Splitting costs one request per halving, not a hundred pages into the cap.
  EXPECT_LT(activity->api_calls, 12000 / 100 + report->log_entries / 100 + 40);
}

TEST_F(PagerDutyImportTest, RetriesBare429s5xxAndMalformedBodies) {
  Start({.incidents = 200, .days = 90});
  sim::Knobs knobs = sim_->knobs().Get();
  knobs.error_rate = 0.1;
  knobs.malformed_rate = 0.05;
  knobs.burst_429 = 3;
  knobs.bare_429 = true;
  sim_->knobs().Set(knobs);
  auto report = Open()->Sync({});
  ASSERT_TRUE(report) << ErrorCodeName(report.error().code) << ": " << report.error().message;
  auto activity = connectors_->Activity("pd", Time{});
  EXPECT_GT(activity->api_errors, 5);
  EXPECT_GE(activity->rate_limited, 3);
  ExpectMirrors(clock_.Now() - std::chrono::days(90));
}

TEST_F(PagerDutyImportTest, CancelledImportResumesWithNothingMissingOrDoubled) {
  Start({.incidents = 600, .days = 90});
  int windows = 0;
  auto first = Open()->Sync({.cancelled = [&] { return ++windows > 2; }});
  ASSERT_FALSE(first);
  auto mid = connectors_->Get("pd");
  ASSERT_TRUE(mid->import_checkpoint);
  EXPECT_FALSE(mid->import_done);
  auto second = Open()->Sync({});
  ASSERT_TRUE(second) << second.error().message;
  ExpectMirrors(clock_.Now() - std::chrono::days(90));
}

}  // namespace
}  // namespace im::connectors::testing

// The incident.io connector's import against the simulator on loopback: 90 days with their
// incident updates, status by category, test and tutorial incidents left out and counted,
// declined/canceled/merged kept and marked, private incidents by key access, severity mapping,
// on-call schedules, idempotent re-syncs, and polling catching a change within one interval.
#include "fakes/sqlite_query.h"
#include "incidentio_fixture.h"

namespace im::connectors::testing {
namespace {

class IncidentIoImport : public IncidentIoFixture {
 protected:
  int64_t Query(const std::string& sql) { return im::testing::QueryInt(dir_.File("im.db"), sql); }
};

TEST_F(IncidentIoImport, NinetyDaysImportByStatusCategoryThroughTheRateLimit) {
  Start({.incidents = 300, .rate_limit = true});
  Add();
  auto k = sim_->knobs().Get();
  k.burst_429 = 3;  // three 429s with Retry-After on the way
  sim_->knobs().Set(k);
  auto c = Open();
  auto report = c->Sync({});
  ASSERT_TRUE(report) << report.error().message;
  auto sim = SimIncidents(ImportStart());
  int64_t held = 0, left_out = 0, excluded = 0;
  std::set<std::string> categories;
  for (const auto& [id, s] : sim) {
    auto mine = Linked(id);
    if (s.mode == "test" || s.mode == "tutorial") {
      EXPECT_FALSE(mine) << id << " is a " << s.mode << " incident";
      ++left_out;
      continue;
    }
    ASSERT_TRUE(mine) << id << " (" << s.category << ", " << s.visibility << ", "
                      << FormatTime(s.updated_at) << ") was not imported";
    ++held;
    categories.insert(s.category);
    const auto& f = mine->custom_fields;
    EXPECT_EQ(f.at("incidentio_category"), s.category);
    if (s.category == "triage" || s.category == "live" || s.category == "paused" ||
        s.category == "under_review") {
      EXPECT_EQ(mine->status, core::Status::kOpen) << s.category;
    } else {
      EXPECT_EQ(mine->status,
                s.category == "learning" ? core::Status::kResolved : core::Status::kClosed)
          << s.category;
      EXPECT_TRUE(mine->resolved_at.has_value());
    }
    EXPECT_EQ(f.at("incidentio_paused"), s.category == "paused" ? "true" : "false");
    bool excluded_here =
        s.category == "declined" || s.category == "canceled" || s.category == "merged";
    excluded += excluded_here;
    EXPECT_EQ(f.at("mttr"), excluded_here ? "excluded" : "included");
    if (s.severity == "Critical") {
      EXPECT_EQ(mine->severity, core::Severity::kSev1);
    }
    if (s.severity == "Informational") {
      EXPECT_EQ(mine->severity, core::Severity::kSev4);
    }
  }
  EXPECT_GT(held, 200);
  EXPECT_GT(left_out, 0);
  for (const char* cat :
       {"live", "learning", "closed", "paused", "declined", "canceled", "merged", "under_review"}) {
    EXPECT_TRUE(categories.contains(cat)) << cat << " not among the imported incidents";
  }
  EXPECT_EQ(Query("SELECT count(*) FROM connector_links WHERE connector = 'iio'"), held);
  auto counts = c->counts();
  EXPECT_EQ(counts.left_out_test, left_out);
  EXPECT_EQ(counts.excluded_from_mttr, excluded);
  EXPECT_GE(counts.unknown_values, 1);
  // Services: from the "Affected services" catalog entries; im's catalog had none of them.
  EXPECT_EQ(counts.unmatched_services, 4);
  EXPECT_EQ(Query("SELECT count(*) FROM services WHERE name IN ('Payments-API', 'Checkout', "
                  "'Search', 'Identity')"),
            4);
  EXPECT_GT(Query("SELECT count(*) FROM incidents WHERE services LIKE '%Payments-API%'"), 0);
  EXPECT_GT(Query("SELECT count(*) FROM incidents WHERE services LIKE '%incidentio%'"), 0);
  // The rate limit was met (the burst) and waited out, not failed.
  EXPECT_GT(report->requests, held);
  EXPECT_EQ(Query("SELECT import_done FROM connectors WHERE name = 'iio'"), 1);
  // On-call: one im schedule per rotation layer of each incident.io schedule.
  EXPECT_EQ(Query("SELECT count(*) FROM oncall_schedules"), 2);
  // Escalation paths: page the schedule, then a person; repeated once.
  EXPECT_EQ(Query("SELECT count(*) FROM escalation_policies"), 2);
  auto policies = schedules_->ListPolicies();
  ASSERT_TRUE(policies);
  for (const auto& p : *policies) {
    ASSERT_EQ(p.policy.rules.size(), 2u) << p.policy.name;
    EXPECT_EQ(p.policy.rules[0].delay, std::chrono::minutes(5));
    ASSERT_EQ(p.policy.rules[0].targets.size(), 1u);
    EXPECT_EQ(p.policy.rules[0].targets[0].type, schedule::EscalationTarget::Type::kSchedule);
    EXPECT_TRUE(p.policy.rules[0].targets[0].id.starts_with("iio-iio-"));
    EXPECT_EQ(p.policy.rules[1].targets[0].type, schedule::EscalationTarget::Type::kUser);
    EXPECT_NE(p.policy.rules[1].targets[0].id.find('@'), std::string::npos);
    EXPECT_EQ(p.policy.num_loops, 1);
  }
  // Read-only: nothing is ever queued for incident.io.
  EXPECT_EQ(Query("SELECT count(*) FROM connector_outbox"), 0);
}

// 1,500 incidents need more requests than the 1,200 bucket holds: the import runs at the
// bucket's refill rate (20/s), within 1.2x of the least time it allows (fake time).
TEST_F(IncidentIoImport, ImportKeepsPaceWithTheTokenBucket) {
  Start({.incidents = 1500, .rate_limit = true});
  Add();
  Time start = clock_.Now();
  auto report = Open()->Sync({});
  ASSERT_TRUE(report) << report.error().message;
  const double took = std::chrono::duration<double>(clock_.Now() - start).count();
  const double least = std::max<double>(0, static_cast<double>(report->requests) - 1200) / 20;
  EXPECT_GT(least, 0) << report->requests << " requests fit the bucket: no pacing tested";
  EXPECT_LE(took, 1.2 * least + 1)
      << report->requests << " requests took " << took << " s; the bucket allows " << least << " s";
  auto activity = connectors_->Activity("iio", Time{});
  ASSERT_TRUE(activity);
  EXPECT_EQ(activity->rate_limited, 0) << "the local budget kept the key under the limit";
  std::cout << "[ metric ] incidentio import: " << report->requests << " requests, " << took
            << " s simulated, least " << least << " s (" << report->incidents << " incidents)\n";
}

// Declined, canceled and merged incidents are kept, marked, and left out of the DORA facts
// (MTTA, MTTR, open incidents); the rest are all in them.
TEST_F(IncidentIoImport, DeclinedCanceledAndMergedAreLeftOutOfMttr) {
  Start({.incidents = 300});
  Add();
  ASSERT_TRUE(Open()->Sync({}));
  int64_t excluded = Query("SELECT count(*) FROM incidents WHERE in_metrics = 0");
  EXPECT_GT(excluded, 0);
  EXPECT_EQ(excluded, Query("SELECT count(*) FROM incidents WHERE custom_fields LIKE "
                            "'%\"mttr\":\"excluded\"%'"));
  store::DeploymentStore& deployments = *stores_.deployments;
  auto facts = deployments.Facts({.since = ImportStart(), .until = clock_.Now()});
  ASSERT_TRUE(facts) << facts.error().message;
  std::set<int64_t> in_facts;
  for (const auto& f : facts->resolved) in_facts.insert(f.number);
  for (const auto& f : facts->open_at_end) in_facts.insert(f.number);
  int64_t resolved_kept = 0;
  for (const auto& [id, s] : SimIncidents(ImportStart())) {
    auto mine = Linked(id);
    if (!mine) continue;
    bool out = s.category == "declined" || s.category == "canceled" || s.category == "merged";
    EXPECT_EQ(mine->in_metrics, !out) << s.category;
    if (out) {
      EXPECT_FALSE(in_facts.contains(mine->number)) << s.category << " counted in MTTR";
    } else if (mine->resolved_at) {
      EXPECT_TRUE(in_facts.contains(mine->number)) << s.category << " left out of MTTR";
      ++resolved_kept;
    }
  }
  EXPECT_GT(resolved_kept, 100);
}

TEST_F(IncidentIoImport, TimesComeFromTheIncidentUpdates) {
  Start({.incidents = 120});
  Add();
  auto c = Open();
  ASSERT_TRUE(c->Sync({}));
  std::lock_guard lock(sim_->state().mu);
  const auto& w = sim_->state().world;
  int checked = 0;
  for (const auto& i : w.incidents) {
    const auto* st = w.FindStatus(i.status_id);
    if (!st || st->category != "closed" || i.mode != "standard") continue;
    std::optional<Time> live, fixed, closed;
    for (const auto& u : w.updates) {
      if (u.incident_id != i.id) continue;
      const auto* us = w.FindStatus(u.status_id);
      if (us && us->category == "live" && !live) live = u.created_at;
      if (us && us->category == "learning" && !fixed) fixed = u.created_at;
      if (us && us->category == "closed" && !closed) closed = u.created_at;
    }
    auto mine = Linked(i.id);
    ASSERT_TRUE(mine);
    ASSERT_TRUE(live && fixed);
    EXPECT_EQ(mine->acknowledged_at, live);
    EXPECT_EQ(mine->resolved_at, fixed);
    EXPECT_EQ(mine->status, core::Status::kClosed);
    EXPECT_EQ(mine->closed_at, closed);
    EXPECT_EQ(mine->created_at, i.created_at);
    ++checked;
  }
  EXPECT_GT(checked, 10);
}

TEST_F(IncidentIoImport, ImportingAgainChangesNothing) {
  Start({.incidents = 150});
  Add();
  auto c = Open();
  ASSERT_TRUE(c->Sync({}));
  int64_t incidents = Query("SELECT count(*) FROM incidents");
  int64_t rows = Query("SELECT count(*) FROM timeline");
  clock_.Advance(std::chrono::minutes(6));
  ASSERT_TRUE(c->Sync({}));
  ASSERT_TRUE(Open()->Sync({}));
  EXPECT_EQ(Query("SELECT count(*) FROM incidents"), incidents);
  EXPECT_EQ(Query("SELECT count(*) FROM timeline"), rows);
  EXPECT_EQ(Query("SELECT count(*) FROM (SELECT incident FROM timeline WHERE kind = 'declared' "
                  "GROUP BY incident HAVING count(*) > 1) AS d"),
            0);
}

TEST_F(IncidentIoImport, WithoutWebhooksPollingCatchesAChangeWithinOneInterval) {
  Start({.incidents = 60});
  Add({{"enable_webhook", false}});
  auto c = Open();
  ASSERT_TRUE(c->Sync({}));
  // A change in incident.io a minute later, with webhooks off.
  std::string id, closed;
  {
    std::lock_guard lock(sim_->state().mu);
    auto& w = sim_->state().world;
    for (const auto& s : w.statuses) {
      if (s.category == "closed") closed = s.id;
    }
    for (auto& i : w.incidents) {
      const auto* st = w.FindStatus(i.status_id);
      if (st && st->category == "live" && i.mode == "standard" && i.visibility == "public") {
        id = i.id;
      }
    }
    ASSERT_FALSE(id.empty());
    clock_.Advance(std::chrono::minutes(1));
    sim_->state().ChangeStatusLocked(*w.FindIncident(id), closed, w.users[0].id, clock_.Now(),
                                     "All fixed");
  }
  ASSERT_EQ(Linked(id)->status, core::Status::kOpen);
  clock_.Advance(std::chrono::minutes(5));  // one sync_interval
  ASSERT_TRUE(c->Sync({}));
  auto mine = Linked(id);
  ASSERT_TRUE(mine);
  EXPECT_EQ(mine->status, core::Status::kClosed);
  EXPECT_EQ(mine->custom_fields.at("incidentio_category"), "closed");
  EXPECT_EQ(Query("SELECT count(*) FROM timeline WHERE message LIKE '%All fixed%'"), 1);
}

TEST_F(IncidentIoImport, AKeyWithoutPrivateAccessLeavesPrivateIncidentsOut) {
  Start({.incidents = 200, .private_access = false});
  Add();
  ASSERT_TRUE(Open()->Sync({}));
  int privates = 0;
  for (const auto& [id, s] : SimIncidents(ImportStart())) {
    if (s.visibility != "private") continue;
    ++privates;
    EXPECT_FALSE(Linked(id)) << "private incident " << id << " read without access";
  }
  EXPECT_GT(privates, 0);
}

TEST_F(IncidentIoImport, SeveritiesMapByNameThenRankAndByConfig) {
  incidentio::Settings s;
  std::vector<incidentio::IioSeverity> org = {{"a", "Sev 0", 5},
                                              {"b", "Sev 1", 4},
                                              {"c", "Sev 2", 3},
                                              {"d", "Sev 3", 2},
                                              {"e", "Sev 4", 1}};
  auto of = [&](const std::string& name, int64_t rank) {
    return incidentio::SeverityFor(incidentio::IioSeverity{"x", name, rank}, org, s);
  };
  EXPECT_EQ(of("Critical", 1), core::Severity::kSev1);  // the name wins over the rank
  EXPECT_EQ(of("major", 9), core::Severity::kSev2);
  EXPECT_EQ(of("Sev 0", 5), core::Severity::kSev1);
  EXPECT_EQ(of("Sev 1", 4), core::Severity::kSev1);
  EXPECT_EQ(of("Sev 2", 3), core::Severity::kSev2);
  EXPECT_EQ(of("Sev 4", 1), core::Severity::kSev4);
  s.severity_mapping["Sev 1"] = core::Severity::kSev2;
  EXPECT_EQ(of("Sev 1", 4), core::Severity::kSev2);
  EXPECT_EQ(incidentio::SeverityFor(std::nullopt, org, s), core::Severity::kSev3);
}

TEST_F(IncidentIoImport, MitigatedStatusesAreConfigurable) {
  Start({.incidents = 200});
  Add({{"custom", json::object{{"mitigated_statuses", json::array{"Monitoring"}}}}});
  ASSERT_TRUE(Open()->Sync({}));
  int monitoring = 0;
  for (const auto& [id, s] : SimIncidents(ImportStart())) {
    if (s.mode != "standard" || s.status_name != "Monitoring") continue;
    ++monitoring;
    auto mine = Linked(id);
    ASSERT_TRUE(mine);
    EXPECT_EQ(mine->status, core::Status::kMitigated);
  }
  EXPECT_GT(monitoring, 0);
}

}  // namespace
}  // namespace im::connectors::testing

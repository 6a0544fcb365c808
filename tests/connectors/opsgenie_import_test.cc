#include "connectors/opsgenie/opsgenie_connector.h"
#include "opsgenie_fixture.h"
#include "sim/opsgenie/actions.h"

namespace im::connectors::testing {
namespace {

class OpsgenieImport : public OpsgenieFixture {
 protected:
  core::Incident Linked(const std::string& key) {
    auto n = connectors_->FindLinkedIncident("og", key);
    EXPECT_TRUE(n && *n) << key;
    auto i = db_->GetIncident(n && *n ? **n : 0);
    EXPECT_TRUE(i) << key;
    return i ? *i : core::Incident{};
  }
  int64_t Total() {
    auto counts = db_->CountIncidents();
    EXPECT_TRUE(counts);
    int64_t n = 0;
    if (counts) {
      for (const auto& [status, by] : counts->by_status_severity) {
        for (const auto& [sev, k] : by) n += k;
      }
    }
    return n;
  }
  int64_t Links() {
    auto n = connectors_->CountLinks("og");
    EXPECT_TRUE(n);
    return n ? *n : -1;
  }
};

TEST_F(OpsgenieImport, ImportsIncidentsAndAlertsUnderRateLimitsOnceOnly) {
  Start({.alerts = 300, .rate_limit = true});
  Add();
  auto c = Open();
  auto r = c->Sync({});
  ASSERT_TRUE(r) << r.error().message;
  auto activity = connectors_->Activity("og", Time{});
  ASSERT_TRUE(activity);
  EXPECT_GT(activity->rate_limited, 0);  // Opsgenie's 429s were met, waited out and retried
  auto [alerts, incidents, responder] = SimCounts(*us_.sim, ImportStart());
  ASSERT_GT(incidents, 0u);
  ASSERT_GT(responder, 0u);
  EXPECT_EQ(Links(), static_cast<int64_t>(alerts + incidents));
  // Every alert's times are Opsgenie's: created, first acknowledgement, close (ms after).
  int acknowledged = 0;
  {
    std::lock_guard lock(us_.sim->state().mu);
    int checked = 0;
    for (const auto& a : us_.sim->state().world.alerts) {
      if (a.created_at < ImportStart() || !a.incident_id.empty() || checked++ > 40) continue;
      core::Incident i = Linked(opsgenie::AlertKey(a.id));
      EXPECT_EQ(i.created_at, a.created_at);
      EXPECT_EQ(i.source, "opsgenie:og");
      EXPECT_EQ(i.acknowledged_at, a.acked_at) << a.id;
      EXPECT_EQ(i.custom_fields["opsgenie_acknowledged_at"],
                a.acked_at ? FormatTime(*a.acked_at) : "")
          << a.id;
      if (a.status == "closed") {
        EXPECT_EQ(i.resolved_at, a.closed_at) << a.id;
      } else {
        EXPECT_FALSE(i.resolved_at.has_value());
      }
    }
    for (const auto& inc : us_.sim->state().world.incidents) {
      if (inc.created_at < ImportStart()) continue;
      core::Incident i = Linked(opsgenie::IncidentKey(inc.id));
      EXPECT_EQ(i.title, inc.message);
      EXPECT_EQ(i.status == core::Status::kOpen, inc.status == "open") << inc.id;
      // Its responder alerts are part of it, and the first of them acknowledged is its MTTA.
      std::optional<Time> first_ack;
      for (const auto& id : inc.responder_alert_ids) {
        EXPECT_EQ(Linked(opsgenie::AlertKey(id)).number, i.number) << id;
        const auto* a = us_.sim->state().world.FindAlert(id, "id");
        ASSERT_NE(a, nullptr);
        if (a->acked_at && (!first_ack || *a->acked_at < *first_ack)) first_ack = a->acked_at;
      }
      EXPECT_EQ(i.acknowledged_at, first_ack) << inc.id;
      acknowledged += first_ack.has_value();
    }
  }
  EXPECT_GT(acknowledged, 0);
  // Importing again (a new history run from scratch) changes nothing.
  int64_t total = Total();
  EXPECT_EQ(total, static_cast<int64_t>(alerts + incidents - responder));
  ASSERT_TRUE(connectors_->SetCheckpoint("og", ImportStart(), false));
  ASSERT_TRUE(Open()->Sync({}));
  EXPECT_EQ(Links(), static_cast<int64_t>(alerts + incidents));
  EXPECT_EQ(Total(), total);
}

// Opsgenie may hold a request instead of refusing it, and answer it with X-RateLimit-State:
// THROTTLED: that answer is a result, kept once, and the key's budget then waits out the period.
TEST_F(OpsgenieImport, ThrottlingByDelayIsAResultAndSlowsTheKeyDown) {
  Start({.alerts = 300, .rate_limit = true});
  auto k = us_.sim->knobs().Get();
  k.throttle_by_delay = true;
  us_.sim->knobs().Set(k);
  Add();
  auto r = Open()->Sync({});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_GT(holds_.load(), 0);  // the simulator did hold requests
  for (const auto& req : us_.sim->log().Since(0)) {
    EXPECT_NE(req.status, 429) << req.target;  // it never refused one
  }
  auto activity = connectors_->Activity("og", Time{});
  ASSERT_TRUE(activity);
  EXPECT_EQ(activity->api_errors, 0);
  EXPECT_EQ(activity->rate_limited, 0);  // nothing was refused, so nothing was sent again
  auto [alerts, incidents, responder] = SimCounts(*us_.sim, ImportStart());
  EXPECT_EQ(Links(), static_cast<int64_t>(alerts + incidents));
  EXPECT_EQ(Total(), static_cast<int64_t>(alerts + incidents - responder));
  // Each held answer emptied the budget: the requests after it waited, so the simulator held
  // far fewer requests than the import made.
  EXPECT_LT(holds_.load(), r->requests / 2) << r->requests;
}

TEST_F(OpsgenieImport, PollingPicksUpAnAlertClosedSinceTheImport) {
  Start({.alerts = 60});
  Add();
  ASSERT_TRUE(Open()->Sync({}));
  std::string id;
  {
    std::lock_guard lock(us_.sim->state().mu);
    auto& w = us_.sim->state().world;
    for (auto& a : w.alerts) {
      if (a.status == "open" && a.incident_id.empty()) {
        clock_.Advance(std::chrono::minutes(10));
        ASSERT_TRUE(sim::opsgenie::CloseAlert(w, a, "", "", clock_.Now()));
        id = a.id;
        break;
      }
    }
  }
  ASSERT_FALSE(id.empty());
  clock_.Advance(std::chrono::minutes(5));
  ASSERT_TRUE(Open()->Sync({}));
  EXPECT_EQ(Linked(opsgenie::AlertKey(id)).status, core::Status::kResolved);
}

TEST_F(OpsgenieImport, AnAlertOpenedAndClosedTwiceIsTwoIncidentsWithTheirOwnTimes) {
  Start({.alerts = 10});
  Time t0 = clock_.Now() - std::chrono::days(3);
  std::vector<std::pair<Time, Time>> spans = {
      {t0, t0 + std::chrono::minutes(20)},
      {t0 + std::chrono::hours(2), t0 + std::chrono::hours(2) + std::chrono::minutes(45)}};
  std::vector<std::string> ids;
  {
    std::lock_guard lock(us_.sim->state().mu);
    auto& st = us_.sim->state();
    for (auto [open, close] : spans) {
      sim::opsgenie::AlertDraft d;
      d.message = "Disk full on db-1";
      d.alias = "disk-full-db-1";
      d.priority = "P2";
      auto out = sim::opsgenie::CreateAlert(st.world, st.rng, d, open);
      ASSERT_TRUE(out.created);
      ids.push_back(out.alert->id);
      ASSERT_TRUE(sim::opsgenie::CloseAlert(st.world, *out.alert, "", "", close));
    }
  }
  Add();
  ASSERT_TRUE(Open()->Sync({}));
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_NE(ids[0], ids[1]);
  for (size_t k = 0; k < 2; ++k) {
    core::Incident i = Linked(opsgenie::AlertKey(ids[k]));
    EXPECT_EQ(i.created_at, spans[k].first);
    EXPECT_EQ(i.resolved_at, spans[k].second);
    EXPECT_EQ(i.severity, core::Severity::kSev2);
    EXPECT_EQ(i.custom_fields["opsgenie_alias"], "disk-full-db-1");
  }
  EXPECT_NE(Linked(opsgenie::AlertKey(ids[0])).number, Linked(opsgenie::AlertKey(ids[1])).number);
}

TEST_F(OpsgenieImport, IncidentNotesAndUpdatesReachTheTimelineOnce) {
  Start({.alerts = 10});
  std::string id;
  Time at = clock_.Now() - std::chrono::hours(5);
  {
    std::lock_guard lock(us_.sim->state().mu);
    auto& st = us_.sim->state();
    sim::opsgenie::IncidentDraft d;
    d.message = "Search slow";
    d.service_id = st.world.services.front().id;
    std::string user = st.world.users.front().username;
    auto& inc = sim::opsgenie::CreateIncident(st.world, st.rng, d, user, at);
    id = inc.id;
    sim::opsgenie::AddIncidentNote(st.rng, inc, user, "Index rebuild started",
                                   at + std::chrono::minutes(10));
    sim::opsgenie::AddTimelineEntry(
        st.rng, inc,
        {"", "custom", "CustomUserEntry", "Status page", "Investigating", "API", "user",
         at + std::chrono::minutes(12), false});
  }
  Add();
  ASSERT_TRUE(Open()->Sync({}));
  core::Incident i = Linked(opsgenie::IncidentKey(id));
  auto notes = [&] {
    std::vector<std::pair<std::string, std::string>> out;
    auto timeline = db_->GetTimeline(i.number);
    EXPECT_TRUE(timeline);
    for (const auto& e : timeline ? *timeline : std::vector<core::TimelineEntry>{}) {
      if (e.kind == core::EntryKind::kNote) out.emplace_back(e.message, e.actor);
    }
    return out;
  };
  auto first = notes();
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].first, "Index rebuild started");
  EXPECT_EQ(first[0].second.find('@') != std::string::npos, true) << first[0].second;
  EXPECT_EQ(first[1].first, "Status page: Investigating");
  ASSERT_TRUE(connectors_->SetCheckpoint("og", ImportStart(), false));
  ASSERT_TRUE(Open()->Sync({}));
  EXPECT_EQ(notes(), first);
}

TEST_F(OpsgenieImport, ACancelledImportResumesWithNothingMissingOrDoubled) {
  Start({.alerts = 300});
  Add();
  int slices = 0;
  SyncOptions first;
  first.cancelled = [&] { return ++slices > 3; };
  auto r = Open()->Sync(first);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  auto stored = connectors_->Get("og");
  ASSERT_TRUE(stored);
  EXPECT_FALSE(stored->import_done);
  ASSERT_TRUE(stored->import_checkpoint.has_value());
  auto [alerts, incidents, responder] = SimCounts(*us_.sim, ImportStart());
  EXPECT_LT(Links(), static_cast<int64_t>(alerts + incidents));
  ASSERT_TRUE(Open()->Sync({}));
  EXPECT_EQ(Links(), static_cast<int64_t>(alerts + incidents));
  EXPECT_EQ(Total(), static_cast<int64_t>(alerts + incidents - responder));
  stored = connectors_->Get("og");
  ASSERT_TRUE(stored);
  EXPECT_TRUE(stored->import_done);
}

TEST_F(OpsgenieImport, EuRegionKeyWorksOnEuAndTestNamesTheRegionOnUs) {
  Start({.alerts = 50, .key_region = "eu", .region = "eu"});
  Add("us");
  auto checks = Open()->Test();
  bool told = false;
  for (const auto& c : checks) {
    if (c.name == "region right") {
      EXPECT_FALSE(c.ok);
      told =
          c.detail.find("this key belongs to the EU region, set region: eu") != std::string::npos;
    }
  }
  EXPECT_TRUE(told);
  ASSERT_TRUE(manager_->Remove("og"));
  Add("eu");
  auto c = Open();
  for (const auto& check : c->Test()) EXPECT_TRUE(check.ok) << check.name << ": " << check.detail;
  ASSERT_TRUE(c->Sync({}));
  auto n = SimCounts(*eu_.sim, ImportStart());
  EXPECT_EQ(Links(), static_cast<int64_t>(n.alerts + n.incidents));
}

TEST_F(OpsgenieImport, WithoutTheIncidentApiItImportsAlertsOnlyAndSaysSo) {
  Start({.alerts = 100});
  auto k = us_.sim->knobs().Get();
  k.incident_api = false;
  us_.sim->knobs().Set(k);
  Add();
  auto c = Open();
  bool said = false;
  for (const auto& check : c->Test()) {
    if (check.name == "Incident API available") {
      EXPECT_TRUE(check.ok);
      said = check.detail.find("falls back to alerts only") != std::string::npos;
    }
  }
  EXPECT_TRUE(said);
  auto r = c->Sync({});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(c->incident_api());
  // Without incidents, their responder alerts are incidents of their own.
  auto n = SimCounts(*us_.sim, ImportStart());
  EXPECT_EQ(Links(), static_cast<int64_t>(n.alerts));
  EXPECT_EQ(Total(), static_cast<int64_t>(n.alerts));
}

TEST_F(OpsgenieImport, ATeamScopedKeyImportsItsTeamAndTestSaysSo) {
  Start({.alerts = 10});  // only to learn the team ids
  std::string team;
  {
    std::lock_guard lock(us_.sim->state().mu);
    team = us_.sim->state().world.teams.front().id;
  }
  us_.sim->keys().Set({{.key = kKey, .team = team}});
  Add();
  auto c = Open();
  bool scoped = false;
  for (const auto& check : c->Test()) {
    if (check.name == "teams visible to the key") {
      scoped = check.detail.find("scoped to team") != std::string::npos;
    }
  }
  EXPECT_TRUE(scoped);
  ASSERT_TRUE(c->Sync({}));
  auto n = SimCounts(*us_.sim, ImportStart(), team);
  EXPECT_EQ(Links(), static_cast<int64_t>(n.alerts + n.incidents));
  EXPECT_EQ(Total(), static_cast<int64_t>(n.alerts + n.incidents - n.responder));
}

}  // namespace
}  // namespace im::connectors::testing

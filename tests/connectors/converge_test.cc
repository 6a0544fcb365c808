#include "connectors/converge.h"

#include <gtest/gtest.h>

#include "common/time.h"
#include "core/lifecycle.h"

namespace im::connectors {
namespace {

using namespace std::chrono_literals;

const Time kT0 = *ParseTime("2026-11-22T10:00:00Z");

ObservedIncident Observed(core::Status status) {
  return ObservedIncident{.provider = "Acme",
                          .source = "acme",
                          .external_id = "A1",
                          .key_prefix = "acme:A1",
                          .label = "Acme alert #1 (A1)",
                          .title = "Disk full",
                          .severity = core::Severity::kSev2,
                          .service = "storage",
                          .status = status,
                          .created_at = kT0,
                          .fallback_actor = "acme@ac.connector"};
}

std::vector<core::EntryKind> Kinds(const store::ProviderUpdate& u) {
  std::vector<core::EntryKind> out;
  for (const auto& e : u.entries) out.push_back(e.kind);
  return out;
}

TEST(ConvergeTest, ANewResolvedIncidentIsDeclaredAndResolvedAtTheProvidersTimes) {
  ObservedIncident o = Observed(core::Status::kResolved);
  o.acknowledged_at = kT0 + 3min;
  o.acknowledged_by = "bob@example.com";
  o.resolved_at = kT0 + 40min;
  auto u = Converge(o, std::nullopt, "ac", std::nullopt);
  EXPECT_EQ(Kinds(u), (std::vector{core::EntryKind::kDeclared, core::EntryKind::kResolved}));
  EXPECT_EQ(u.incident.status, core::Status::kResolved);
  EXPECT_EQ(u.incident.source, "acme:ac");
  EXPECT_EQ(u.incident.created_at, kT0);
  EXPECT_EQ(u.incident.acknowledged_at, kT0 + 3min);  // MTTA from the provider's record
  EXPECT_EQ(u.incident.acknowledged_by, "bob@example.com");
  EXPECT_EQ(u.incident.resolved_at, kT0 + 40min);
  EXPECT_EQ(u.entries[1].message, "resolved in Acme");
  EXPECT_EQ(u.entries[1].external_key, "acme:A1:resolved:2026-11-22T10:40:00Z");
  EXPECT_EQ(u.services_to_ensure, std::vector<std::string>{"storage"});
}

TEST(ConvergeTest, EachObservedStateIsReachedThroughTheLifecycle) {
  auto opened = Converge(Observed(core::Status::kOpen), std::nullopt, "ac", std::nullopt).incident;
  opened.number = 9;
  opened.version = 1;
  // Acknowledged by someone whose name is not an email im takes: the connector acts.
  ObservedIncident acked = Observed(core::Status::kMitigated);
  acked.acknowledged_by = "not an email";
  auto u = Converge(acked, opened, "ac", kT0 + 5min);
  EXPECT_EQ(Kinds(u), std::vector{core::EntryKind::kAcknowledged});
  EXPECT_EQ(u.entries[0].actor, "acme@ac.connector");
  EXPECT_EQ(u.incident.status, core::Status::kMitigated);
  EXPECT_EQ(u.incident.acknowledged_at, kT0 + 5min);
  EXPECT_EQ(u.incident.version, 2);  // one update, one version
  // Back to open at the provider: unacknowledged, the first acknowledgement kept.
  auto back = Converge(Observed(core::Status::kOpen), u.incident, "ac", kT0 + 10min);
  EXPECT_EQ(Kinds(back), std::vector{core::EntryKind::kStatusChange});
  EXPECT_EQ(back.incident.status, core::Status::kOpen);
  EXPECT_EQ(back.incident.acknowledged_at, kT0 + 5min);
  // Resolved, then acknowledged again at the provider: reopened, then acknowledged.
  auto resolved = Converge(Observed(core::Status::kResolved), back.incident, "ac", kT0 + 20min);
  EXPECT_EQ(resolved.incident.resolved_at, kT0 + 20min);
  EXPECT_TRUE(resolved.incident.resolved_by.empty());  // nobody named
  auto again = Converge(acked, resolved.incident, "ac", kT0 + 30min);
  EXPECT_EQ(Kinds(again),
            (std::vector{core::EntryKind::kReopened, core::EntryKind::kAcknowledged}));
  EXPECT_EQ(again.incident.status, core::Status::kMitigated);
  EXPECT_FALSE(again.incident.resolved_at);
  EXPECT_EQ(again.incident.version, resolved.incident.version + 1);
  // The same state again changes no status and records nothing.
  auto same = Converge(acked, again.incident, "ac", kT0 + 31min);
  EXPECT_TRUE(same.entries.empty());
}

TEST(ConvergeTest, AClosedObservationResolvesThenClosesAtTheProvidersTimes) {
  ObservedIncident o = Observed(core::Status::kClosed);
  o.resolved_at = kT0 + 40min;
  o.closed_at = kT0 + 2h;
  auto u = Converge(o, std::nullopt, "ac", kT0 + 3h);
  EXPECT_EQ(u.incident.status, core::Status::kClosed);
  EXPECT_EQ(u.incident.resolved_at, kT0 + 40min);
  EXPECT_EQ(u.incident.closed_at, kT0 + 2h);
  // Seen again: nothing more to do, and a reopen from closed works.
  auto again = Converge(o, u.incident, "ac", kT0 + 4h);
  EXPECT_EQ(again.incident.closed_at, kT0 + 2h);
  auto reopened = Converge(Observed(core::Status::kOpen), again.incident, "ac", kT0 + 5h);
  EXPECT_EQ(reopened.incident.status, core::Status::kOpen);
}

TEST(ConvergeTest, AnIncidentDeclaredInImKeepsItsOwnTitleAndSeverity) {
  auto declared = core::Declare(
      {.title = "Checkout down", .severity = core::Severity::kSev1, .services = {"checkout"}},
      core::Actor{.email = "alice@example.com"}, kT0);
  ASSERT_TRUE(declared);
  core::Incident ours = declared->incident;
  ours.number = 3;
  auto u = Converge(Observed(core::Status::kMitigated), ours, "ac", kT0 + 2min);
  EXPECT_EQ(u.incident.title, "Checkout down");
  EXPECT_EQ(u.incident.severity, core::Severity::kSev1);
  EXPECT_EQ(u.incident.status, core::Status::kMitigated);
  EXPECT_EQ(u.incident.services, std::vector<std::string>{"checkout"});
}

}  // namespace
}  // namespace im::connectors

// Two instances (two sets of stores, each with its own connections) on one PostgreSQL database
// doing the same thing at the same moment, for the connector and deployment stores, whose
// SQLite versions were made safe by SQLite's single writer.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "common/time.h"
#include "core/lifecycle.h"
#include "fakes/fake_clock.h"
#include "fakes/pg_server.h"
#include "store/open.h"

namespace im::store {
namespace {

const Time kI0 = *ParseTime("2026-11-22T10:00:00Z");

class PgInstancesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& server = im::testing::PgServer::Shared();
    std::string url = server.NewDatabase();
    ASSERT_TRUE(server.ready()) << server.error();
    for (Stores* s : {&a_, &b_}) {
      auto opened = Open(url, {}, clock_);
      ASSERT_TRUE(opened) << opened.error().message;
      *s = std::move(*opened);
    }
  }
  im::testing::FakeClock clock_{kI0};
  Stores a_, b_;
};

// Runs `fn(stores, k)` for k in [0, n) on both instances at once.
template <typename Fn>
void BothAtOnce(Stores& a, Stores& b, int n, Fn fn) {
  std::thread ta([&] {
    for (int k = 0; k < n; ++k) fn(a, k);
  });
  std::thread tb([&] {
    for (int k = 0; k < n; ++k) fn(b, k);
  });
  ta.join();
  tb.join();
}

TEST_F(PgInstancesTest, OneProviderIncidentAppliedByBothCreatesOneIncident) {
  ASSERT_TRUE(
      a_.connectors->Add({.name = "pd", .type = "pagerduty", .config = "{}", .created_at = kI0}));
  std::atomic<int> failures{0};
  BothAtOnce(a_, b_, 15, [&](Stores& s, int k) {
    std::string external = "P" + std::to_string(k);
    auto r = s.connectors->ApplyProviderIncident(
        "pd", external, std::nullopt, [&](const LinkedIncident& linked) -> Result<ProviderUpdate> {
          ProviderUpdate u;
          if (linked.incident) {
            u.incident = *linked.incident;
            u.incident.version++;
          } else {
            auto c = core::Declare({.title = external, .services = {"api"}},
                                   core::Actor{.email = "system"}, kI0);
            if (!c) return std::unexpected(c.error());
            u.incident = c->incident;
            u.incident.source = "pagerduty:pd";
            u.services_to_ensure = {"api"};
          }
          return u;
        });
    if (!r) failures++;
  });
  EXPECT_EQ(failures, 0);
  auto incidents = a_.main->ListIncidents({});
  ASSERT_TRUE(incidents);
  EXPECT_EQ(incidents->size(), 15u);  // one per provider incident, not two
  EXPECT_EQ(*a_.connectors->CountLinks("pd"), 15);
  for (const auto& i : *incidents) {
    EXPECT_EQ(i.version, 2) << i.title;  // each applied twice, the second on the first's result
    EXPECT_EQ(i.synced_with, "pd");
  }
}

TEST_F(PgInstancesTest, OneWebhookEventDeliveredToBothIsAppliedOnce) {
  ASSERT_TRUE(
      a_.connectors->Add({.name = "pd", .type = "pagerduty", .config = "{}", .created_at = kI0}));
  std::atomic<int> applied{0}, duplicates{0}, other{0};
  BothAtOnce(a_, b_, 10, [&](Stores& s, int k) {
    WebhookEventRecord e{.event_id = "E" + std::to_string(k),
                         .webhook_id = "W",
                         .event_type = "incident.triggered",
                         .occurred_at = kI0,
                         .resource_id = "P1",
                         .received_at = kI0};
    auto r = s.connectors->ApplyProviderIncident(
        "pd", "P1", e, [&](const LinkedIncident& linked) -> Result<ProviderUpdate> {
          ProviderUpdate u;
          if (linked.incident) {
            u.incident = *linked.incident;
          } else {
            auto c = core::Declare({.title = "P1", .services = {"api"}},
                                   core::Actor{.email = "system"}, kI0);
            if (!c) return std::unexpected(c.error());
            u.incident = c->incident;
          }
          u.incident.version++;
          return u;
        });
    if (r) {
      applied++;
    } else if (r.error().code == ErrorCode::kAlreadyExists) {
      duplicates++;
    } else {
      other++;
    }
  });
  EXPECT_EQ(applied, 10);
  EXPECT_EQ(duplicates, 10);
  EXPECT_EQ(other, 0);
  auto incidents = a_.main->ListIncidents({});
  ASSERT_EQ(incidents->size(), 1u);
  EXPECT_EQ((*incidents)[0].version, 11);  // declared at 1, then each event once
  auto activity = b_.connectors->Activity("pd", kI0 - std::chrono::hours(1));
  ASSERT_TRUE(activity);
  EXPECT_EQ(activity->webhook_events, 10);
}

TEST_F(PgInstancesTest, OneDeploymentRecordedByBothIsStoredOnceAndAttributedOnce) {
  // An incident the deployment will be attributed to.
  auto c = core::Declare({.title = "after deploy", .services = {"api"}},
                         core::Actor{.email = "system"}, kI0 + std::chrono::minutes(10));
  ASSERT_TRUE(a_.main->Transact([&](Tx& tx) -> Result<void> {
    auto n = tx.InsertIncident(c->incident);
    if (!n) return std::unexpected(n.error());
    return Ok();
  }));
  std::atomic<int> created{0}, failures{0};
  BothAtOnce(a_, b_, 10, [&](Stores& s, int k) {
    auto r = s.deployments->Record(dora::Deployment{.id = "d-" + std::to_string(k),
                                                    .service = "api",
                                                    .triggered_at = kI0 + std::chrono::seconds(k),
                                                    .source = "cli",
                                                    .received_at = kI0});
    if (!r) {
      failures++;
    } else if (r->created) {
      created++;
    }
  });
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(created, 10);
  auto list = b_.deployments->List({.limit = 0});
  ASSERT_TRUE(list);
  EXPECT_EQ(list->size(), 10u);
  auto attribution = a_.deployments->AttributionOf(1);
  ASSERT_TRUE(attribution && *attribution) << (attribution ? "none" : attribution.error().message);
  EXPECT_EQ((*attribution)->deployment_id, "d-9");  // the latest before the incident
  // Each deployment's incident count matches the attributions: one incident in total.
  auto facts = a_.deployments->Facts(
      {.since = kI0 - std::chrono::hours(1), .until = kI0 + std::chrono::hours(1)});
  ASSERT_TRUE(facts) << facts.error().message;
  int64_t counted = 0;
  for (const auto& d : facts->deployments) counted += d.incidents;
  EXPECT_EQ(counted, 1);
}

}  // namespace
}  // namespace im::store

#include "store/deployment_store_contract.h"

#include <algorithm>

#include "common/time.h"
#include "core/lifecycle.h"

namespace im::store::testing {
namespace {

using namespace std::chrono_literals;

const Time kD0 = *ParseTime("2026-03-02T09:00:00Z");

dora::Deployment Deploy(std::string id, std::string service, Time at,
                        dora::DeployStatus status = dora::DeployStatus::kSuccess) {
  return dora::Deployment{.id = std::move(id),
                          .service = std::move(service),
                          .triggered_at = at,
                          .finished_at = at + 5min,
                          .status = status,
                          .commit_sha = "abc123",
                          .committed_at = at - 2h,
                          .source = "cli",
                          .received_at = at + 5min};
}

// An incident on `service` created at `at`, acknowledged and resolved when given.
int64_t Incident(Store& main, const std::string& service, Time at,
                 std::optional<Duration> ack = std::nullopt,
                 std::optional<Duration> resolve = std::nullopt, std::string source = "im") {
  auto c = core::Declare(
      {.title = "Errors on " + service, .severity = core::Severity::kSev1, .services = {service}},
      core::Actor{.email = "alice@example.com"}, at);
  EXPECT_TRUE(c);
  auto incident = c->incident;
  incident.source = std::move(source);
  if (ack) {
    incident.status = core::Status::kMitigated;
    incident.acknowledged_at = at + *ack;
  }
  if (resolve) {
    incident.status = core::Status::kResolved;
    incident.resolved_at = at + *resolve;
  }
  int64_t number = 0;
  auto ok = main.Transact([&](Tx& tx) -> Result<void> {
    auto n = tx.InsertIncident(incident);
    if (!n) return std::unexpected(n.error());
    number = *n;
    return Ok();
  });
  EXPECT_TRUE(ok);
  return number;
}

TEST_P(DeploymentStoreContractTest, ADeploymentIsStoredOnceByItsId) {
  auto first = deployments().Record(Deploy("d-1", "api", kD0));
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_TRUE(first->created);
  auto changed = Deploy("d-1", "web", kD0 + 1h);
  auto again = deployments().Record(changed);
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->deployment.service, "api");  // the stored one, unchanged

  auto got = deployments().Get("d-1");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->service, "api");
  EXPECT_EQ(got->environment, "production");
  EXPECT_EQ(got->triggered_at, kD0);
  EXPECT_EQ(got->finished_at, kD0 + 5min);
  EXPECT_EQ(got->committed_at, kD0 - 2h);
  EXPECT_EQ(got->commit_sha, "abc123");
  EXPECT_EQ(got->source, "cli");
  EXPECT_EQ(deployments().Get("d-404").error().code, ErrorCode::kNotFound);
}

TEST_P(DeploymentStoreContractTest, ListsNewestFirstWithFilters) {
  ASSERT_TRUE(deployments().Record(Deploy("d-1", "api", kD0)));
  ASSERT_TRUE(deployments().Record(Deploy("d-2", "web", kD0 + 1h)));
  auto staging = Deploy("d-3", "api", kD0 + 2h);
  staging.environment = "staging";
  ASSERT_TRUE(deployments().Record(staging));
  auto ids = [](const Result<std::vector<dora::Deployment>>& r) {
    std::vector<std::string> out;
    EXPECT_TRUE(r);
    if (r) {
      for (const auto& d : *r) out.push_back(d.id);
    }
    return out;
  };
  EXPECT_EQ(ids(deployments().List({})), (std::vector<std::string>{"d-3", "d-2", "d-1"}));
  EXPECT_EQ(ids(deployments().List({.services = {"api"}})),
            (std::vector<std::string>{"d-3", "d-1"}));
  EXPECT_EQ(ids(deployments().List({.environment = "production"})),
            (std::vector<std::string>{"d-2", "d-1"}));
  EXPECT_EQ(ids(deployments().List({.since = kD0 + 30min, .until = kD0 + 2h})),
            (std::vector<std::string>{"d-2"}));
  EXPECT_EQ(ids(deployments().List({.limit = 1})), (std::vector<std::string>{"d-3"}));
}

TEST_P(DeploymentStoreContractTest, IncidentsAreAttributedByTheRuleOnCatchUp) {
  ASSERT_TRUE(deployments().Record(Deploy("d-1", "api", kD0)));
  auto staging = Deploy("d-s", "api", kD0 + 10min);
  staging.environment = "staging";
  ASSERT_TRUE(deployments().Record(staging));
  int64_t after = Incident(main(), "api", kD0 + 37min);
  int64_t other = Incident(main(), "web", kD0 + 37min);
  int64_t late = Incident(main(), "api", kD0 + 5h);
  auto looked = deployments().CatchUp();
  ASSERT_TRUE(looked);
  EXPECT_EQ(*looked, 3);
  EXPECT_EQ(*deployments().CatchUp(), 0);  // nothing new

  auto a = deployments().AttributionOf(after);
  ASSERT_TRUE(a);
  ASSERT_TRUE(*a);
  EXPECT_EQ((*a)->deployment_id, "d-1");  // not the staging one
  EXPECT_EQ((*a)->service, "api");
  EXPECT_FALSE((*a)->manual);
  EXPECT_NE((*a)->explanation.find("37 min after deploy d-1"), std::string::npos)
      << (*a)->explanation;
  // No deployment for another service's incident or one outside the window.
  auto attributed_to = [&](int64_t incident) -> std::string {
    auto x = deployments().AttributionOf(incident);
    EXPECT_TRUE(x);
    return x && *x ? (*x)->deployment_id : "";
  };
  EXPECT_EQ(attributed_to(other), "");
  EXPECT_EQ(attributed_to(late), "");

  // A deployment recorded later attributes the incidents in its window at once.
  int64_t before = Incident(main(), "web", kD0 + 3h);
  ASSERT_EQ(*deployments().CatchUp(), 1);
  auto recorded = deployments().Record(Deploy("d-2", "web", kD0 + 3h + 20min));
  ASSERT_TRUE(recorded);
  EXPECT_EQ(recorded->reattributed, 2);  // `other` and `before`
  auto b = deployments().AttributionOf(before);
  ASSERT_TRUE(b && *b);
  EXPECT_EQ((*b)->deployment_id, "d-2");

  std::vector<int64_t> numbers{after, other, late, before};
  auto all = deployments().AttributionsOf(numbers);
  ASSERT_TRUE(all);
  std::vector<int64_t> attributed;
  for (const auto& x : *all) {
    if (!x.deployment_id.empty()) attributed.push_back(x.incident);
  }
  EXPECT_EQ(attributed, (std::vector<int64_t>{after, other, before}));  // in incident order
}

TEST_P(DeploymentStoreContractTest, ALinkByHandWinsUntilReset) {
  ASSERT_TRUE(deployments().Record(Deploy("d-1", "api", kD0)));
  ASSERT_TRUE(deployments().Record(Deploy("d-2", "web", kD0 - 1h)));
  int64_t n = Incident(main(), "api", kD0 + 10min);
  ASSERT_TRUE(deployments().CatchUp());
  EXPECT_EQ((*deployments().AttributionOf(n))->deployment_id, "d-1");

  auto linked = deployments().Link(n, "d-2", "bob@example.com", kD0 + 1h);
  ASSERT_TRUE(linked) << linked.error().message;
  EXPECT_TRUE(linked->manual);
  EXPECT_EQ(linked->actor, "bob@example.com");
  EXPECT_EQ(linked->deployment_id, "d-2");
  // A new deployment in the window leaves the link by hand alone.
  ASSERT_TRUE(deployments().Record(Deploy("d-3", "api", kD0 + 5min)));
  EXPECT_EQ((*deployments().AttributionOf(n))->deployment_id, "d-2");

  auto unlinked = deployments().Unlink(n, "bob@example.com", kD0 + 2h);
  ASSERT_TRUE(unlinked);
  EXPECT_TRUE(unlinked->manual);
  EXPECT_EQ(unlinked->deployment_id, "");
  EXPECT_EQ((*deployments().AttributionOf(n))->deployment_id, "");

  auto reset = deployments().Reset(n);
  ASSERT_TRUE(reset);
  ASSERT_TRUE(*reset);
  EXPECT_FALSE((*reset)->manual);
  EXPECT_EQ((*reset)->service, "api");  // the rule again: an api deploy

  EXPECT_EQ(deployments().Link(9999, "d-1", "bob@example.com", kD0).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(deployments().Link(n, "d-404", "bob@example.com", kD0).error().code,
            ErrorCode::kNotFound);
}

TEST_P(DeploymentStoreContractTest, FactsCoverThePeriodAndTheServices) {
  ASSERT_TRUE(deployments().Record(Deploy("d-1", "api", kD0)));
  ASSERT_TRUE(deployments().Record(Deploy("d-2", "api", kD0 + 1h, dora::DeployStatus::kFailure)));
  ASSERT_TRUE(deployments().Record(Deploy("d-3", "web", kD0 + 2h)));
  ASSERT_TRUE(deployments().Record(Deploy("d-old", "api", kD0 - 48h)));
  int64_t resolved = Incident(main(), "api", kD0 + 10min, 5min, 50min);
  int64_t open = Incident(main(), "web", kD0 + 3h, 2min);
  int64_t pd = Incident(main(), "api", kD0 + 5h, std::nullopt, std::nullopt, "pagerduty:pd");
  ASSERT_TRUE(deployments().CatchUp());

  FactQuery all{.since = kD0 - 1h, .until = kD0 + 24h};
  auto facts = deployments().Facts(all);
  ASSERT_TRUE(facts) << facts.error().message;
  ASSERT_EQ(facts->deployments.size(), 2u);  // the successful ones in the period
  EXPECT_EQ(facts->failed_jobs, 1);
  EXPECT_EQ(facts->deployments[0].triggered_at, kD0);
  EXPECT_EQ(facts->deployments[0].live_at, kD0 + 5min);
  EXPECT_EQ(facts->deployments[0].committed_at, kD0 - 2h);
  EXPECT_EQ(facts->deployments[0].incidents, 1);  // `resolved`, 10 min after it
  ASSERT_EQ(facts->resolved.size(), 1u);
  EXPECT_EQ(facts->resolved[0].number, resolved);
  EXPECT_EQ(facts->resolved[0].resolved_at, kD0 + 60min);
  ASSERT_EQ(facts->acknowledged.size(), 2u);
  EXPECT_EQ(facts->acknowledged[0].number, resolved);  // in time order
  EXPECT_EQ(facts->acknowledged[1].number, open);
  std::vector<int64_t> open_numbers;
  for (const auto& f : facts->open_at_end) open_numbers.push_back(f.number);
  std::sort(open_numbers.begin(), open_numbers.end());
  EXPECT_EQ(open_numbers, (std::vector<int64_t>{open, pd}));

  auto web = deployments().Facts({.since = kD0 - 1h, .until = kD0 + 24h, .services = {"web"}});
  ASSERT_TRUE(web);
  EXPECT_EQ(web->deployments.size(), 1u);
  EXPECT_EQ(web->failed_jobs, 0);
  EXPECT_TRUE(web->resolved.empty());
  EXPECT_EQ(web->acknowledged.size(), 1u);

  auto in = deployments().DeploymentsIn(all, 10);
  ASSERT_TRUE(in);
  ASSERT_EQ(in->size(), 3u);  // failed ones too, oldest first
  EXPECT_EQ((*in)[0].second.id, "d-1");
  EXPECT_EQ((*in)[2].second.id, "d-3");
  auto of = deployments().IncidentsOf(std::vector<int64_t>{(*in)[0].first});
  ASSERT_TRUE(of);
  ASSERT_EQ(of->size(), 1u);
  EXPECT_EQ((*of)[0].second, resolved);

  auto sources = deployments().SourcesOf(std::vector<int64_t>{resolved, pd, 9999});
  ASSERT_TRUE(sources);
  EXPECT_EQ(*sources,
            (std::vector<std::pair<int64_t, std::string>>{{resolved, "im"}, {pd, "pagerduty:pd"}}));
}

TEST_P(DeploymentStoreContractTest, ATeamsServicesComeFromTheCatalog) {
  ASSERT_TRUE(main().Transact([&](Tx& tx) -> Result<void> {
    for (const auto& [name, team] : std::vector<std::pair<std::string, std::string>>{
             {"web", "payments"}, {"api", "payments"}, {"search", "discovery"}}) {
      if (auto ok = tx.UpsertService({.name = name, .team = team, .created_at = kD0}); !ok) {
        return ok;
      }
    }
    return Ok();
  }));
  EXPECT_EQ(*deployments().ServicesOfTeam("payments"), (std::vector<std::string>{"api", "web"}));
  EXPECT_TRUE(deployments().ServicesOfTeam("nobody")->empty());
}

}  // namespace
}  // namespace im::store::testing

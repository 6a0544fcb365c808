// CheckReference against the simulated PagerDuty: ids it has, ids it does not, and a PagerDuty
// that does not answer (reported at once, not retried).
#include "pagerduty_fixture.h"

namespace im::connectors::testing {
namespace {

using Outcome = ReferenceCheck::Outcome;

class PagerDutyReferencesTest : public PagerDutyFixture {};

TEST_F(PagerDutyReferencesTest, FindsServicesAndPoliciesPagerDutyHasAndNoOthers) {
  Start({.incidents = 0});
  std::string service, service_name, policy;
  {
    std::lock_guard lock(sim_->state().mu);
    service = sim_->state().world.services.front().id;
    service_name = sim_->state().world.services.front().name;
    policy = sim_->state().world.escalation_policies.front().id;
  }
  auto c = Open();
  auto found = c->CheckReference(ReferenceKind::kService, service);
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(found->outcome, Outcome::kFound);
  EXPECT_EQ(found->detail, service_name);
  auto ep = c->CheckReference(ReferenceKind::kEscalationPolicy, policy);
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->outcome, Outcome::kFound);
  // A policy id is not a service id.
  EXPECT_EQ(c->CheckReference(ReferenceKind::kService, policy)->outcome, Outcome::kNotFound);
  auto missing = c->CheckReference(ReferenceKind::kEscalationPolicy, "PNOSUCH");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->outcome, Outcome::kNotFound);
  EXPECT_NE(missing->detail.find("404"), std::string::npos) << missing->detail;
  EXPECT_FALSE(c->CheckReference(ReferenceKind::kService, ""));
}

TEST_F(PagerDutyReferencesTest, APagerDutyThatFailsIsUnreachableAfterOneTry) {
  Start({.incidents = 0});
  ASSERT_TRUE(manager_->Update("pd", [](ConnectorConfig& c) -> Result<void> {
    c.api_key = "u+NotAKeyTheSimulatorKnows";
    return Ok();
  }));
  auto refused = Open()->CheckReference(ReferenceKind::kService, "PABC123");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->outcome, Outcome::kUnreachable);  // the key is refused: cannot tell
  EXPECT_NE(refused->detail.find("401"), std::string::npos) << refused->detail;

  server_->Stop();  // nothing answers on the port any more
  Time before = clock_.Now();
  auto down = Open()->CheckReference(ReferenceKind::kService, "PABC123");
  ASSERT_TRUE(down);
  EXPECT_EQ(down->outcome, Outcome::kUnreachable);
  EXPECT_EQ(waiter_.waited, Duration::zero()) << "retried with backoff";
  EXPECT_EQ(clock_.Now(), before);
  auto day = connectors_->Activity("pd", Time{});
  ASSERT_TRUE(day);
  EXPECT_EQ(day->api_calls, 2);  // both tries are counted, once each
}

}  // namespace
}  // namespace im::connectors::testing

#include "opsgenie_fixture.h"

namespace im::connectors::testing {
namespace {

class OpsgenieWebhook : public OpsgenieFixture {};

TEST_F(OpsgenieWebhook, WithoutTheSecretHeaderItIs401AndNothingIsStored) {
  Start({.alerts = 10});
  Add();
  auto c = Open();
  net::HttpRequest req;
  req.method = "POST";
  req.body = R"({"action":"Create","alert":{"alertId":"x"}})";
  EXPECT_EQ(c->HandleWebhook(req).status, 401);
  req.headers.emplace_back("X-Og-Secret", "wrong-secret-of-some-length");
  EXPECT_EQ(c->HandleWebhook(req).status, 401);
  auto queued = connectors_->CountRefetches("og");
  ASSERT_TRUE(queued);
  EXPECT_EQ(*queued, 0);
  auto activity = connectors_->Activity("og", Time{});
  ASSERT_TRUE(activity);
  EXPECT_EQ(activity->webhook_events, 0);
}

TEST_F(OpsgenieWebhook, ADeliveryIsRecordedAndTheAlertFetchedFromTheApi) {
  Start({.alerts = 20});
  Add();
  std::string id, message;
  {
    std::lock_guard lock(us_.sim->state().mu);
    const auto& a = us_.sim->state().world.alerts.back();
    id = a.id;
    message = a.message;
  }
  // The body lies about the message: im keeps what the API says.
  auto config = manager_->Config("og");
  ASSERT_TRUE(config);
  const auto* type = *registry_.Find("opsgenie");
  auto sample = type->sample_webhook(*config, id, clock_.Now());
  ASSERT_TRUE(sample) << sample.error().message;
  net::HttpRequest req;
  req.method = "POST";
  req.body = sample->body;
  for (const auto& h : sample->headers) req.headers.push_back(h);
  auto c = Open();
  auto reply = c->HandleWebhook(req);
  EXPECT_EQ(reply.status, 202) << reply.message;
  EXPECT_EQ(c->HandleWebhook(req).duplicates, 1);  // the same delivery again
  auto fetched = c->FollowUp();
  ASSERT_TRUE(fetched) << fetched.error().message;
  EXPECT_EQ(*fetched, 1);
  auto n = connectors_->FindLinkedIncident("og", opsgenie::AlertKey(id));
  ASSERT_TRUE(n && *n);
  auto i = db_->GetIncident(**n);
  ASSERT_TRUE(i);
  EXPECT_EQ(i->title, message);
}

}  // namespace
}  // namespace im::connectors::testing

// Each channel type against its provider's error and rate-limit answers (the simulators, or a
// webhook receiver over loopback HTTP): what sending again can fix is retried (after the
// provider's Retry-After when it gives one), what it cannot is parked and shown; nothing is lost.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <deque>

#include "notify/notify_fixture.h"
#include "sim/chatops/teams_sim.h"

namespace im::notify {
namespace {

class ChannelErrorsTest : public NotifyTest {
 protected:
  // Queues one message for `channel` as a rule would (an incident is declared for it).
  void Queue(const std::string& channel, monitor::Notification n) {
    if (n.incident == 0) n.incident = Declare(core::Severity::kSev2, "api");
    n.dedup_key = "im-abcd1234-incident-" + std::to_string(n.incident);
    if (n.event.empty()) n.event = "declared";
    if (n.title.empty()) n.title = "Latency";
    n.message_id = "m" + std::to_string(++queued_);
    auto ok = db_->Transact([&](store::Tx& tx) {
      return tx.Notify().EnqueueChannel(channel, n.incident, n.event,
                                        json::Serialize(monitor::NotificationToJson(n)),
                                        clock_.Now());
    });
    ASSERT_TRUE(ok) << ok.error().message;
  }
  std::vector<store::OutboxMessage> In(const std::string& channel, const std::string& state) {
    auto l = outbox_store_->ListOutbound("channel:" + channel, state, 1000);
    EXPECT_TRUE(l);
    return l ? *l : std::vector<store::OutboxMessage>{};
  }
  int queued_ = 0;
};

TEST_F(ChannelErrorsTest, TwilioErrorCodesAreParkedOrRetried) {
  AddSms("sms", json::object{{"rate_per_minute", 0}, {"person_rate_per_minute", 0}});
  AddSms("badauth", json::object{{"auth_token", "wrong-token"}});
  Queue("sms", {.address = "12345"});  // not E.164: 21211
  Queue("badauth", {});                // 20003
  ASSERT_TRUE(outbox_->FlushAll());
  auto bad_to = In("sms", "parked");
  ASSERT_EQ(bad_to.size(), 1u);
  EXPECT_NE(bad_to[0].last_error.find("Twilio error 21211"), std::string::npos)
      << bad_to[0].last_error;
  auto auth = In("badauth", "parked");
  ASSERT_EQ(auth.size(), 1u);
  EXPECT_NE(auth[0].last_error.find("Twilio error 20003"), std::string::npos) << auth[0].last_error;
  EXPECT_TRUE(sms_->messages().empty());

  // Twilio's own limit (the simulator's 1 a second per account, here in bursts of 2): 20429
  // answers (Twilio gives no Retry-After) pause the channel 30 s; every text arrives once.
  sim::chatops::SmsSimOptions limited;
  limited.burst = 2;
  sim::chatops::SmsSim twilio(limited, clock_);
  http::Router router;
  twilio.Register(router);
  http::Server server(http::ServerOptions{.host = "127.0.0.1", .port = 0}, router, nullptr);
  ASSERT_TRUE(server.Start());
  AddSms("limited", json::object{{"api_url", "http://127.0.0.1:" + std::to_string(server.port())},
                                 {"rate_per_minute", 0}});
  for (int i = 0; i < 4; ++i) Queue("limited", {});
  ASSERT_TRUE(outbox_->FlushAll());
  EXPECT_EQ(twilio.messages().size(), 2u);
  auto waiting = In("limited", "pending");
  ASSERT_EQ(waiting.size(), 2u);
  EXPECT_NE(waiting[0].last_error.find("20429"), std::string::npos) << waiting[0].last_error;
  EXPECT_EQ(waiting[0].next_attempt_at, clock_.Now() + std::chrono::seconds(30));
  EXPECT_EQ(waiting[1].attempts, 0);  // the channel paused: the 4th was not tried
  clock_.Advance(std::chrono::seconds(10));
  ASSERT_TRUE(outbox_->FlushAll());  // still paused: nothing tried
  EXPECT_EQ(In("limited", "pending")[0].attempts, 1);
  for (int i = 0; i < 5 && !In("limited", "pending").empty(); ++i) {
    clock_.Advance(std::chrono::seconds(20));
    ASSERT_TRUE(outbox_->FlushAll());
  }
  EXPECT_EQ(twilio.messages().size(), 4u);
  EXPECT_TRUE(In("limited", "parked").empty());
}

TEST_F(ChannelErrorsTest, Slack429RetryAfterIsHonouredForTheChannel) {
  sim::chatops::SlackSim limited(sim::chatops::SlackSimOptions{.per_second = 1, .burst = 3},
                                 clock_);
  http::Router router;
  limited.Register(router);
  http::Server server(http::ServerOptions{.host = "127.0.0.1", .port = 0}, router, nullptr);
  ASSERT_TRUE(server.Start());
  std::string url = "http://127.0.0.1:" + std::to_string(server.port());
  ASSERT_TRUE(channels_->Add("slack", "hook",
                             json::object{{"webhook_url", url + "/services/T0SIM/B0SIM/simsecret"},
                                          {"rate_per_minute", 0}}));
  ASSERT_TRUE(channels_->Add("slack", "gone",
                             json::object{{"webhook_url", url + "/services/T0SIM/B0SIM/removed"}}));
  ASSERT_TRUE(channels_->Add(
      "slack", "revoked",
      json::object{
          {"bot_token", "xoxb-revoked"}, {"channel", "C0ALERTS"}, {"api_url", url + "/api"}}));
  for (int i = 0; i < 5; ++i) Queue("hook", {});
  Queue("gone", {});
  Queue("revoked", {});
  ASSERT_TRUE(outbox_->FlushAll());
  EXPECT_EQ(limited.posted().size(), 3u);  // the burst; the 4th got 429 Retry-After: 1
  auto waiting = In("hook", "pending");
  ASSERT_EQ(waiting.size(), 2u);
  EXPECT_NE(waiting[0].last_error.find("HTTP 429"), std::string::npos) << waiting[0].last_error;
  EXPECT_EQ(waiting[0].next_attempt_at, clock_.Now() + std::chrono::seconds(1));
  EXPECT_EQ(waiting[1].attempts, 0);  // the channel paused: the 5th was not tried
  ASSERT_TRUE(outbox_->FlushAll());
  EXPECT_EQ(limited.posted().size(), 3u);
  for (int i = 0; i < 5 && !In("hook", "pending").empty(); ++i) {
    clock_.Advance(std::chrono::seconds(1));
    ASSERT_TRUE(outbox_->FlushAll());
  }
  EXPECT_EQ(In("hook", "sent").size(), 5u);
  auto gone = In("gone", "parked");
  ASSERT_EQ(gone.size(), 1u);  // 404 no_service: the webhook was removed
  EXPECT_NE(gone[0].last_error.find("404"), std::string::npos) << gone[0].last_error;
  auto revoked = In("revoked", "parked");
  ASSERT_EQ(revoked.size(), 1u);
  EXPECT_NE(revoked[0].last_error.find("invalid_auth"), std::string::npos) << revoked[0].last_error;
}

TEST_F(ChannelErrorsTest, TeamsErrorAnswersAreParkedOrRetried) {
  sim::chatops::TeamsSim teams(clock_);
  http::Router router;
  teams.Register(router);
  http::Server server(http::ServerOptions{.host = "127.0.0.1", .port = 0}, router, nullptr);
  ASSERT_TRUE(server.Start());
  std::string url = "http://127.0.0.1:" + std::to_string(server.port());
  ASSERT_TRUE(
      channels_->Add("teams", "teams",
                     json::object{{"webhook_url", url + "/webhookb2/sim/IncomingWebhook/sim"},
                                  {"rate_per_minute", 0}}));
  ASSERT_TRUE(channels_->Add(
      "teams", "removed",
      json::object{{"webhook_url", url + "/webhookb2/sim/IncomingWebhook/removed"}}));
  Queue("teams", {.note = std::string(30 * 1024, 'x')});  // over Teams' 28 KB: 413
  for (int i = 0; i < 5; ++i) Queue("teams", {});
  Queue("removed", {});
  ASSERT_TRUE(outbox_->FlushAll());
  auto parked = In("teams", "parked");
  ASSERT_EQ(parked.size(), 1u);
  EXPECT_NE(parked[0].last_error.find("HTTP 413"), std::string::npos) << parked[0].last_error;
  EXPECT_EQ(In("removed", "parked").size(), 1u);
  EXPECT_EQ(teams.cards().size(), 4u);  // 4 a second; the 5th answered 429
  auto waiting = In("teams", "pending");
  ASSERT_EQ(waiting.size(), 1u);
  EXPECT_NE(waiting[0].last_error.find("HTTP 429"), std::string::npos) << waiting[0].last_error;
  clock_.Advance(std::chrono::seconds(1));
  ASSERT_TRUE(outbox_->FlushAll());
  EXPECT_EQ(teams.cards().size(), 5u);
  EXPECT_TRUE(In("teams", "pending").empty());
}

// The generic webhook: Standard Webhooks headers, the signature checked here with OpenSSL
// directly (not im's own HMAC code); 5xx and 429 retried (429 after its Retry-After), other
// 4xx parked.
TEST_F(ChannelErrorsTest, WebhookIsSignedAndItsErrorsAreParkedOrRetried) {
  struct Received {
    std::string id, timestamp, signature, body;
  };
  std::mutex mu;
  std::vector<Received> received;
  std::deque<int> answers = {500, 429, 200, 400};
  http::Router router;
  router.Add("POST", "/hook", [&](const net::HttpRequest& req) {
    std::lock_guard lock(mu);
    auto h = [&](const char* name) { return std::string(req.Header(name).value_or("")); };
    received.push_back({h("webhook-id"), h("webhook-timestamp"), h("webhook-signature"), req.body});
    int status = answers.empty() ? 200 : answers.front();
    if (!answers.empty()) answers.pop_front();
    net::HttpResponse res{.status = status, .content_type = "text/plain", .body = "x"};
    if (status == 429) res.SetHeader("Retry-After", "7");
    return res;
  });
  http::Server server(http::ServerOptions{.host = "127.0.0.1", .port = 0}, router, nullptr);
  ASSERT_TRUE(server.Start());
  const std::string raw_key = "0123456789abcdef0123456789abcdef";  // 32 bytes
  unsigned char b64[64] = {};
  EVP_EncodeBlock(b64, reinterpret_cast<const unsigned char*>(raw_key.data()),
                  static_cast<int>(raw_key.size()));
  std::string secret = "whsec_" + std::string(reinterpret_cast<char*>(b64));
  ASSERT_TRUE(channels_->Add(
      "webhook", "hook",
      json::object{{"url", "http://127.0.0.1:" + std::to_string(server.port()) + "/hook"},
                   {"secret", secret}}));
  Queue("hook", {});
  ASSERT_TRUE(outbox_->FlushAll());  // 500: retried
  auto waiting = In("hook", "pending");
  ASSERT_EQ(waiting.size(), 1u);
  EXPECT_NE(waiting[0].last_error.find("HTTP 500"), std::string::npos);
  clock_.Advance(std::chrono::minutes(1));
  ASSERT_TRUE(outbox_->FlushAll());  // 429 Retry-After: 7
  waiting = In("hook", "pending");
  ASSERT_EQ(waiting.size(), 1u);
  EXPECT_EQ(waiting[0].next_attempt_at, clock_.Now() + std::chrono::seconds(7));
  clock_.Advance(std::chrono::seconds(7));
  ASSERT_TRUE(outbox_->FlushAll());  // 200
  EXPECT_EQ(In("hook", "sent").size(), 1u);
  Queue("hook", {});
  ASSERT_TRUE(outbox_->FlushAll());  // 400: parked
  EXPECT_EQ(In("hook", "parked").size(), 1u);

  std::lock_guard lock(mu);
  ASSERT_EQ(received.size(), 4u);
  EXPECT_EQ(received[0].id, received[2].id);  // one message, one id across its retries
  EXPECT_NE(received[2].id, received[3].id);
  for (const auto& r : received) {
    std::string signed_text = r.id + "." + r.timestamp + "." + r.body;
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), raw_key.data(), static_cast<int>(raw_key.size()),
         reinterpret_cast<const unsigned char*>(signed_text.data()), signed_text.size(), mac, &len);
    unsigned char expected[128] = {};
    EVP_EncodeBlock(expected, mac, static_cast<int>(len));
    EXPECT_EQ(r.signature, "v1," + std::string(reinterpret_cast<char*>(expected))) << r.body;
    auto v = json::Parse(r.body);
    ASSERT_TRUE(v && v->is_object()) << r.body;
    EXPECT_EQ(v->at("type").as_string(), "incident.declared");
  }
}

}  // namespace
}  // namespace im::notify

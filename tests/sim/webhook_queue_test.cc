// WebhookQueue on a FakeClock with a scripted HttpClient: retries, backoff, ordering, knobs.
#include "sim/common/webhook_queue.h"

#include <gtest/gtest.h>

#include <deque>

#include "fakes/fake_clock.h"

namespace im::sim {
namespace {

using std::chrono::seconds;

class ScriptedClient final : public net::HttpClient {
 public:
  Result<net::HttpResponse> Send(const net::ClientRequest& req) override {
    sent.push_back(req);
    int status = statuses.empty() ? 200 : statuses.front();
    if (!statuses.empty()) statuses.pop_front();
    if (status == 0) return Fail(ErrorCode::kUnavailable, "refused");
    net::HttpResponse res;
    res.status = status;
    return res;
  }
  std::deque<int> statuses;  // 0: connection refused
  std::vector<net::ClientRequest> sent;
};

net::Headers Sign(const WebhookMessage& m, const WebhookTarget& t, Time) {
  return {{"X-Id", m.id}, {"X-Secret-Count", std::to_string(t.secrets.size())}};
}

class WebhookQueueTest : public ::testing::Test {
 protected:
  testing::FakeClock clock_{Time(seconds(1'700'000'000))};
  ScriptedClient client_;
  KnobStore knobs_;
  WebhookQueue queue_{clock_, client_, Sign, knobs_, 7};
  void SetUp() override { queue_.SetTarget({"http://receiver/hook", {"s1", "s2"}}); }
};

TEST_F(WebhookQueueTest, DeliversSignedPostToTarget) {
  queue_.Enqueue({"w1", "inc1", "{}"});
  EXPECT_EQ(queue_.RunDue(), 1u);
  ASSERT_EQ(client_.sent.size(), 1u);
  EXPECT_EQ(client_.sent[0].method, "POST");
  EXPECT_EQ(client_.sent[0].url, "http://receiver/hook");
  EXPECT_EQ(client_.sent[0].headers[1].second, "2");
  EXPECT_EQ(queue_.stats().delivered, 1);
  EXPECT_EQ(queue_.stats().pending, 0);
}

TEST_F(WebhookQueueTest, RetriesWithBackoffAndKeepsResourceOrder) {
  client_.statuses = {500, 0, 200, 200, 200};
  queue_.Enqueue({"w1", "inc1", "a"});
  queue_.Enqueue({"w2", "inc1", "b"});
  queue_.Enqueue({"w3", "inc2", "c"});
  queue_.RunDue();  // w1 fails (500), w2 waits behind it, w3 fails (refused)
  EXPECT_EQ(client_.sent.size(), 2u);
  EXPECT_EQ(client_.sent[1].body, "c");
  EXPECT_EQ(queue_.RunDue(), 0u);  // nothing due before the backoff
  clock_.Advance(seconds(1));
  queue_.RunDue();
  ASSERT_EQ(client_.sent.size(), 5u);
  EXPECT_EQ(client_.sent[2].body, "a");
  EXPECT_EQ(client_.sent[3].body, "b");
  EXPECT_EQ(client_.sent[4].body, "c");
  EXPECT_EQ(queue_.stats().delivered, 3);
  EXPECT_EQ(queue_.stats().failed_attempts, 2);
}

TEST_F(WebhookQueueTest, ClientErrorIsDroppedWithoutRetry) {
  client_.statuses = {400};
  queue_.Enqueue({"w1", "inc1", "a"});
  queue_.RunDue();
  clock_.Advance(seconds(60));
  queue_.RunDue();
  EXPECT_EQ(client_.sent.size(), 1u);
  EXPECT_EQ(queue_.stats().given_up, 1);
}

TEST_F(WebhookQueueTest, GivesUpAfterMaxAttempts) {
  knobs_.Set(Knobs{.webhook_max_attempts = 3});
  client_.statuses = {503, 503, 503, 503};
  queue_.Enqueue({"w1", "inc1", "a"});
  for (int i = 0; i < 10; ++i) {
    queue_.RunDue();
    clock_.Advance(seconds(10));
  }
  EXPECT_EQ(client_.sent.size(), 3u);
  EXPECT_EQ(queue_.stats().given_up, 1);
}

TEST_F(WebhookQueueTest, KnobsDuplicateDropDelayAndReorder) {
  knobs_.Set(Knobs{.webhook_duplicate_rate = 1, .webhook_delay_ms = 2000});
  queue_.Enqueue({"w1", "inc1", "a"});
  EXPECT_EQ(queue_.RunDue(), 0u);  // delayed
  clock_.Advance(seconds(2));
  queue_.RunDue();
  ASSERT_EQ(client_.sent.size(), 2u);  // duplicated, same id
  EXPECT_EQ(client_.sent[0].headers[0].second, client_.sent[1].headers[0].second);

  knobs_.Set(Knobs{.webhook_drop_rate = 1});
  queue_.Enqueue({"w2", "inc1", "b"});
  EXPECT_EQ(queue_.RunDue(), 0u);
  EXPECT_EQ(queue_.stats().dropped, 1);

  knobs_.Set(Knobs{.webhook_out_of_order = true});
  queue_.Enqueue({"w3", "inc1", "first"});
  queue_.Enqueue({"w4", "inc1", "second"});
  queue_.RunDue();
  ASSERT_EQ(client_.sent.size(), 4u);
  EXPECT_EQ(client_.sent[2].body, "second");
  EXPECT_EQ(client_.sent[3].body, "first");
}

TEST_F(WebhookQueueTest, MessageUrlOverridesTarget) {
  queue_.Enqueue({"w1", "inc1", "a", "http://other/x", {"only"}, "PSUB"});
  queue_.RunDue();
  ASSERT_EQ(client_.sent.size(), 1u);
  EXPECT_EQ(client_.sent[0].url, "http://other/x");
  EXPECT_EQ(client_.sent[0].headers[1].second, "1");
}

}  // namespace
}  // namespace im::sim

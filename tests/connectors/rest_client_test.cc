// RestClient against a real loopback http::Server on port 0 that answers from a script, with a
// fake clock and waiter: retries, backoff and Retry-After are measured in fake time, no sleeps.
#include "connectors/rest_client.h"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <deque>
#include <mutex>

#include "common/time.h"
#include "common/version.h"
#include "fakes/fake_clock.h"
#include "fakes/fake_waiter.h"
#include "http/router.h"
#include "http/server.h"
#include "net/curl_http_client.h"

namespace im::connectors {
namespace {

using std::chrono::seconds;

net::HttpResponse Answer(int status, std::string body, net::Headers headers = {}) {
  net::HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  for (auto& [name, value] : headers) r.SetHeader(name, value);
  return r;
}

class RestClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add("GET", "/things", [this](const net::HttpRequest& req) { return Next(req); });
    router_.Add("POST", "/things", [this](const net::HttpRequest& req) { return Next(req); });
    router_.Add("GET", "/hang",
                [this](const net::HttpRequest&) {
                  std::unique_lock lock(mu_);
                  // Released by TearDown; bounded so a broken test cannot hang the suite.
                  cv_.wait_for(lock, seconds(30), [this] { return released_; });
                  return net::HttpResponse{};
                },
                {.blocking = true});
    server_ = std::make_unique<http::Server>(http::ServerOptions{.host = "127.0.0.1", .port = 0},
                                             router_, nullptr);
    ASSERT_TRUE(server_->Start().has_value());
    options_.provider = "Acme";
    options_.base_url = "http://127.0.0.1:" + std::to_string(server_->port());
    options_.auth_scheme = "Bearer ";
    options_.api_key = "secret-key-0123456789";
  }
  void TearDown() override {
    {
      std::lock_guard lock(mu_);
      released_ = true;
    }
    cv_.notify_all();
    if (server_) server_->Stop();
  }

  // The answers to give, in order; the last one is repeated.
  void Script(std::vector<net::HttpResponse> answers) {
    std::lock_guard lock(mu_);
    script_.assign(answers.begin(), answers.end());
  }

  net::HttpResponse Next(const net::HttpRequest& req) {
    std::lock_guard lock(mu_);
    seen_.push_back(req);
    if (script_.empty()) return Answer(200, "{}");
    net::HttpResponse r = script_.front();
    if (script_.size() > 1) script_.pop_front();
    return r;
  }

  size_t Requests() {
    std::lock_guard lock(mu_);
    return seen_.size();
  }

  RestClient Client() { return RestClient(options_, http_, budget_, waiter_, clock_, log_); }

  im::testing::FakeClock clock_{*ParseTime("2026-06-15T12:00:00Z")};
  im::testing::FakeWaiter waiter_{clock_};
  RateBudget budget_{clock_, waiter_, 0};
  net::CurlHttpClient http_;
  std::shared_ptr<spdlog::logger> log_ = spdlog::default_logger();
  RestOptions options_;
  http::Router router_;
  std::unique_ptr<http::Server> server_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool released_ = false;                 // GUARDED_BY(mu_)
  std::deque<net::HttpResponse> script_;  // GUARDED_BY(mu_)
  std::vector<net::HttpRequest> seen_;    // GUARDED_BY(mu_)
};

TEST_F(RestClientTest, SendsAuthUserAgentAndJsonAndReadsTheObject) {
  options_.headers = {{"Accept", "application/vnd.acme+json"}};
  Script({Answer(201, R"({"id":"T1"})")});
  auto got = Client().Call({.method = "POST",
                            .path = "/things",
                            .query = {{"a b", "c&d"}},
                            .body = R"({"name":"x"})",
                            .headers = {{"From", "me@example.com"}}});
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(json::StringOr(*got, "id"), "T1");
  ASSERT_EQ(Requests(), 1u);
  const auto& req = seen_.front();
  EXPECT_EQ(req.Header("Authorization").value_or(""), "Bearer secret-key-0123456789");
  EXPECT_EQ(req.Header("User-Agent").value_or(""), "im/" + std::string(kVersion));
  EXPECT_EQ(req.Header("Accept").value_or(""), "application/vnd.acme+json");
  EXPECT_EQ(req.Header("Content-Type").value_or(""), "application/json");
  EXPECT_EQ(req.Header("From").value_or(""), "me@example.com");
  EXPECT_EQ(req.Query("a b").value_or(""), "c&d");
  EXPECT_EQ(req.body, R"({"name":"x"})");
}

TEST_F(RestClientTest, TooManyRequestsWaitsRetryAfterSeconds) {
  Script({Answer(429, "{}", {{"Retry-After", "7"}}), Answer(200, R"({"ok":true})")});
  auto client = Client();
  auto got = client.Get("/things");
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(Requests(), 2u);
  EXPECT_EQ(waiter_.waited, seconds(7));
  CallStats stats = client.TakeStats();
  EXPECT_EQ(stats.calls, 2);
  EXPECT_EQ(stats.errors, 1);
  EXPECT_EQ(stats.rate_limited, 1);
  EXPECT_EQ(client.TakeStats().calls, 0) << "taken";
}

TEST_F(RestClientTest, TooManyRequestsWaitsUntilRetryAfterDate) {
  // 90 s after the fake clock's 2026-06-15T12:00:00Z, a Monday.
  Script(
      {Answer(429, "{}", {{"Retry-After", "Mon, 15 Jun 2026 12:01:30 GMT"}}), Answer(200, "{}")});
  auto got = Client().Get("/things");
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(waiter_.waited, seconds(90));
}

TEST_F(RestClientTest, RetryAfterReadsSecondsAndDates) {
  Time now = *ParseTime("2026-06-15T12:00:00Z");
  struct Case {
    std::string value;
    std::optional<Duration> want;
  };
  for (const auto& c : std::vector<Case>{{"0", Duration::zero()},
                                         {"120", seconds(120)},
                                         {"Mon, 15 Jun 2026 12:00:10 GMT", seconds(10)},
                                         {"Mon, 15 Jun 2026 11:00:00 GMT", Duration::zero()},
                                         {"-3", std::nullopt},
                                         {"soon", std::nullopt},
                                         {"Mon, 31 Jun 2026 12:00:10 GMT", std::nullopt},
                                         {"Monday, 15-Jun-26 12:00:10 GMT", std::nullopt}}) {
    SCOPED_TRACE(c.value);
    EXPECT_EQ(RetryAfter(Answer(429, "", {{"Retry-After", c.value}}), now), c.want);
  }
  EXPECT_EQ(RetryAfter(Answer(429, ""), now), std::nullopt);
}

TEST_F(RestClientTest, ServerErrorsAreRetriedWithGrowingBackoffUntilOneSucceeds) {
  Script({Answer(503, "{}"), Answer(500, "{}"), Answer(502, "{}"), Answer(200, R"({"n":1})")});
  auto got = Client().Get("/things");
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(Requests(), 4u);
  EXPECT_EQ(waiter_.waits, (std::vector<Duration>{seconds(1), seconds(2), seconds(4)}));
}

TEST_F(RestClientTest, GivesUpAfterMaxAttemptsWithTheLastError) {
  options_.max_attempts = 3;
  options_.max_backoff = seconds(3);
  Script({Answer(503, "{}")});
  auto got = Client().Get("/things");
  ASSERT_FALSE(got);
  EXPECT_EQ(Requests(), 3u);
  EXPECT_EQ(got.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(got.error().message, "Acme GET /things failed: HTTP 503 (gave up after 3 attempts)");
  EXPECT_EQ(waiter_.waits, (std::vector<Duration>{seconds(1), seconds(2)}));
}

TEST_F(RestClientTest, GarbledAnswerIsRetried) {
  Script({Answer(200, "{\"cut off"), Answer(200, R"({"ok":true})")});
  auto got = Client().Get("/things");
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(Requests(), 2u);
}

TEST_F(RestClientTest, RefusalIsNotRetriedAndReadsThroughTheProvidersErrorHook) {
  options_.error_for = [](const net::HttpResponse& r, const std::string& what) {
    auto v = json::Parse(r.body);
    std::string message = v && v->is_object() ? json::StringOr(v->as_object(), "message") : "";
    return HttpError(r.status, "Acme", what, message + " — fix the payload");
  };
  Script({Answer(422, R"({"message":"name is required","took":0.01,"requestId":"r1"})")});
  auto got = Client().Send("POST", "/things", json::object{});
  ASSERT_FALSE(got);
  EXPECT_EQ(Requests(), 1u);
  EXPECT_EQ(got.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(got.error().message,
            "Acme POST /things failed: HTTP 422: name is required — fix the payload");
}

TEST_F(RestClientTest, AmbiguousWriteIsLeftToTheCaller) {
  Script({Answer(503, "{}"), Answer(201, "{}")});
  auto got = Client().Send("POST", "/things", json::object{{"a", 1}}, /*retry_ambiguous=*/false);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(Requests(), 1u) << "a 503 may have made it: not sent again";
  EXPECT_EQ(waiter_.waited, Duration::zero());
}

TEST_F(RestClientTest, AmbiguousWriteIsStillRetriedAfterTooManyRequests) {
  Script({Answer(429, "{}", {{"Retry-After", "2"}}), Answer(201, R"({"id":"T2"})")});
  auto got = Client().Send("POST", "/things", json::object{{"a", 1}}, /*retry_ambiguous=*/false);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(Requests(), 2u) << "a 429 was not processed";
}

// Opsgenie's way: X-RateLimit-Period-In-Sec says which bucket tripped (1 or 60 seconds), and
// that is the wait; a throttled answer is a 429 whatever else it says.
TEST_F(RestClientTest, RateLimitHookPicksTheWait) {
  options_.rate_limit = [](const net::HttpResponse& r, Time) {
    RateLimitHint hint;
    hint.throttled = r.Header("X-RateLimit-State").value_or("") == "THROTTLED";
    if (auto period = HeaderInt(r, "X-RateLimit-Period-In-Sec")) hint.wait = seconds(*period);
    return hint;
  };
  Script(
      {Answer(429, "{}", {{"X-RateLimit-State", "THROTTLED"}, {"X-RateLimit-Period-In-Sec", "60"}}),
       Answer(429, "{}", {{"X-RateLimit-State", "THROTTLED"}, {"X-RateLimit-Period-In-Sec", "1"}}),
       Answer(200, "{}")});
  auto client = Client();
  auto got = client.Get("/things");
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(waiter_.waits, (std::vector<Duration>{seconds(60), seconds(1)}));
  EXPECT_EQ(client.TakeStats().rate_limited, 2);
}

TEST_F(RestClientTest, RetryAfterWinsOverTheRateLimitHook) {
  options_.rate_limit = [](const net::HttpResponse&, Time) {
    return RateLimitHint{.wait = seconds(60)};
  };
  Script({Answer(429, "{}", {{"Retry-After", "1"}}), Answer(200, "{}")});
  ASSERT_TRUE(Client().Get("/things"));
  EXPECT_EQ(waiter_.waited, seconds(1));
}

TEST_F(RestClientTest, TooManyRequestsBlocksTheSharedBudget) {
  Script({Answer(429, "{}", {{"Retry-After", "30"}})});
  options_.max_attempts = 1;
  auto got = Client().Get("/things");
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::kResourceExhausted);
  // Another caller on the same key waits out the window before its request goes.
  Script({Answer(200, "{}")});
  ASSERT_TRUE(Client().Get("/things"));
  EXPECT_EQ(waiter_.waited, seconds(30));
}

TEST_F(RestClientTest, StoppingDuringBackoffGivesUp) {
  waiter_.stopping = true;
  Script({Answer(503, "{}"), Answer(200, "{}")});
  auto got = Client().Get("/things");
  ASSERT_FALSE(got);
  EXPECT_EQ(Requests(), 1u);
}

TEST_F(RestClientTest, OneShotTriesOnceWithShortTimeouts) {
  RestOptions quick = OneShot(options_);
  EXPECT_EQ(quick.max_attempts, 1);
  EXPECT_EQ(quick.connect_timeout, std::chrono::milliseconds(2500));
  EXPECT_EQ(quick.request_timeout, std::chrono::milliseconds(3000));
  options_ = quick;
  Script({Answer(503, "{}"), Answer(200, "{}")});
  auto got = Client().Get("/things");
  ASSERT_FALSE(got);
  EXPECT_EQ(Requests(), 1u);
  EXPECT_EQ(waiter_.waited, Duration::zero());
  EXPECT_EQ(got.error().message, "Acme GET /things failed: HTTP 503");
}

TEST_F(RestClientTest, OneShotAnswersWithinItsLimitWhenTheServerHangs) {
  options_ = OneShot(options_);
  auto start = std::chrono::steady_clock::now();
  auto got = Client().Get("/hang");
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::kDeadlineExceeded);
  EXPECT_LT(took, std::chrono::milliseconds(4000));
}

}  // namespace
}  // namespace im::connectors

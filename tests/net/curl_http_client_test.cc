// CurlHttpClient against a real loopback http::Server on port 0.
#include "net/curl_http_client.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "http/router.h"
#include "http/server.h"

namespace im::net {
namespace {

class CurlHttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add("POST", "/echo", [](const HttpRequest& req) {
      HttpResponse res;
      res.status = 201;
      res.body = req.method + " " + req.body + " " + std::string(req.Header("X-Test").value_or(""));
      res.SetHeader("X-Reply", "yes");
      return res;
    });
    router_.Add("GET", "/fail", [](const HttpRequest&) {
      HttpResponse res;
      res.status = 503;
      res.body = "{}";
      return res;
    });
    router_.Add("GET", "/hang",
                [this](const HttpRequest&) {
                  std::unique_lock lock(mu_);
                  // Released by TearDown; bounded so a broken test cannot hang the suite.
                  cv_.wait_for(lock, std::chrono::seconds(30), [this] { return released_; });
                  return HttpResponse{};
                },
                {.blocking = true});
    server_ = std::make_unique<http::Server>(http::ServerOptions{.host = "127.0.0.1", .port = 0},
                                             router_, nullptr);
    ASSERT_TRUE(server_->Start().has_value());
    base_ = "http://127.0.0.1:" + std::to_string(server_->port());
  }
  void TearDown() override {
    {
      std::lock_guard lock(mu_);
      released_ = true;
    }
    cv_.notify_all();
    if (server_) server_->Stop();
  }

  http::Router router_;
  std::unique_ptr<http::Server> server_;
  std::string base_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool released_ = false;
};

TEST_F(CurlHttpClientTest, SendsMethodBodyAndHeadersAndReadsTheResponse) {
  CurlHttpClient client;
  auto res = client.Send(
      {.method = "POST", .url = base_ + "/echo", .headers = {{"X-Test", "abc"}}, .body = "hello"});
  ASSERT_TRUE(res.has_value()) << res.error().message;
  EXPECT_EQ(res->status, 201);
  EXPECT_EQ(res->body, "POST hello abc");
  EXPECT_EQ(res->Header("x-reply").value_or(""), "yes");
  EXPECT_EQ(res->content_type, "application/json");
}

TEST_F(CurlHttpClientTest, ServerErrorIsAResponseNotAnError) {
  CurlHttpClient client;
  auto res = client.Send({.url = base_ + "/fail"});
  ASSERT_TRUE(res.has_value());
  EXPECT_EQ(res->status, 503);
}

TEST_F(CurlHttpClientTest, TimeoutIsDeadlineExceeded) {
  CurlHttpClient client;
  auto res = client.Send({.url = base_ + "/hang", .timeout = std::chrono::milliseconds(200)});
  ASSERT_FALSE(res.has_value());
  EXPECT_EQ(res.error().code, ErrorCode::kDeadlineExceeded);
  EXPECT_NE(res.error().message.find("/hang"), std::string::npos);
}

TEST_F(CurlHttpClientTest, RefusedConnectionIsUnavailable) {
  std::string url = base_ + "/echo";
  // Destroyed rather than only stopped: Server::Stop() may leave the listening socket open until
  // the server object goes away (reported to the http owner).
  server_.reset();
  CurlHttpClient client;
  auto res = client.Send({.method = "POST", .url = url});
  ASSERT_FALSE(res.has_value());
  EXPECT_EQ(res.error().code, ErrorCode::kUnavailable);
}

TEST_F(CurlHttpClientTest, MalformedUrlIsInvalidArgument) {
  CurlHttpClient client;
  auto res = client.Send({.url = "ftp://example.invalid/x"});
  ASSERT_FALSE(res.has_value());
  EXPECT_EQ(res.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(CurlHttpClientTest, ManyThreadsShareOneClient) {
  CurlHttpClient client;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        std::string body = std::to_string(t) + "-" + std::to_string(i);
        auto res = client.Send({.method = "POST", .url = base_ + "/echo", .body = body});
        if (res && res->body == "POST " + body + " ") ++ok;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 200);
}

}  // namespace
}  // namespace im::net

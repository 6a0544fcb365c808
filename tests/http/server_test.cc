#include "http/server.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <future>
#include <mutex>
#include <set>
#include <thread>

#include "fakes/deadline.h"
#include "fakes/raw_http.h"

namespace im::http {
namespace {

using im::testing::Fetch;
using im::testing::RawConnection;

// A one-shot gate a handler waits on, opened by the test.
class Gate {
 public:
  void Open() {
    std::lock_guard l(mu_);
    open_ = true;
    cv_.notify_all();
  }
  void Wait() {
    std::unique_lock l(mu_);
    im::testing::WaitOrFail(
        cv_, l, [&] { return open_; }, "the test to open the gate");
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add("GET", "/hello", [](const net::HttpRequest& r) {
      net::HttpResponse res;
      res.content_type = "text/plain";
      res.body = "hello " + r.Query("name").value_or("world");
      return res;
    });
    router_.Add("POST", "/echo", [](const net::HttpRequest& r) {
      net::HttpResponse res;
      res.body = r.body;
      return res;
    });
    router_.Add(
        "POST", "/slow",
        [this](const net::HttpRequest&) {
          entered_.set_value();
          gate_.Wait();
          net::HttpResponse res;
          res.body = "finished";
          return res;
        },
        RouteOptions{.blocking = true});
  }

  std::unique_ptr<Server> StartServer(ServerOptions options = {}) {
    options.port = 0;
    auto s = std::make_unique<Server>(options, router_, &metrics_);
    EXPECT_TRUE(s->Start());
    return s;
  }

  Router router_;
  Metrics metrics_;
  Gate gate_;
  std::promise<void> entered_;
};

TEST_F(ServerTest, ServesSeveralRequestsOnOneKeepAliveConnection) {
  auto server = StartServer();
  RawConnection c(server->port());
  ASSERT_TRUE(c.connected());
  for (std::string name : {"a", "b", "c"}) {
    ASSERT_TRUE(c.Send("GET", "/hello?name=" + name));
    auto res = c.Read();
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->body, "hello " + name);
  }
}

TEST_F(ServerTest, AResetResponseClosesTheConnectionWithoutAnAnswer) {
  int handled = 0;
  router_.Add("POST", "/lost", [&handled](const net::HttpRequest&) {
    ++handled;
    net::HttpResponse res;
    res.reset = true;
    return res;
  });
  auto server = StartServer();
  RawConnection c(server->port());
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.Send("POST", "/lost", "{}"));
  EXPECT_FALSE(c.Read());  // no status line: the peer reset the connection
  EXPECT_EQ(handled, 1);   // but the handler ran
  auto next = Fetch(server->port(), "GET", "/hello?name=x");  // the server keeps serving
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
}

TEST_F(ServerTest, UnknownPathIsJson404AndWrongMethodIs405) {
  auto server = StartServer();
  auto res = Fetch(server->port(), "GET", "/nope");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_NE(res->body.find("\"code\":\"not_found\""), std::string::npos);
  res = Fetch(server->port(), "DELETE", "/hello");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 405);
}

TEST_F(ServerTest, RefusesBodiesOverTheLimit) {
  auto server = StartServer(ServerOptions{.body_limit = 1024});
  auto ok = Fetch(server->port(), "POST", "/echo", std::string(1000, 'x'));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(ok->body.size(), 1000u);
  auto big = Fetch(server->port(), "POST", "/echo", std::string(5000, 'x'));
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
}

TEST_F(ServerTest, StopLetsTheInFlightRequestFinish) {
  auto server = StartServer();
  RawConnection busy(server->port());
  ASSERT_TRUE(busy.Send("POST", "/slow", "{}"));
  im::testing::WaitOrFail(entered_.get_future(), "the handler to run");
  RawConnection idle(server->port());
  ASSERT_TRUE(idle.Send("GET", "/hello"));
  ASSERT_TRUE(idle.Read());  // idle now: waiting for its next request

  auto stopped = std::async(std::launch::async, [&] { server->Stop(); });
  EXPECT_TRUE(idle.ClosedByPeer());  // idle connections are closed at once
  EXPECT_EQ(stopped.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);
  gate_.Open();
  auto res = busy.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "finished");
  EXPECT_EQ(res->headers["connection"], "close");
  im::testing::WaitOrFail(stopped, "Stop to return");
  EXPECT_FALSE(Fetch(server->port(), "GET", "/hello"));  // no longer accepting
}

TEST_F(ServerTest, CountsRequestsByRouteAndStatus) {
  auto server = StartServer();
  ASSERT_TRUE(Fetch(server->port(), "GET", "/hello"));
  ASSERT_TRUE(Fetch(server->port(), "GET", "/missing"));
  std::string text;
  metrics_.Render(text);
  EXPECT_NE(text.find("im_http_requests_total{route=\"/hello\",method=\"GET\",status=\"200\"} 1"),
            std::string::npos);
  EXPECT_NE(text.find("route=\"unmatched\",method=\"GET\",status=\"404\"} 1"), std::string::npos);
  EXPECT_NE(text.find("im_http_request_duration_seconds_count{route=\"/hello\"} 1"),
            std::string::npos);
}

// An async route whose answer the test gives later, from its own thread.
class AsyncServerTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    router_.AddAsync("POST", "/later", [this](const net::HttpRequest& r, Responder respond) {
      std::lock_guard l(mu_);
      pending_.push_back({r.body, std::move(respond)});
      cv_.notify_all();
    });
    router_.AddAsync("POST", "/dropped", [](const net::HttpRequest&, Responder) {});
  }
  // Waits until `n` requests wait for an answer, and takes them.
  std::vector<std::pair<std::string, Responder>> Take(size_t n) {
    std::unique_lock l(mu_);
    im::testing::WaitOrFail(
        cv_, l, [&] { return pending_.size() >= n; }, "requests waiting for an answer");
    return std::exchange(pending_, {});
  }
  static net::HttpResponse Answer(std::string body) {
    net::HttpResponse res;
    res.status = 202;
    res.body = std::move(body);
    return res;
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::pair<std::string, Responder>> pending_;
};

TEST_F(AsyncServerTest, AnswersComeFromAnotherThreadWhileTheServerGoesOn) {
  auto server = StartServer(ServerOptions{.io_threads = 1});  // one thread: it must not block
  RawConnection a(server->port()), b(server->port());
  ASSERT_TRUE(a.Send("POST", "/later", "first"));
  ASSERT_TRUE(b.Send("POST", "/later", "second"));
  auto waiting = Take(2);
  auto hello = Fetch(server->port(), "GET", "/hello");  // served while both wait
  ASSERT_TRUE(hello);
  EXPECT_EQ(hello->status, 200);
  std::thread answerer([&] {
    for (auto& [body, respond] : waiting) respond(Answer("done " + body));
  });
  answerer.join();
  std::set<std::string> bodies;
  for (RawConnection* c : {&a, &b}) {
    auto res = c->Read();
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 202);
    bodies.insert(res->body);
  }
  EXPECT_EQ(bodies, (std::set<std::string>{"done first", "done second"}));
  ASSERT_TRUE(a.Send("POST", "/later", "again"));  // the connection is kept alive
  Take(1)[0].second(Answer("ok"));
  auto again = a.Read();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->body, "ok");
}

TEST_F(AsyncServerTest, OnlyTheFirstAnswerIsSent) {
  auto server = StartServer();
  RawConnection c(server->port());
  ASSERT_TRUE(c.Send("POST", "/later", "x"));
  auto waiting = Take(1);
  Responder copy = waiting[0].second;
  waiting[0].second(Answer("first"));
  copy(Answer("second"));
  auto res = c.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body, "first");
  ASSERT_TRUE(c.Send("GET", "/hello"));  // the stray second answer did not land here
  auto next = c.Read();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "hello world");
}

TEST_F(AsyncServerTest, ARequestDroppedWithoutAnAnswerGets500) {
  auto server = StartServer();
  auto res = Fetch(server->port(), "POST", "/dropped", "{}");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 500);
  EXPECT_NE(res->body.find("\"code\":\"internal\""), std::string::npos);
}

TEST_F(AsyncServerTest, StopWaitsForAnAnswerStillOwed) {
  auto server = StartServer();
  RawConnection c(server->port());
  ASSERT_TRUE(c.Send("POST", "/later", "x"));
  auto waiting = Take(1);
  RawConnection idle(server->port());
  ASSERT_TRUE(idle.Send("GET", "/hello"));
  ASSERT_TRUE(idle.Read());
  auto stopped = std::async(std::launch::async, [&] { server->Stop(); });
  EXPECT_TRUE(idle.ClosedByPeer());  // stopping has begun
  waiting[0].second(Answer("finished"));
  auto res = c.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body, "finished");
  EXPECT_EQ(res->headers["connection"], "close");
  im::testing::WaitOrFail(stopped, "Stop to return");
}

TEST_F(AsyncServerTest, StopPastItsGraceStillWaitsForAnOwedAnswer) {
  auto server = StartServer(ServerOptions{.shutdown_grace = std::chrono::seconds(0)});
  RawConnection c(server->port());
  ASSERT_TRUE(c.Send("POST", "/later", "x"));
  auto waiting = Take(1);
  auto stopped = std::async(std::launch::async, [&] { server->Stop(); });
  // The answer is owed (a commit still running): the network threads must not go first.
  EXPECT_EQ(stopped.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);
  waiting[0].second(Answer("late but delivered"));
  im::testing::WaitOrFail(stopped, "Stop to return");
  waiting.clear();  // the last Responder goes after the server stopped: nothing is touched
}

}  // namespace
}  // namespace im::http

// The checkers: judging HTTP answers and heartbeats (pure), and real TCP and HTTP checks
// against loopback servers.
#include "monitor/checks.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/time.h"
#include "http/server.h"

namespace im::monitor {
namespace {

Monitor Http(std::string url) {
  Monitor m;
  m.name = "web";
  m.target = std::move(url);
  m.timeout = std::chrono::seconds(5);
  return m;
}

const Time kNow = *ParseTime("2026-12-04T12:00:00Z");

TEST(JudgeHttpTest, StatusBodyJsonAndCertificate) {
  Monitor m = Http("https://x.example/");
  EXPECT_EQ(JudgeHttpAnswer(m, 200, "", std::nullopt, kNow), "");
  EXPECT_EQ(JudgeHttpAnswer(m, 503, "", std::nullopt, kNow), "HTTP 503");
  m.expected_status = {{200, 200}, {301, 302}};
  EXPECT_EQ(JudgeHttpAnswer(m, 302, "", std::nullopt, kNow), "");
  EXPECT_EQ(JudgeHttpAnswer(m, 204, "", std::nullopt, kNow), "HTTP 204");
  m.body_contains = "healthy";
  EXPECT_NE(JudgeHttpAnswer(m, 200, "sick", std::nullopt, kNow), "");
  m.body_contains.clear();
  m.json_path = "/checks/0/status";
  m.json_equals = "up";
  EXPECT_EQ(JudgeHttpAnswer(m, 200, R"({"checks":[{"status":"up"}]})", std::nullopt, kNow), "");
  EXPECT_EQ(JudgeHttpAnswer(m, 200, R"({"checks":[{"status":"down"}]})", std::nullopt, kNow),
            "HTTP 200: /checks/0/status is down, not up");
  EXPECT_NE(JudgeHttpAnswer(m, 200, "not json", std::nullopt, kNow), "");
  m.json_path.clear();
  m.tls_expiry_days = 14;
  EXPECT_EQ(JudgeHttpAnswer(m, 200, "", kNow + std::chrono::days(30), kNow), "");
  EXPECT_NE(JudgeHttpAnswer(m, 200, "", kNow + std::chrono::days(3), kNow).find("certificate"),
            std::string::npos);
}

TEST(JudgeHeartbeatTest, CountsFromTheLastPingOrFromWhenWatchingStarted) {
  Monitor m;
  m.type = MonitorType::kHeartbeat;
  m.interval = std::chrono::minutes(10);
  m.timeout = std::chrono::minutes(1);
  EXPECT_TRUE(
      JudgeHeartbeat(m, {.now = kNow, .watching_since = kNow - std::chrono::minutes(5)}).ok);
  auto none = JudgeHeartbeat(m, {.now = kNow, .watching_since = kNow - std::chrono::minutes(12)});
  EXPECT_FALSE(none.ok);
  EXPECT_NE(none.error.find("no heartbeat yet"), std::string::npos);
  EXPECT_TRUE(JudgeHeartbeat(m, {.now = kNow,
                                 .last_heartbeat = kNow - std::chrono::minutes(11),
                                 .watching_since = kNow - std::chrono::days(1)})
                  .ok);
  EXPECT_FALSE(JudgeHeartbeat(m, {.now = kNow,
                                  .last_heartbeat = kNow - std::chrono::minutes(12),
                                  .watching_since = kNow - std::chrono::days(1)})
                   .ok);
}

TEST(TcpCheckTest, ConnectsToAListenerAndFailsOnAClosedPort) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(fd, 4), 0);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  Monitor m;
  m.type = MonitorType::kTcp;
  m.target = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  m.timeout = std::chrono::seconds(5);
  auto up = RunCheck(m, {.now = kNow});
  EXPECT_TRUE(up.ok) << up.error;
  EXPECT_EQ(up.at, kNow);
  close(fd);
  auto down = RunCheck(m, {.now = kNow});
  EXPECT_FALSE(down.ok);
  EXPECT_NE(down.error.find("refused"), std::string::npos) << down.error;
}

TEST(HttpCheckTest, ChecksARealServerWithMethodHeadersAndRedirects) {
  http::Router router;
  router.Add("POST", "/health", [](const net::HttpRequest& r) {
    net::HttpResponse res;
    bool authed = r.Header("X-Token") && *r.Header("X-Token") == "s3cret" && r.body == "ping";
    res.status = authed ? 200 : 401;
    res.body = R"({"status":"up"})";
    return res;
  });
  router.Add("GET", "/old", [](const net::HttpRequest&) {
    net::HttpResponse res;
    res.status = 301;
    res.headers.emplace_back("Location", "/new");
    return res;
  });
  router.Add("GET", "/new", [](const net::HttpRequest&) {
    net::HttpResponse res;
    res.status = 200;
    res.body = "healthy";
    return res;
  });
  http::Server server({.host = "127.0.0.1", .port = 0}, router, nullptr);
  ASSERT_TRUE(server.Start());
  const std::string base = "http://127.0.0.1:" + std::to_string(server.port());
  Monitor m = Http(base + "/health");
  m.method = "POST";
  m.body = "ping";
  m.headers = {{"X-Token", "s3cret"}};
  m.json_path = "/status";
  m.json_equals = "up";
  auto ok = RunCheck(m, {.now = kNow});
  EXPECT_TRUE(ok.ok) << ok.error;
  m.headers = {{"X-Token", "wrong"}};
  EXPECT_EQ(RunCheck(m, {.now = kNow}).error, "HTTP 401");
  Monitor r = Http(base + "/old");
  r.body_contains = "healthy";
  EXPECT_TRUE(RunCheck(r, {.now = kNow}).ok);
  r.follow_redirects = false;
  EXPECT_EQ(RunCheck(r, {.now = kNow}).error, "HTTP 301");
  server.Stop();
}

}  // namespace
}  // namespace im::monitor

namespace im::monitor {
namespace {

TEST(DnsCheckTest, ResolvesThroughTheSystemResolverAndComparesTheAnswer) {
  Monitor m;
  m.type = MonitorType::kDns;
  m.target = "localhost";  // /etc/hosts: no network needed
  m.expected_answer = "127.0.0.1";
  auto ok = RunCheck(m, {.now = kNow});
  EXPECT_TRUE(ok.ok) << ok.error;
  m.expected_answer = "10.9.9.9";
  auto wrong = RunCheck(m, {.now = kNow});
  EXPECT_FALSE(wrong.ok);
  EXPECT_NE(wrong.error.find("answered 127.0.0.1, not 10.9.9.9"), std::string::npos) << wrong.error;
  m.target = "no-such-host.invalid";
  m.expected_answer.clear();
  EXPECT_FALSE(RunCheck(m, {.now = kNow}).ok);
}

TEST(IcmpCheckTest, LoopbackRepliesOrTheErrorSaysHowToAllowPings) {
  Monitor m;
  m.type = MonitorType::kIcmp;
  m.target = "127.0.0.1";
  m.timeout = std::chrono::seconds(5);
  auto r = RunCheck(m, {.now = kNow});
  if (!r.ok) {
    EXPECT_NE(r.error.find("ping_group_range"), std::string::npos) << r.error;
  }
}

}  // namespace
}  // namespace im::monitor

// The checkers: judging HTTP answers and heartbeats (pure), and real TCP and HTTP checks
// against loopback servers.
#include "monitor/checks.h"

#include <gtest/gtest.h>
#include <netinet/in.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <array>
#include <memory>

#include "common/time.h"
#include "fakes/deadline.h"
#include "fakes/ports.h"
#include "fakes/process.h"
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
  im::testing::LoopbackSocket listener;
  ASSERT_TRUE(listener.ok());
  Monitor m;
  m.type = MonitorType::kTcp;
  m.target = listener.address();
  m.timeout = std::chrono::seconds(5);
  auto up = RunCheck(m, {.now = kNow});
  EXPECT_TRUE(up.ok) << up.error;
  EXPECT_EQ(up.at, kNow);
  listener.Close();
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

// A real DNS server (Debian's dnsmasq, from scripts/setup.sh) on a loopback port, serving
// the records of example.test and nothing else.
class DnsmasqServer {
 public:
  // The port is picked before dnsmasq binds it; should another program take it meanwhile,
  // dnsmasq exits and is started again on another.
  DnsmasqServer() {
    for (int attempt = 0; attempt < 5; ++attempt) {
      port_ = im::testing::FreeLoopbackPort(SOCK_DGRAM);
      process_ = std::make_unique<im::testing::Process>(std::vector<std::string>{
          "/usr/sbin/dnsmasq", "--keep-in-foreground", "--port=" + std::to_string(port_),
          "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts",
          "--conf-file=/dev/null", "--pid-file=", "--local=/test/",
          "--host-record=example.test,192.0.2.7,2001:db8::7",
          "--mx-host=example.test,mail.example.test,10", "--txt-record=example.test,v=spf1 -all",
          "--cname=www.example.test,example.test"});
      if (!process_->started()) return;
      Monitor probe;
      probe.type = MonitorType::kDns;
      probe.resolver = resolver();
      probe.target = "example.test";
      probe.timeout = std::chrono::seconds(1);
      bool exited = false;
      // Answering, or gone (its port was taken): whichever comes first.
      if (!im::testing::PollUntil([&] {
            exited = process_->Exited();
            return exited || RunCheck(probe, {.now = kNow}).ok;
          })) {
        return;  // running, not answering: not ready
      }
      if (!exited) {
        ready_ = true;
        return;
      }
    }
  }
  std::string resolver() const { return "127.0.0.1:" + std::to_string(port_); }
  bool started() const { return process_ && process_->started(); }
  bool ready() const { return ready_; }

 private:
  uint16_t port_ = 0;
  bool ready_ = false;
  std::unique_ptr<im::testing::Process> process_;
};

Monitor Dns(const std::string& resolver, std::string type, std::string name, std::string expected) {
  Monitor m;
  m.type = MonitorType::kDns;
  m.resolver = resolver;
  m.record_type = std::move(type);
  m.target = std::move(name);
  m.expected_answer = std::move(expected);
  m.timeout = std::chrono::seconds(2);
  return m;
}

TEST(DnsCheckTest, AsksTheGivenServerForEveryRecordType) {
  DnsmasqServer dns;
  ASSERT_TRUE(dns.started()) << "dnsmasq is missing: run scripts/setup.sh";
  ASSERT_TRUE(dns.ready()) << "dnsmasq did not answer";
  const std::string r = dns.resolver();
  for (const auto& [type, name, expected] :
       std::vector<std::array<std::string, 3>>{{"A", "example.test", "192.0.2.7"},
                                               {"AAAA", "example.test", "2001:DB8:0::7"},
                                               {"MX", "example.test", "10 mail.example.test"},
                                               {"MX", "example.test", "MAIL.example.test."},
                                               {"TXT", "example.test", "v=spf1 -all"},
                                               {"CNAME", "www.example.test", "example.test"}}) {
    auto ok = RunCheck(Dns(r, type, name, expected), {.now = kNow});
    EXPECT_TRUE(ok.ok) << type << " " << name << ": " << ok.error;
  }
  auto wrong = RunCheck(Dns(r, "MX", "example.test", "mx.other.test"), {.now = kNow});
  EXPECT_FALSE(wrong.ok);
  EXPECT_EQ(wrong.error, "MX example.test answered 10 mail.example.test, not mx.other.test");
  auto none = RunCheck(Dns(r, "A", "missing.example.test", ""), {.now = kNow});
  EXPECT_FALSE(none.ok);
  EXPECT_NE(none.error.find("NXDOMAIN"), std::string::npos) << none.error;
  auto no_cname = RunCheck(Dns(r, "CNAME", "example.test", ""), {.now = kNow});
  EXPECT_FALSE(no_cname.ok);
  EXPECT_NE(no_cname.error.find("has no CNAME records"), std::string::npos) << no_cname.error;
}

TEST(DnsCheckTest, ASilentServerFailsWithinTheTimeout) {
  im::testing::LoopbackSocket silent(SOCK_DGRAM);  // bound, never answers
  ASSERT_TRUE(silent.ok());
  auto m = Dns(silent.address(), "TXT", "example.test", "");
  m.timeout = std::chrono::seconds(1);
  auto r = RunCheck(m, {.now = kNow});
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("no answer from 127.0.0.1:"), std::string::npos) << r.error;
}

TEST(DnsCheckTest, AnswersCompareAsAddressesAndNames) {
  EXPECT_TRUE(DnsAnswerMatches("AAAA", "2001:db8::7", "2001:0db8:0:0::7"));
  EXPECT_FALSE(DnsAnswerMatches("A", "192.0.2.7", "192.0.2.70"));
  EXPECT_TRUE(DnsAnswerMatches("CNAME", "Example.Test", "example.test."));
  EXPECT_FALSE(DnsAnswerMatches("TXT", "v=spf1 -all", "V=SPF1 -ALL"));
  EXPECT_TRUE(DnsAnswerMatches("MX", "10 mail.example.test", "mail.example.test"));
  EXPECT_FALSE(DnsAnswerMatches("MX", "10 mail.example.test", "10"));
  EXPECT_EQ(ParseResolver("127.0.0.1:5353"), (std::pair<std::string, uint16_t>{"127.0.0.1", 5353}));
  EXPECT_EQ(ParseResolver("192.0.2.53")->second, 53);
  EXPECT_FALSE(ParseResolver("dns.example:53"));
  EXPECT_FALSE(ParseResolver("127.0.0.1:0"));
  EXPECT_FALSE(ParseResolver("127.0.0.1:99999"));
}

TEST(IcmpCheckTest, LoopbackRepliesOrTheErrorSaysHowToAllowPings) {
  Monitor m;
  m.type = MonitorType::kIcmp;
  m.target = "127.0.0.1";
  m.timeout = std::chrono::seconds(5);
  for (const char* target : {"127.0.0.1", "::1", "[::1]"}) {
    m.target = target;
    auto r = RunCheck(m, {.now = kNow});
    if (!r.ok) {
      EXPECT_NE(r.error.find("ping_group_range"), std::string::npos) << target << ": " << r.error;
    }
  }
}

}  // namespace
}  // namespace im::monitor

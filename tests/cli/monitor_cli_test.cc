// Uptime monitors as a user runs them: the real `im` binary, a real `im sim pagerduty` process
// as PagerDuty, real TCP targets on loopback, and `im serve` for the Events v2 endpoint.
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <thread>

#include "common/json.h"
#include "fakes/deadline.h"
#include "fakes/process.h"
#include "fakes/raw_http.h"
#include "fakes/sqlite_query.h"
#include "fakes/temp_dir.h"

namespace im::cli {
namespace {

using im::testing::Process;

// A TCP port on loopback that is up while a listener holds it.
class Target {
 public:
  Target() {
    Listen(0);
    ::close(fd_);
    fd_ = -1;
  }
  ~Target() { Down(); }
  void Up() { Listen(port_); }
  void Down() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  uint16_t port() const { return port_; }

 private:
  void Listen(uint16_t port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(listen(fd_, 16), 0);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  int fd_ = -1;
  uint16_t port_ = 0;
};

class MonitorCliTest : public ::testing::Test {
 public:
  void SetUp() override {
    sim_ = std::make_unique<Process>(std::vector<std::string>{
        im::testing::ImBinary(), "sim", "pagerduty", "--listen", "127.0.0.1:0", "--api-key",
        "cli-test-key", "--incidents", "0", "--seed", "5", "--rate-limit", "off"});
    ASSERT_TRUE(sim_->started());
    std::string banner = sim_->ReadLine();
    auto at = banner.find("http://127.0.0.1:");
    ASSERT_NE(at, std::string::npos) << banner;
    port_ = static_cast<uint16_t>(std::stoi(banner.substr(at + 17)));
    auto state = im::testing::Fetch(port_, "GET", "/_sim/state");
    ASSERT_TRUE(state);
    auto v = json::Parse(state->body);
    ASSERT_TRUE(v) << state->body;
    routing_key_ = std::string(v->at("services").as_array().at(0).at("routing_key").as_string());
  }

  std::string Env() const {
    return "env -u IM_DATA_DIR -u IM_CONFIG HOME=" + dir_.path().string() + " ";
  }
  int Im(const std::string& args, std::string* out = nullptr) {
    std::string file = (dir_.path() / "out.txt").string();
    std::string cmd = Env() + im::testing::ImBinary() + " --data-dir " + data() + " " + args +
                      " >" + file + " 2>&1";
    int status = im::testing::SystemWithDeadline(cmd);
    if (out) {
      std::ifstream in(file);
      out->assign(std::istreambuf_iterator<char>(in), {});
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  std::unique_ptr<Process> Serve() {
    auto server = std::make_unique<Process>(std::vector<std::string>{
        "/usr/bin/env", "-u", "IM_DATA_DIR", "-u", "IM_CONFIG", "HOME=" + dir_.path().string(),
        im::testing::ImBinary(), "--data-dir", data(), "serve", "--listen", "127.0.0.1:0"});
    std::string banner = server->ReadLine();
    auto at = banner.find("http://127.0.0.1:");
    EXPECT_NE(at, std::string::npos) << banner;
    if (at != std::string::npos)
      im_port_ = static_cast<uint16_t>(std::stoi(banner.substr(at + 17)));
    return server;
  }
  std::string data() const { return (dir_.path() / "data").string(); }
  std::string db() const { return data() + "/im.db"; }
  int64_t Query(const std::string& sql) { return im::testing::QueryInt(db(), sql); }
  std::string Sim() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // The Events API requests the simulator answered with `action`.
  int SimEvents(const std::string& action) {
    auto r = im::testing::Fetch(port_, "GET", "/_sim/requests");
    if (!r) return -1;
    int n = 0;
    for (size_t at = 0;
         (at = r->body.find("\\\"event_action\\\":\\\"" + action, at)) != std::string::npos; ++at) {
      ++n;
    }
    return n;
  }
  json::array SimIncidents(const std::string& key) {
    auto r = im::testing::Fetch(port_, "GET", "/incidents?incident_key=" + key + "&date_range=all",
                                "", "Authorization: Token token=cli-test-key\r\n");
    auto v = r ? json::Parse(r->body) : Result<json::value>(std::unexpected(Error{}));
    return v ? v->at("incidents").as_array() : json::array{};
  }

  im::testing::TempDir dir_;
  std::unique_ptr<Process> sim_;
  uint16_t port_ = 0;
  uint16_t im_port_ = 0;
  std::string routing_key_;
};

// Writes to im's database from the test (setting up what another process would have done).
void ExecSql(const std::string& db_path, const std::string& sql) {
  EXPECT_TRUE(im::testing::ExecSql(db_path, sql)) << sql;
}

std::string ThisProcessAsLeaseHolder() {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  return std::string(host) + ":" + std::to_string(getpid()) + ":test";
}

// Adds channel pd (the simulator) and monitor web (a TCP target, paging pd at the first
// failure and resolving at the first success); returns the monitor's dedup key.
std::string AddPagedMonitor(MonitorCliTest& t, const Target& target);

// kill -9 after the outage is recorded and before its page left (the channel's outbox is held
// by another live process, as a second instance would hold it): after a restart exactly one
// trigger reaches PagerDuty, and exactly one resolve when the monitor recovers.
TEST_F(MonitorCliTest, KilledBetweenOutageAndPageSendsExactlyOneTriggerAndOneResolve) {
  Target target;
  const std::string key = AddPagedMonitor(*this, target);
  ExecSql(db(), "INSERT INTO outbox_leases (connector, owner, until) VALUES ('channel:pd', '" +
                    ThisProcessAsLeaseHolder() + "', 9000000000000000)");
  // The server checks the never-checked monitor at once: the target is down.
  auto server = Serve();
  ASSERT_TRUE(im::testing::PollUntil([&] {
    return Query("SELECT count(*) FROM connector_outbox WHERE connector = 'channel:pd'") == 1;
  }));
  server->Signal(SIGKILL);
  EXPECT_EQ(server->Wait(), 128 + SIGKILL);
  EXPECT_EQ(Query("SELECT count(*) FROM incidents WHERE status = 'open'"), 1);
  EXPECT_EQ(Query("SELECT count(*) FROM connector_outbox WHERE state = 'pending'"), 1);
  EXPECT_EQ(SimEvents("trigger"), 0);

  ExecSql(db(), "DELETE FROM outbox_leases");  // the other instance is gone
  server = Serve();
  ASSERT_TRUE(im::testing::PollUntil(
      [&] { return Query("SELECT count(*) FROM connector_outbox WHERE state = 'sent'") == 1; }));
  target.Up();
  ASSERT_EQ(Im("monitor check web"), 0);  // recovered: resolves im's incident and PagerDuty's
  ASSERT_TRUE(im::testing::PollUntil(
      [&] { return Query("SELECT count(*) FROM connector_outbox WHERE state = 'sent'") == 2; }));
  server->Signal(SIGTERM);
  EXPECT_EQ(server->Wait(), 0);

  EXPECT_EQ(SimEvents("trigger"), 1);
  EXPECT_EQ(SimEvents("resolve"), 1);
  auto incidents = SimIncidents(key);
  ASSERT_EQ(incidents.size(), 1u);
  EXPECT_EQ(incidents[0].at("status").as_string(), "resolved");
  EXPECT_EQ(incidents[0].at("urgency").as_string(), "high");  // SEV-1 → critical
  EXPECT_EQ(Query("SELECT count(*) FROM incidents WHERE status = 'resolved'"), 1);
}

// kill -9 after PagerDuty took the trigger but before im heard back: the trigger is sent again
// after the restart with the same dedup_key, and PagerDuty still has one alert, resolved.
TEST_F(MonitorCliTest, KilledWhileThePageIsOnTheWireLeavesOneAlert) {
  Target target;
  const std::string key = AddPagedMonitor(*this, target);
  ASSERT_TRUE(im::testing::Fetch(port_, "PATCH", "/_sim/knobs", "{\"latency_ms\":700}"));
  Process check({"/usr/bin/env", "-u", "IM_DATA_DIR", "-u", "IM_CONFIG",
                 "HOME=" + dir_.path().string(), im::testing::ImBinary(), "--data-dir", data(),
                 "monitor", "check", "web"});
  ASSERT_TRUE(check.started());
  ASSERT_TRUE(im::testing::PollUntil([&] { return SimEvents("trigger") == 1; }));
  check.Signal(SIGKILL);
  check.Wait();
  ASSERT_TRUE(im::testing::Fetch(port_, "PATCH", "/_sim/knobs", "{\"latency_ms\":0}"));
  target.Up();
  ASSERT_EQ(Im("monitor check web"), 0);  // sends what is pending, in order, then resolves
  EXPECT_EQ(Query("SELECT count(*) FROM connector_outbox WHERE state = 'sent'"), 2);
  auto incidents = SimIncidents(key);
  ASSERT_EQ(incidents.size(), 1u);
  EXPECT_EQ(incidents[0].at("status").as_string(), "resolved");
  EXPECT_EQ(SimEvents("resolve"), 1);
}

std::string AddPagedMonitor(MonitorCliTest& t, const Target& target) {
  EXPECT_EQ(t.Im("channel add pagerduty pd --integration-key " + t.routing_key_ + " --events-url " +
                 t.Sim()),
            0);
  EXPECT_EQ(t.Im("monitor add web --type tcp --target 127.0.0.1:" + std::to_string(target.port()) +
                 " --channel pd --failure-threshold 1 --recovery-threshold 1 --sev SEV-1"),
            0);
  return "im-" +
         im::testing::QueryText(t.db(), "SELECT value FROM settings WHERE key = 'install_id'") +
         "-monitor-" + std::to_string(t.Query("SELECT id FROM monitors WHERE name = 'web'"));
}

TEST_F(MonitorCliTest, BadMonitorDefinitionsAreRefusedNamingTheFlagAndStoreNothing) {
  std::string out;
  EXPECT_EQ(Im("monitor add web --url http://127.0.0.1:1/ --interval 5s", &out), 3);
  EXPECT_NE(out.find("interval: 5s is below the minimum of 10s"), std::string::npos) << out;
  EXPECT_EQ(Im("monitor add web --url ftp://x/", &out), 3);
  EXPECT_NE(out.find("url:"), std::string::npos) << out;
  EXPECT_EQ(
      Im("monitor add web --url http://x/ --maintenance 'weekly sun 02:00-04:00 Mars/X'", &out), 3);
  EXPECT_NE(out.find("maintenance[0] zone: unknown time zone"), std::string::npos) << out;
  EXPECT_EQ(Im("monitor add web --url http://x/ --channel nope", &out), 3);
  EXPECT_NE(out.find("channels: no channel named 'nope'"), std::string::npos) << out;
  EXPECT_EQ(Im("channel add pagerduty pd --integration-key short", &out), 3);
  EXPECT_NE(out.find("--integration-key"), std::string::npos) << out;
  EXPECT_EQ(Query("SELECT count(*) FROM monitors"), 0);
  EXPECT_EQ(Query("SELECT count(*) FROM channels"), 0);
  EXPECT_EQ(Im("monitor show nope", &out), 4);
}

TEST_F(MonitorCliTest, ShowPrintsUptimeAndResponseTimes) {
  Target target;
  target.Up();
  ASSERT_EQ(Im("monitor add db --type tcp --target 127.0.0.1:" + std::to_string(target.port())), 0);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(Im("monitor check db"), 0);
  target.Down();
  ASSERT_EQ(Im("monitor check db"), 0);
  std::string out;
  ASSERT_EQ(Im("monitor show db", &out), 0);
  EXPECT_NE(out.find("24h     4       1       75.000%"), std::string::npos) << out;
  ASSERT_EQ(Im("--json monitor show db", &out), 0);
  auto v = json::Parse(out);
  ASSERT_TRUE(v) << out;
  EXPECT_DOUBLE_EQ(v->at("stats").at("7d").at("uptime_percent").as_double(), 75.0);
}

TEST_F(MonitorCliTest, EventsV2EndpointTakesPagerDutyBodiesUnchanged) {
  std::string key;
  ASSERT_EQ(Im("integration add events --service payments --severity-map critical=SEV-1", &key), 0);
  key = key.substr(0, key.find('\n'));
  ASSERT_EQ(key.size(), 32u) << key;
  auto server = Serve();
  auto post = [&](const std::string& body) {
    return im::testing::Fetch(im_port_, "POST", "/v2/enqueue", body,
                              "Content-Type: application/json\r\n");
  };
  auto r = post(
      R"({"routing_key":")" + key +
      R"(","event_action":"trigger","dedup_key":"disk-db1","payload":{"summary":"Disk full","source":"db1","severity":"critical"}})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 202);
  EXPECT_EQ(r->body, R"({"status":"success","message":"Event processed","dedup_key":"disk-db1"})");
  // Durable before the 202: another process reads it at once.
  EXPECT_EQ(Query("SELECT count(*) FROM incidents WHERE title = 'Disk full' AND severity = 1 AND "
                  "status = 'open'"),
            1);
  auto bad = post(R"({"routing_key":")" + key + R"(","event_action":"trigger","payload":{}})");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  auto v = json::Parse(bad->body);
  ASSERT_TRUE(v) << bad->body;
  EXPECT_EQ(v->at("status").as_string(), "invalid event");
  EXPECT_EQ(v->at("errors").as_array().size(), 3u);
  auto resolved =
      post(R"({"routing_key":")" + key + R"(","event_action":"resolve","dedup_key":"disk-db1"})");
  ASSERT_TRUE(resolved);
  EXPECT_EQ(resolved->status, 202);
  EXPECT_EQ(Query("SELECT count(*) FROM incidents WHERE status = 'resolved'"), 1);
  server->Signal(SIGTERM);
  EXPECT_EQ(server->Wait(), 0);
}

TEST_F(MonitorCliTest, MonitorsApiAddsShowsEditsAndRemovesWithAToken) {
  std::string token;
  ASSERT_EQ(Im("token create --name api", &token), 0);
  token = token.substr(0, token.find('\n'));
  const std::string auth = "Authorization: Bearer " + token + "\r\n";
  auto server = Serve();
  const std::string def = R"({"name":"backup","type":"heartbeat","interval":"1h"})";
  auto unauth = im::testing::Fetch(im_port_, "POST", "/api/v1/monitors", def);
  ASSERT_TRUE(unauth);
  EXPECT_EQ(unauth->status, 401);
  auto bad =
      im::testing::Fetch(im_port_, "POST", "/api/v1/monitors",
                         R"({"name":"web","url":"https://x.example/","interval":"1s"})", auth);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 422);
  EXPECT_NE(bad->body.find("interval: 1s is below the minimum"), std::string::npos) << bad->body;
  EXPECT_EQ(Query("SELECT count(*) FROM monitors"), 0);

  auto added = im::testing::Fetch(im_port_, "POST", "/api/v1/monitors", def, auth);
  ASSERT_TRUE(added);
  ASSERT_EQ(added->status, 201) << added->body;
  auto v = json::Parse(added->body);
  ASSERT_TRUE(v) << added->body;
  std::string url(v->at("heartbeat_url").as_string());
  auto ping = im::testing::Fetch(im_port_, "POST", url);  // no token: the URL is the secret
  ASSERT_TRUE(ping);
  EXPECT_EQ(ping->status, 200) << ping->body;
  EXPECT_EQ(Query("SELECT count(*) FROM monitors WHERE last_heartbeat_at IS NOT NULL"), 1);
  auto wrong = im::testing::Fetch(im_port_, "POST", "/api/v1/monitors/heartbeat/nope");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 404);

  auto patched = im::testing::Fetch(im_port_, "PATCH", "/api/v1/monitors/backup",
                                    R"({"name":"nightly-backup","interval":"2h"})", auth);
  ASSERT_TRUE(patched);
  EXPECT_EQ(patched->status, 200) << patched->body;
  auto shown = im::testing::Fetch(im_port_, "GET", "/api/v1/monitors/nightly-backup");
  ASSERT_TRUE(shown);
  ASSERT_EQ(shown->status, 200);
  auto sv = json::Parse(shown->body);
  ASSERT_TRUE(sv);
  EXPECT_EQ(sv->at("interval").as_string(), "2h");
  EXPECT_TRUE(sv->at("stats").as_object().contains("30d"));
  auto removed =
      im::testing::Fetch(im_port_, "DELETE", "/api/v1/monitors/nightly-backup", "", auth);
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->status, 200);
  EXPECT_EQ(Query("SELECT count(*) FROM monitors"), 0);
  server->Signal(SIGTERM);
  EXPECT_EQ(server->Wait(), 0);
}

}  // namespace
}  // namespace im::cli

// Three `im serve` processes on one PostgreSQL database share the monitors (docs/deployment.md):
// 30 HTTP monitors against an endpoint of this test, which counts the checks of each; every
// monitor is checked once per interval across the instances (not once per instance), each
// instance checks a share, and after one instance is killed with SIGKILL the others take its
// monitors over within the instance ttl plus one interval, still without doubling. A fourth
// instance with another IM_SECRET_KEY is refused.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <map>
#include <mutex>

#include "fakes/deadline.h"
#include "fakes/pg_server.h"
#include "fakes/process.h"
#include "fakes/raw_http.h"
#include "fakes/temp_dir.h"
#include "http/router.h"
#include "http/server.h"

namespace im::cli {
namespace {

using im::testing::Process;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr int kMonitors = 30;
constexpr auto kInterval = 10s;  // the shortest a monitor may have
constexpr auto kInstanceTtl = 4s;
const char kKey[] = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";  // 32 bytes, base64

// The endpoint the monitors check: the times each path was asked for.
class Target {
 public:
  Target() {
    router_.Add("GET", "/m/{n}", [this](const net::HttpRequest& req) {
      std::lock_guard lock(mu_);
      hits_[req.path].push_back(Clock::now());
      net::HttpResponse res;
      res.body = "ok";
      return res;
    });
    server_ = std::make_unique<http::Server>(http::ServerOptions{.host = "127.0.0.1", .port = 0},
                                             router_, nullptr);
    EXPECT_TRUE(server_->Start());
  }
  ~Target() { server_->Stop(); }
  uint16_t port() const { return server_->port(); }
  // Checks of each monitor path at or after `since`.
  std::map<std::string, int> Since(Clock::time_point since) {
    std::lock_guard lock(mu_);
    std::map<std::string, int> out;
    for (int i = 0; i < kMonitors; ++i) out["/m/" + std::to_string(i)] = 0;
    for (const auto& [path, times] : hits_) {
      for (auto t : times) {
        if (t >= since) out[path]++;
      }
    }
    return out;
  }

 private:
  http::Router router_;
  std::unique_ptr<http::Server> server_;
  std::mutex mu_;
  std::map<std::string, std::vector<Clock::time_point>> hits_;
};

class InstancesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& server = im::testing::PgServer::Shared();
    url_ = server.NewDatabase();
    ASSERT_TRUE(server.ready()) << server.error();
    std::ofstream(config_) << "instances:\n  heartbeat: 1s\n  ttl: 4s\n  claim_ttl: 10s\n";
  }

  std::string EnvPrefix(const std::string& data_dir, const std::string& key = kKey) const {
    return "env -u IM_CONFIG HOME='" + dir_.path().string() + "' IM_DATA_DIR='" + data_dir +
           "' IM_DATABASE_URL='" + url_ + "' IM_SECRET_KEY='" + key + "' IM_CONFIG='" + config_ +
           "' IM_ACTOR=alice@example.com ";
  }

  int Im(const std::string& args, std::string* out, const std::string& key = kKey) {
    std::string file = dir_.File("out.txt");
    std::string cmd = EnvPrefix(dir_.File("cli"), key) + im::testing::ImBinary() + " " + args;
    return im::testing::RunCapturing(cmd, file, out);
  }

  using Server = im::testing::Served;
  Server Serve(const std::string& name) {
    std::vector<std::string> argv = {"/usr/bin/env",
                                     "-u",
                                     "IM_CONFIG",
                                     "HOME=" + dir_.path().string(),
                                     "IM_DATA_DIR=" + dir_.File(name),
                                     "IM_DATABASE_URL=" + url_,
                                     std::string("IM_SECRET_KEY=") + kKey,
                                     "IM_CONFIG=" + config_,
                                     im::testing::ImBinary(),
                                     "serve",
                                     "--listen",
                                     "127.0.0.1:0"};
    return im::testing::StartServing(argv);
  }

  // How many live instances `port` sees (GET /api/v1/instances).
  static int LiveSeenBy(uint16_t port) {
    auto r = im::testing::Fetch(port, "GET", "/api/v1/instances");
    if (!r || r->status != 200) return -1;
    int n = 0;
    for (auto at = r->body.find("\"started_at\""); at != std::string::npos;
         at = r->body.find("\"started_at\"", at + 1)) {
      ++n;
    }
    return n;
  }

  // im_monitor_checks_total of the instance at `port`.
  static int64_t ChecksBy(uint16_t port) {
    auto r = im::testing::Fetch(port, "GET", "/metrics");
    if (!r || r->status != 200) return -1;
    // (No std::regex: GCC 12 warns inside it at -O1, the sanitizer build.)
    const std::string line = "\nim_monitor_checks_total ";
    auto at = r->body.find(line);
    if (at == std::string::npos) return -1;
    return std::stoll(r->body.substr(at + line.size()));
  }

  // Waits until every monitor was checked at least `n` times since `since`; then asserts that
  // none was checked more than once per interval over that time (plus the check at the
  // boundary), i.e. not once per instance.
  void ExpectOncePerInterval(Target& target, Clock::time_point since, int n) {
    std::map<std::string, int> counts;
    ASSERT_TRUE(im::testing::PollUntil(
        [&] {
          counts = target.Since(since);
          for (const auto& [path, c] : counts) {
            if (c < n) return false;
          }
          return true;
        },
        100ms))
        << "some monitor was not checked " << n << " times";
    auto elapsed = Clock::now() - since;
    const int most = static_cast<int>(elapsed / kInterval) + 1;
    for (const auto& [path, c] : counts) EXPECT_LE(c, most) << path << " checked too often";
  }

  im::testing::TempDir dir_;
  std::string url_;
  std::string config_ = dir_.File("config.yaml");
};

TEST_F(InstancesTest, MonitorsAreCheckedOncePerIntervalAcrossInstancesAndSurviveAKill) {
  Target target;
  std::string out;
  for (int i = 0; i < kMonitors; ++i) {
    std::string url =
        "http://127.0.0.1:" + std::to_string(target.port()) + "/m/" + std::to_string(i);
    ASSERT_EQ(Im("monitor add m" + std::to_string(i) + " --url " + url + " --interval 10s", &out),
              0)
        << out;
  }
  Server a = Serve("a"), b = Serve("b"), c = Serve("c");
  ASSERT_TRUE(a.port && b.port && c.port);
  for (uint16_t port : {a.port, b.port, c.port}) {
    ASSERT_TRUE(im::testing::PollUntil([&] { return LiveSeenBy(port) == 3; }, 100ms))
        << "instance at " << port << " does not see the three";
  }
  // Shards settle within one reload (5 s) of every instance seeing the three; from then on
  // each check runs once per interval.
  auto settled = Clock::now() + 6s;
  ASSERT_TRUE(im::testing::PollUntil(
      [&] {
        if (Clock::now() < settled) return false;
        for (const auto& [path, n] : target.Since(settled)) {
          if (n < 1) return false;
        }
        return true;
      },
      100ms));
  auto window = Clock::now();
  ExpectOncePerInterval(target, window, 3);
  // Each instance checks a share, not all and not none.
  for (uint16_t port : {a.port, b.port, c.port}) {
    int64_t n = ChecksBy(port);
    EXPECT_GT(n, 0) << port;
    EXPECT_LT(n, 3 * kMonitors * 3) << port;
  }

  // One instance dies without a word: its monitors pass to the others within the ttl, a
  // heartbeat, a reload and one interval.
  c.process->Signal(SIGKILL);
  c.process->Wait();
  auto killed = Clock::now();
  ASSERT_TRUE(im::testing::PollUntil(
      [&] {
        for (const auto& [path, n] : target.Since(killed)) {
          if (n < 1) return false;
        }
        return true;
      },
      100ms));
  auto took = Clock::now() - killed;
  EXPECT_LE(took, kInstanceTtl + 1s + 5s + kInterval + 3s)
      << std::chrono::duration_cast<std::chrono::seconds>(took).count() << " s";
  for (uint16_t port : {a.port, b.port}) {
    EXPECT_TRUE(im::testing::PollUntil([&] { return LiveSeenBy(port) == 2; }, 100ms));
  }
  // Still once per interval with two.
  auto after = Clock::now() + 6s;
  ASSERT_TRUE(im::testing::PollUntil([&] { return Clock::now() >= after; }, 100ms));
  ExpectOncePerInterval(target, after, 3);

  // A fourth instance with another key is refused: it would seal what the others cannot open.
  EXPECT_NE(Im("serve --listen 127.0.0.1:0", &out, "ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA="),
            0);
  EXPECT_NE(out.find("IM_SECRET_KEY differs"), std::string::npos) << out;

  for (Server* s : {&a, &b}) {
    s->process->Signal(SIGTERM);
    EXPECT_EQ(s->process->Wait(), 0);
  }
}

}  // namespace
}  // namespace im::cli

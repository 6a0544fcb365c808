// A rolling upgrade on one PostgreSQL database (docs/deployment.md): the next release refuses
// to start with --no-migrate until `im db migrate` ran; after it, an old instance still running
// leaves the jobs of the module the new release bumped to the new instance (the two never run
// them both), and a stock im started afterwards refuses the newer schema.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>

#include "fakes/deadline.h"
#include "fakes/pg_server.h"
#include "fakes/process.h"
#include "fakes/raw_http.h"
#include "fakes/temp_dir.h"

namespace im::cli {
namespace {

using im::testing::Process;
using namespace std::chrono_literals;

const char kUpgradeKey[] = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

std::string NextBinary() {
  // Built beside this test (tests/cli/CMakeLists.txt).
  return std::string(IM_NEXT_BINARY);
}

class UpgradeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& server = im::testing::PgServer::Shared();
    url_ = server.NewDatabase();
    ASSERT_TRUE(server.ready()) << server.error();
    std::ofstream(config_) << "instances:\n  heartbeat: 1s\n  ttl: 4s\n  claim_ttl: 10s\n";
  }

  int Run(const std::string& binary, const std::string& args, std::string* out) {
    std::string file = dir_.File("out.txt");
    std::string cmd = "env -u IM_CONFIG HOME='" + dir_.path().string() + "' IM_DATA_DIR='" +
                      dir_.File("cli") + "' IM_DATABASE_URL='" + url_ + "' IM_SECRET_KEY='" +
                      kUpgradeKey + "' IM_CONFIG='" + config_ + "' " + binary + " " + args;
    return im::testing::RunCapturing(cmd, file, out);
  }

  using Server = im::testing::Served;
  Server Serve(const std::string& binary, const std::string& name) {
    std::vector<std::string> argv = {"/usr/bin/env",
                                     "-u",
                                     "IM_CONFIG",
                                     "HOME=" + dir_.path().string(),
                                     "IM_DATA_DIR=" + dir_.File(name),
                                     "IM_DATABASE_URL=" + url_,
                                     std::string("IM_SECRET_KEY=") + kUpgradeKey,
                                     "IM_CONFIG=" + config_,
                                     binary,
                                     "serve",
                                     "--no-migrate",
                                     "--listen",
                                     "127.0.0.1:0"};
    return im::testing::StartServing(argv);
  }

  // Runs of `job` by the instance at `port` (im_job_runs_total); -1 when unreadable.
  static int64_t RunsOf(uint16_t port, const std::string& job) {
    auto r = im::testing::Fetch(port, "GET", "/metrics");
    if (!r || r->status != 200) return -1;
    // The line "im_job_runs_total{job="JOB"} N" (no std::regex: GCC 12 warns inside it at -O1).
    const std::string line = "\nim_job_runs_total{job=\"" + job + "\"} ";
    auto at = r->body.find(line);
    if (at == std::string::npos) return 0;
    return std::stoll(r->body.substr(at + line.size()));
  }

  im::testing::TempDir dir_;
  std::string url_;
  std::string config_ = dir_.File("config.yaml");
};

TEST_F(UpgradeTest, OldAndNewInstancesNeverRunTheBumpedJobsTogether) {
  const std::string old_im = im::testing::ImBinary(), next_im = NextBinary();
  std::string out;
  ASSERT_EQ(Run(old_im, "db migrate", &out), 0) << out;
  Server a = Serve(old_im, "a");
  ASSERT_TRUE(a.port);
  ASSERT_TRUE(im::testing::PollUntil([&] { return RunsOf(a.port, "escalation") >= 2; }, 50ms));

  // The next release will not start on the older schema unless told to migrate it.
  EXPECT_NE(Run(next_im, "serve --no-migrate --listen 127.0.0.1:0", &out), 0);
  EXPECT_NE(out.find("run `im db migrate`"), std::string::npos) << out;
  ASSERT_EQ(Run(next_im, "db migrate", &out), 0) << out;
  EXPECT_NE(out.find("schema version"), std::string::npos) << out;

  // The old instance keeps serving; the new one takes the escalation jobs over.
  Server b = Serve(next_im, "b");
  ASSERT_TRUE(b.port);
  ASSERT_TRUE(im::testing::PollUntil([&] { return RunsOf(b.port, "escalation") >= 1; }, 50ms));
  // Within a heartbeat the old instance reads the bumped version and stops: from then on it
  // runs none, while the new one runs one each second.
  int64_t old_runs = RunsOf(a.port, "escalation");
  const int64_t new_start = RunsOf(b.port, "escalation");
  ASSERT_TRUE(
      im::testing::PollUntil([&] { return RunsOf(b.port, "escalation") >= new_start + 6; }, 50ms));
  EXPECT_LE(RunsOf(a.port, "escalation"), old_runs + 2);  // at most the runs within a heartbeat
  old_runs = RunsOf(a.port, "escalation");
  ASSERT_TRUE(
      im::testing::PollUntil([&] { return RunsOf(b.port, "escalation") >= new_start + 10; }, 50ms));
  EXPECT_EQ(RunsOf(a.port, "escalation"), old_runs);
  // Jobs of the modules it did not bump are still shared (the old instance still serves too).
  auto health = im::testing::Fetch(a.port, "GET", "/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);

  // A stock im started now refuses the newer schema, untouched.
  EXPECT_NE(Run(old_im, "serve --listen 127.0.0.1:0", &out), 0);
  EXPECT_NE(out.find("written by a newer im"), std::string::npos) << out;

  for (Server* s : {&a, &b}) {
    s->process->Signal(SIGTERM);
    EXPECT_EQ(s->process->Wait(), 0);
  }
}

}  // namespace
}  // namespace im::cli

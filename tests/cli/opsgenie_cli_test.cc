// The Opsgenie connector as a user runs it: the real `im` binary against a real `im sim
// opsgenie` process, an import killed with SIGKILL half way and resumed, and the webhook.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "fakes/deadline.h"
#include "fakes/process.h"
#include "fakes/raw_http.h"
#include "fakes/sqlite_query.h"
#include "fakes/temp_dir.h"

namespace im::cli {
namespace {

using im::testing::Process;

constexpr int kAlerts = 1500;  // the simulator also makes kAlerts / 10 Opsgenie incidents

class OpsgenieCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sim_ = std::make_unique<Process>(std::vector<std::string>{
        im::testing::ImBinary(), "sim", "opsgenie", "--listen", "127.0.0.1:0", "--api-key",
        "og-cli-key", "--incidents", std::to_string(kAlerts), "--days", "60", "--seed", "5",
        "--rate-limit", "off"});
    ASSERT_TRUE(sim_->started());
    std::string banner = sim_->ReadLine();  // "Opsgenie simulator (...) at http://127.0.0.1:P"
    auto at = banner.find("http://127.0.0.1:");
    ASSERT_NE(at, std::string::npos) << banner;
    port_ = static_cast<uint16_t>(std::stoi(banner.substr(at + 17)));
  }

  int Im(const std::string& args) {
    std::string cmd = "env -u IM_DATA_DIR -u IM_CONFIG HOME=" + dir_.path().string() + " " +
                      im::testing::ImBinary() + " --data-dir " + data() + " " + args +
                      " >/dev/null 2>&1";
    int status = im::testing::SystemWithDeadline(cmd);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  std::string data() const { return (dir_.path() / "data").string(); }
  std::string db() const { return data() + "/im.db"; }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  void SetLatency(int ms) {
    auto r = im::testing::Fetch(port_, "PATCH", "/_sim/knobs",
                                "{\"latency_ms\":" + std::to_string(ms) + "}");
    ASSERT_TRUE(r && r->status < 300);
  }

  im::testing::TempDir dir_;
  std::unique_ptr<Process> sim_;
  uint16_t port_ = 0;
};

TEST_F(OpsgenieCliTest, KilledImportResumesWithNothingMissingOrDoubled) {
  ASSERT_EQ(Im("connector add opsgenie og --config '{\"api_key\":\"og-cli-key\",\"base_url\":\"" +
               Url() + "\",\"rate_limit_per_minute\":0}'"),
            0);
  SetLatency(40);  // slow enough to be caught half way
  Process sync({im::testing::ImBinary(), "--data-dir", data(), "connector", "sync", "og"});
  ASSERT_TRUE(sync.started());
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (im::testing::QueryInt(db(), "SELECT count(*) FROM connector_links") < 200 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling a file, bounded
  }
  sync.Signal(SIGKILL);
  EXPECT_EQ(sync.Wait(), 128 + SIGKILL);
  // Every generated incident has one responder, so one responder alert: a link of its own, but
  // part of its incident.
  const int64_t incidents = kAlerts + kAlerts / 10;
  const int64_t all = incidents + kAlerts / 10;
  int64_t partial = im::testing::QueryInt(db(), "SELECT count(*) FROM connector_links");
  EXPECT_GT(partial, 0);
  EXPECT_LT(partial, all) << "the import finished before it could be killed";
  EXPECT_EQ(im::testing::QueryInt(db(), "SELECT import_done FROM connectors"), 0);

  SetLatency(0);
  ASSERT_EQ(Im("connector sync og"), 0);
  EXPECT_EQ(im::testing::QueryInt(db(), "SELECT import_done FROM connectors"), 1);
  EXPECT_EQ(im::testing::QueryInt(db(), "SELECT count(*) FROM connector_links"), all);
  EXPECT_EQ(im::testing::QueryInt(db(), "SELECT count(DISTINCT external_id) FROM connector_links"),
            all);
  EXPECT_EQ(
      im::testing::QueryInt(db(), "SELECT count(*) FROM incidents WHERE source = 'opsgenie:og'"),
      incidents);
  EXPECT_EQ(
      im::testing::QueryInt(db(),
                            "SELECT count(*) FROM (SELECT incident FROM timeline WHERE kind = "
                            "'declared' GROUP BY incident HAVING count(*) > 1) AS d"),
      0);
  EXPECT_GT(im::testing::QueryInt(db(), "SELECT count(*) FROM oncall_schedules"), 0);
  // Read-only: nothing was ever queued to be sent to Opsgenie.
  EXPECT_EQ(im::testing::QueryInt(db(), "SELECT count(*) FROM connector_outbox"), 0);
  int64_t rows = im::testing::QueryInt(db(), "SELECT count(*) FROM timeline");
  ASSERT_EQ(Im("connector sync og"), 0);
  EXPECT_EQ(im::testing::QueryInt(db(), "SELECT count(*) FROM timeline"), rows);
}

TEST_F(OpsgenieCliTest, AWriteDirectionAndServiceMappingAreRefusedSayingWhy) {
  std::string base = "{\"api_key\":\"og-cli-key\",\"base_url\":\"" + Url() + "\"";
  EXPECT_EQ(
      Im("connector add opsgenie og --config '" + base + ",\"sync_direction\":\"bidirectional\"}'"),
      3);
  ASSERT_EQ(Im("connector add opsgenie og --config '" + base + "}'"), 0);
  EXPECT_NE(Im("connector map-service og --im-service api --pd-service P1"), 0);
  EXPECT_NE(Im("connector webhook og --enable --url http://127.0.0.1:9"), 0);
  EXPECT_EQ(im::testing::QueryInt(db(), "SELECT sends_changes FROM connectors WHERE name = 'og'"),
            0);
}

}  // namespace
}  // namespace im::cli

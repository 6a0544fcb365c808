// The incident.io connector as a user runs it: the real `im` binary against a real `im sim
// incidentio` process, an import killed with SIGKILL half way and resumed, and `im serve`
// taking the simulator's signed deliveries (and `im connector webhook --test`) over HTTP.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
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

constexpr int kIioIncidents = 1500;
constexpr char kIioSecret[] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

class IncidentIoCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sim_ = std::make_unique<Process>(std::vector<std::string>{
        im::testing::ImBinary(), "sim", "incidentio", "--listen", "127.0.0.1:0", "--api-key",
        "iio-cli-key", "--incidents", std::to_string(kIioIncidents), "--days", "60", "--seed", "5",
        "--rate-limit", "off"});
    ASSERT_TRUE(sim_->started());
    std::string banner = sim_->ReadLine();  // "incident.io simulator (...) at http://127.0.0.1:P"
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
  int64_t Query(const std::string& sql) { return im::testing::QueryInt(db(), sql); }

  void Knobs(const std::string& patch) {
    auto r = im::testing::Fetch(port_, "PATCH", "/_sim/knobs", patch);
    ASSERT_TRUE(r && r->status < 300);
  }
  // How many incidents the simulator lists to the key (test and tutorial ones left out).
  int64_t Listed() {
    auto r = im::testing::Fetch(port_, "GET", "/v2/incidents?page_size=1", "",
                                "Authorization: Bearer iio-cli-key\r\n");
    if (!r || r->status != 200) return -1;
    auto v = json::Parse(r->body);
    return v ? v->at("pagination_meta").at("total_record_count").to_number<int64_t>() : -1;
  }

  im::testing::TempDir dir_;
  std::unique_ptr<Process> sim_;
  uint16_t port_ = 0;
};

TEST_F(IncidentIoCliTest, KilledImportResumesWithNothingMissingOrDoubled) {
  ASSERT_EQ(Im("connector add incidentio iio --config '{\"api_key\":\"iio-cli-key\","
               "\"base_url\":\"" +
               Url() + "\",\"rate_limit_per_minute\":0}'"),
            0);
  Knobs(R"({"latency_ms":15})");  // slow enough to be caught half way
  Process sync({im::testing::ImBinary(), "--data-dir", data(), "connector", "sync", "iio"});
  ASSERT_TRUE(sync.started());
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (Query("SELECT count(*) FROM connector_links") < 200 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling a file, bounded
  }
  sync.Signal(SIGKILL);
  EXPECT_EQ(sync.Wait(), 128 + SIGKILL);
  const int64_t all = Listed();
  ASSERT_GT(all, kIioIncidents * 9 / 10);
  int64_t partial = Query("SELECT count(*) FROM connector_links");
  EXPECT_GT(partial, 0);
  EXPECT_LT(partial, all) << "the import finished before it could be killed";
  EXPECT_EQ(Query("SELECT import_done FROM connectors"), 0);

  Knobs(R"({"latency_ms":0})");
  ASSERT_EQ(Im("connector sync iio"), 0);
  EXPECT_EQ(Query("SELECT import_done FROM connectors"), 1);
  EXPECT_EQ(Query("SELECT count(*) FROM connector_links"), all);
  EXPECT_EQ(Query("SELECT count(DISTINCT external_id) FROM connector_links"), all);
  EXPECT_EQ(Query("SELECT count(*) FROM incidents WHERE source = 'incidentio:iio'"), all);
  EXPECT_EQ(Query("SELECT count(*) FROM (SELECT incident FROM timeline WHERE kind = 'declared' "
                  "GROUP BY incident HAVING count(*) > 1) AS d"),
            0);
  EXPECT_GT(Query("SELECT count(*) FROM oncall_schedules"), 0);
  EXPECT_EQ(Query("SELECT count(*) FROM connector_outbox"), 0);  // read-only
  int64_t rows = Query("SELECT count(*) FROM timeline");
  ASSERT_EQ(Im("connector sync iio"), 0);
  EXPECT_EQ(Query("SELECT count(*) FROM timeline"), rows);
}

TEST_F(IncidentIoCliTest, AWriteDirectionAndABadSecretAreRefusedSayingWhy) {
  std::string base = "{\"api_key\":\"iio-cli-key\",\"base_url\":\"" + Url() + "\"";
  EXPECT_EQ(Im("connector add incidentio iio --config '" + base +
               ",\"sync_direction\":\"bidirectional\"}'"),
            3);
  EXPECT_EQ(
      Im("connector add incidentio iio --config '" + base + ",\"webhook_secret\":\"whsec_%%%\"}'"),
      3);
  ASSERT_EQ(Im("connector add incidentio iio --config '" + base + "}'"), 0);
  EXPECT_NE(Im("connector webhook iio --enable --url http://127.0.0.1:9"), 0);
  EXPECT_EQ(Im("connector webhook iio --test --url http://127.0.0.1:9"), 5);  // no secret yet
  EXPECT_EQ(Im("connector test iio"), 7) << "the webhook secret check fails until one is set";
  // `connector status` names the endpoint to paste into incident.io.
  std::string out = (dir_.path() / "status.txt").string();
  std::string cmd = "env -u IM_DATA_DIR -u IM_CONFIG HOME=" + dir_.path().string() + " " +
                    im::testing::ImBinary() + " --data-dir " + data() + " connector status iio >" +
                    out + " 2>&1";
  ASSERT_EQ(WEXITSTATUS(im::testing::SystemWithDeadline(cmd)), 0);
  std::ifstream in(out);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("https://<public_url>/connectors/iio/webhook"), std::string::npos) << text;
}

TEST_F(IncidentIoCliTest, ServeTakesSignedDeliveriesAndTheTestEvent) {
  ASSERT_EQ(Im("connector add incidentio iio --config '{\"api_key\":\"iio-cli-key\","
               "\"base_url\":\"" +
               Url() +
               "\",\"rate_limit_per_minute\":0,\"sync_interval\":\"1h\","
               "\"webhook_secret\":\"" +
               kIioSecret + "\",\"custom\":{\"history_days\":1}}'"),
            0);
  Process server({"/usr/bin/env", "-u", "IM_DATA_DIR", "-u", "IM_CONFIG",
                  "HOME=" + dir_.path().string(), im::testing::ImBinary(), "--data-dir", data(),
                  "serve", "--listen", "127.0.0.1:0"});
  ASSERT_TRUE(server.started());
  std::string banner = server.ReadLine();
  auto at = banner.find("http://127.0.0.1:");
  ASSERT_NE(at, std::string::npos) << banner;
  const int server_port = std::stoi(banner.substr(at + 17));
  const std::string base = "http://127.0.0.1:" + std::to_string(server_port);
  auto put = im::testing::Fetch(
      port_, "PUT", "/_sim/webhook",
      R"({"url":")" + base + R"(/connectors/iio/webhook","secret":")" + kIioSecret + R"("})");
  ASSERT_TRUE(put && put->status == 200);
  // A bad signature is refused and nothing is stored.
  auto bad = im::testing::Fetch(static_cast<uint16_t>(server_port), "POST",
                                "/connectors/iio/webhook", R"({"event_type":"x"})",
                                "webhook-id: msg_bad\r\nwebhook-timestamp: 1\r\n"
                                "webhook-signature: v1,AAAA\r\n");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 401);
  // incident.io declares an incident: the delivery is stored and the incident fetched.
  auto trigger = im::testing::Fetch(port_, "POST", "/_sim/scenarios/trigger", R"({"count":1})");
  ASSERT_TRUE(trigger && trigger->status < 300);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (Query("SELECT count(*) FROM incidents WHERE title = 'Scenario: synthetic incident'") < 1 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the server's poller, bounded
  }
  EXPECT_EQ(Query("SELECT count(*) FROM incidents WHERE title = 'Scenario: synthetic incident'"),
            1);
  EXPECT_EQ(Query("SELECT count(*) FROM connector_events WHERE event_type = "
                  "'public_incident.incident_created_v2'"),
            1);
  EXPECT_EQ(Im("connector webhook iio --test --url " + base), 0);
  EXPECT_EQ(Query("SELECT count(*) FROM connector_events WHERE event_id LIKE 'im-test-%'"), 1);
}

}  // namespace
}  // namespace im::cli

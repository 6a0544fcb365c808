// The PagerDuty connector as a user runs it: the real `im` binary against a real `im sim
// pagerduty` process, including an import killed with SIGKILL half way and resumed.
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <thread>

#include "common/json.h"
#include "fakes/deadline.h"
#include "fakes/process.h"
#include "fakes/raw_http.h"
#include "fakes/temp_dir.h"

namespace im::cli {
namespace {

using im::testing::Process;

int64_t Query(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  int64_t out = -1;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_busy_timeout(db, 5000);
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
      out = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return out;
}

class ConnectorCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sim_ = std::make_unique<Process>(
        std::vector<std::string>{im::testing::ImBinary(), "sim", "pagerduty", "--listen",
                                 "127.0.0.1:0", "--api-key", "cli-test-key", "--incidents", "1500",
                                 "--days", "60", "--seed", "3", "--rate-limit", "off"});
    ASSERT_TRUE(sim_->started());
    std::string banner = sim_->ReadLine();  // "PagerDuty simulator at http://127.0.0.1:PORT ..."
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

  void SetLatency(int ms) {
    auto r = im::testing::Fetch(port_, "PATCH", "/_sim/knobs",
                                "{\"latency_ms\":" + std::to_string(ms) + "}");
    ASSERT_TRUE(r && r->status < 300);
  }

  im::testing::TempDir dir_;
  std::unique_ptr<Process> sim_;
  uint16_t port_ = 0;
};

TEST_F(ConnectorCliTest, KilledImportResumesWithNothingMissingOrDoubled) {
  ASSERT_EQ(Im("connector add pagerduty pd --config '{\"api_key\":\"cli-test-key\","
               "\"base_url\":\"http://127.0.0.1:" +
               std::to_string(port_) + "\",\"rate_limit_per_minute\":0}'"),
            0);
  SetLatency(40);  // slow enough to be caught half way
  Process sync({im::testing::ImBinary(), "--data-dir", data(), "connector", "sync", "pd"});
  ASSERT_TRUE(sync.started());
  // Wait (with a deadline) until some incidents are in, then kill it without warning.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (Query(db(), "SELECT count(*) FROM connector_links") < 200 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling a file, bounded
  }
  sync.Signal(SIGKILL);
  EXPECT_EQ(sync.Wait(), 128 + SIGKILL);
  int64_t partial = Query(db(), "SELECT count(*) FROM connector_links");
  EXPECT_GT(partial, 0);
  EXPECT_LT(partial, 1500) << "the import finished before it could be killed";
  EXPECT_EQ(Query(db(), "SELECT import_done FROM connectors"), 0);

  SetLatency(0);
  ASSERT_EQ(Im("connector sync pd"), 0);
  EXPECT_EQ(Query(db(), "SELECT import_done FROM connectors"), 1);
  EXPECT_EQ(Query(db(), "SELECT count(*) FROM connector_links"), 1500);
  EXPECT_EQ(Query(db(), "SELECT count(*) FROM incidents"), 1500);
  EXPECT_EQ(Query(db(), "SELECT count(DISTINCT external_id) FROM connector_links"), 1500);
  // The real binary wires the on-call store into the connector: schedules, policies and
  // people come along with the incidents.
  EXPECT_GT(Query(db(), "SELECT count(*) FROM oncall_schedules"), 0);
  EXPECT_GT(Query(db(), "SELECT count(*) FROM escalation_policies"), 0);
  EXPECT_GT(Query(db(), "SELECT count(*) FROM people"), 0);
  EXPECT_EQ(Query(db(),
                  "SELECT count(*) FROM (SELECT incident FROM timeline WHERE kind = "
                  "'declared' GROUP BY incident HAVING count(*) > 1)"),
            0);
  // A third run adds nothing.
  int64_t rows = Query(db(), "SELECT count(*) FROM timeline");
  ASSERT_EQ(Im("connector sync pd"), 0);
  EXPECT_EQ(Query(db(), "SELECT count(*) FROM timeline"), rows);
}

// kill -9 while a create is on its way to PagerDuty: after a restart there is exactly one
// PagerDuty incident for our incident, linked to it.
TEST_F(ConnectorCliTest, KilledDuringAnOutboundCreateLeavesExactlyOnePagerDutyIncident) {
  const std::string auth = "Authorization: Token token=cli-test-key\r\n";
  auto first = [&](const std::string& path, const std::string& list, const std::string& field) {
    auto r = im::testing::Fetch(port_, "GET", path, "", auth);
    if (!r || r->status != 200) return std::string();
    auto v = json::Parse(r->body);
    if (!v) return std::string();
    return std::string(v->as_object().at(list).as_array().at(0).as_object().at(field).as_string());
  };
  std::string email = first("/users?limit=1", "users", "email");
  std::string service = first("/services?limit=1", "services", "id");
  ASSERT_FALSE(email.empty());
  ASSERT_FALSE(service.empty());
  ASSERT_EQ(Im("connector add pagerduty pd --config '{\"api_key\":\"cli-test-key\","
               "\"base_url\":\"http://127.0.0.1:" +
               std::to_string(port_) +
               "\",\"sync_direction\":\"outbound\",\"rate_limit_per_minute\":0,"
               "\"custom\":{\"from_email\":\"" +
               email + "\",\"service_mappings\":{\"default\":\"" + service + "\"}}}'"),
            0);
  ASSERT_EQ(Im("declare --sev SEV-1 --title 'Checkout down' --service checkout"), 0);
  EXPECT_EQ(Query(db(), "SELECT count(*) FROM connector_outbox WHERE state = 'pending'"), 1);

  // Every request now takes 700 ms: the create is sent right after the look-up is answered,
  // and im is killed while PagerDuty is still working on it.
  ASSERT_TRUE(im::testing::Fetch(port_, "DELETE", "/_sim/requests"));
  SetLatency(700);
  Process flush({im::testing::ImBinary(), "--data-dir", data(), "connector", "sync", "pd"});
  ASSERT_TRUE(flush.started());
  auto logged = [&](const std::string& needle) {
    auto r = im::testing::Fetch(port_, "GET", "/_sim/requests");
    return r && r->body.find(needle) != std::string::npos;
  };
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!logged("incident_key=INC-1") && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // polling the log, bounded
  }
  ASSERT_TRUE(logged("incident_key=INC-1")) << "the look-up never reached the simulator";
  flush.Signal(SIGKILL);
  EXPECT_EQ(flush.Wait(), 128 + SIGKILL);
  deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!logged("\"method\":\"POST\"") && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (logged("\"method\":\"POST\"")) {
    // The interesting case: PagerDuty made the incident, im never heard back.
    EXPECT_EQ(Query(db(), "SELECT count(*) FROM connector_links"), 0);
  }

  SetLatency(0);
  ASSERT_EQ(Im("connector sync pd"), 0);
  auto listed =
      im::testing::Fetch(port_, "GET", "/incidents?incident_key=INC-1&date_range=all", "", auth);
  ASSERT_TRUE(listed);
  auto v = json::Parse(listed->body);
  ASSERT_TRUE(v) << listed->body;
  const auto& incidents = v->as_object().at("incidents").as_array();
  ASSERT_EQ(incidents.size(), 1u) << listed->body;
  EXPECT_EQ(Query(db(), "SELECT count(*) FROM connector_links"), 1);
  EXPECT_EQ(Query(db(), "SELECT count(*) FROM connector_outbox WHERE state = 'sent'"), 1);
}

// A change PagerDuty refuses for good is parked; status says which and why, and
// --retry-parked sends it once the cause is fixed.
TEST_F(ConnectorCliTest, StatusNamesParkedChangesAndRetryParkedSendsThem) {
  const std::string auth = "Authorization: Token token=cli-test-key\r\n";
  auto first = [&](const std::string& path, const std::string& list, const std::string& field) {
    auto r = im::testing::Fetch(port_, "GET", path, "", auth);
    auto v = r ? json::Parse(r->body) : Result<json::value>(std::unexpected(Error{}));
    if (!v) return std::string();
    return std::string(v->as_object().at(list).as_array().at(0).as_object().at(field).as_string());
  };
  std::string email = first("/users?limit=1", "users", "email");
  std::string service = first("/services?limit=1", "services", "id");
  ASSERT_FALSE(service.empty());
  ASSERT_EQ(Im("connector add pagerduty pd --config '{\"api_key\":\"cli-test-key\","
               "\"base_url\":\"http://127.0.0.1:" +
               std::to_string(port_) +
               "\",\"sync_direction\":\"outbound\",\"rate_limit_per_minute\":0,"
               "\"custom\":{\"from_email\":\"" +
               email + "\",\"service_mappings\":{\"default\":\"PNOSUCH\"}}}'"),
            0);
  ASSERT_EQ(Im("declare --sev SEV-1 --title 'Checkout down' --service checkout"), 0);
  ASSERT_EQ(Im("connector sync pd"), 0);
  std::string out = (dir_.path() / "status").string();
  std::string cmd = "env -u IM_DATA_DIR -u IM_CONFIG HOME=" + dir_.path().string() + " " +
                    im::testing::ImBinary() + " --data-dir " + data() + " connector status pd > " +
                    out + " 2>&1";
  ASSERT_EQ(im::testing::SystemWithDeadline(cmd), 0);
  std::FILE* f = std::fopen(out.c_str(), "r");
  std::string text(8192, '\0');
  text.resize(std::fread(text.data(), 1, text.size(), f));
  std::fclose(f);
  EXPECT_NE(text.find("1 parked"), std::string::npos) << text;
  EXPECT_NE(text.find("parked: INC-1 create after 1 attempt(s): PagerDuty"), std::string::npos)
      << text;
  EXPECT_EQ(Query(db(), "SELECT count(*) FROM connector_outbox WHERE state = 'parked'"), 1);

  ASSERT_EQ(Im("connector map-service pd checkout " + service), 0);  // the fix
  ASSERT_EQ(Im("connector sync pd --retry-parked"), 0);
  EXPECT_EQ(Query(db(), "SELECT count(*) FROM connector_outbox WHERE state = 'sent'"), 1);
  EXPECT_EQ(Query(db(), "SELECT count(*) FROM connector_links"), 1);
}

TEST_F(ConnectorCliTest, TestListStatusAndSecretsStayHidden) {
  ASSERT_EQ(Im("connector add pagerduty pd --config '{\"api_key\":\"cli-test-key\","
               "\"base_url\":\"http://127.0.0.1:" +
               std::to_string(port_) + "\",\"webhook_secret\":\"very-secret-value\"}'"),
            0);
  EXPECT_EQ(Im("connector add pagerduty pd --config '{\"api_key\":\"x\"}'"), 5);  // exists
  EXPECT_EQ(Im("connector add pagerduty other --config '{\"api_kee\":\"x\"}'"), 3);
  std::string out = (dir_.path() / "out").string();
  std::string cmd = "HOME=" + dir_.path().string() + " " + im::testing::ImBinary() +
                    " --data-dir " + data() + " connector list --json > " + out;
  ASSERT_EQ(im::testing::SystemWithDeadline(cmd), 0);
  std::FILE* f = std::fopen(out.c_str(), "r");
  std::string text(4096, '\0');
  text.resize(std::fread(text.data(), 1, text.size(), f));
  std::fclose(f);
  EXPECT_NE(text.find("\"name\":\"pd\""), std::string::npos);
  EXPECT_EQ(text.find("very-secret-value"), std::string::npos);
  EXPECT_EQ(text.find("cli-test-key"), std::string::npos);
  // The key is sealed in the database too.
  sqlite3* db_handle = nullptr;
  ASSERT_EQ(sqlite3_open_v2(db().c_str(), &db_handle, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db_handle, "SELECT config FROM connectors", -1, &st, nullptr);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  std::string stored = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(db_handle);
  EXPECT_EQ(stored.find("cli-test-key"), std::string::npos);
  EXPECT_EQ(stored.find("very-secret-value"), std::string::npos);
  EXPECT_EQ(Im("connector remove pd"), 0);
  EXPECT_EQ(Im("connector status pd"), 4);
}

TEST_F(ConnectorCliTest, StatusSaysWhichProcessIsSendingTheOutbox) {
  ASSERT_EQ(Im("connector add pagerduty pd --config '{\"api_key\":\"cli-test-key\","
               "\"base_url\":\"http://127.0.0.1:" +
               std::to_string(port_) + "\"}'"),
            0);
  auto status = [&] {
    std::string out = (dir_.path() / "status.json").string();
    std::string cmd = "HOME=" + dir_.path().string() + " " + im::testing::ImBinary() +
                      " --data-dir " + data() + " connector status pd --json > " + out;
    EXPECT_EQ(im::testing::SystemWithDeadline(cmd), 0);
    std::ifstream f(out);
    std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    auto v = json::Parse(text);
    EXPECT_TRUE(v) << text;
    return v ? json::value(v->at("outbox").at("sender")) : json::value();
  };
  EXPECT_TRUE(status().is_null());  // nobody is sending
  sqlite3* db_handle = nullptr;
  ASSERT_EQ(sqlite3_open(db().c_str(), &db_handle), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db_handle,
                         "INSERT INTO outbox_leases (connector, owner, until) VALUES "
                         "('pd', 'other-host:4242:7', 9000000000000000)",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db_handle);
  EXPECT_EQ(status(), json::value("other-host:4242:7"));
}

TEST_F(ConnectorCliTest, SlaMappingIsCheckedStoredAndClearedByConfig) {
  ASSERT_EQ(Im("connector add pagerduty pd --config '{\"api_key\":\"cli-test-key\","
               "\"base_url\":\"http://127.0.0.1:" +
               std::to_string(port_) + "\"}'"),
            0);
  auto stored = [&] {
    return Query(db(),
                 "SELECT count(*) FROM connectors WHERE json_extract(config, "
                 "'$.custom.sla_mapping.SEV-1.acknowledge') = '5m'");
  };
  // Bad input: exit 3 (invalid argument), nothing stored.
  EXPECT_EQ(Im("connector config pd --sla-mapping '{\"SEV-9\":{\"resolve\":\"1h\"}}'"), 3);
  EXPECT_EQ(Im("connector config pd --sla-mapping '{\"SEV-1\":{\"resolve\":\"soon\"}}'"), 3);
  EXPECT_EQ(Im("connector config pd --sla-mapping 'not json'"), 3);
  EXPECT_EQ(stored(), 0);
  EXPECT_EQ(Im("connector config pd --sla-mapping '{\"SEV-1\":{\"acknowledge\":\"5m\"}}'"), 0);
  EXPECT_EQ(stored(), 1);
  EXPECT_EQ(Im("connector config pd --sla-mapping '{}'"), 0);
  EXPECT_EQ(stored(), 0);
}

// `im connector webhook --enable` creates the PagerDuty subscription and stores its one-time
// secret; `--test` signs a ping with it and sends it to a running `im serve`, which must verify
// it; a wrong secret makes the test fail with exit code 7.
TEST_F(ConnectorCliTest, WebhookEnableStoresTheSecretAndTestReachesTheServer) {
  ASSERT_EQ(Im("connector add pagerduty pd --config '{\"api_key\":\"cli-test-key\","
               "\"base_url\":\"http://127.0.0.1:" +
               std::to_string(port_) + "\",\"sync_direction\":\"inbound\"}'"),
            0);
  EXPECT_EQ(Im("connector webhook pd"), 3);           // neither --enable nor --test
  EXPECT_EQ(Im("connector webhook pd --enable"), 3);  // no public URL known
  EXPECT_EQ(Im("connector webhook pd --test"), 5);    // no secret yet
  EXPECT_EQ(Im("connector webhook nope --enable --url http://127.0.0.1:1"), 4);

  Process server({"/usr/bin/env", "-u", "IM_DATA_DIR", "-u", "IM_CONFIG",
                  "HOME=" + dir_.path().string(), im::testing::ImBinary(), "--data-dir", data(),
                  "serve", "--listen", "127.0.0.1:0"});
  ASSERT_TRUE(server.started());
  std::string banner = server.ReadLine();  // "im is serving ... at http://127.0.0.1:PORT ..."
  auto at = banner.find("http://127.0.0.1:");
  ASSERT_NE(at, std::string::npos) << banner;
  std::string base = "http://127.0.0.1:" + std::to_string(std::stoi(banner.substr(at + 17)));

  ASSERT_EQ(Im("connector webhook pd --enable --url " + base), 0);
  // The simulator now holds one subscription, delivering to im's endpoint for this connector.
  auto subs = im::testing::Fetch(port_, "GET", "/webhook_subscriptions", "",
                                 "Authorization: Token token=cli-test-key\r\n");
  ASSERT_TRUE(subs);
  ASSERT_EQ(subs->status, 200) << subs->body;
  EXPECT_NE(subs->body.find(base + "/connectors/pd/webhook"), std::string::npos) << subs->body;
  EXPECT_EQ(Query(db(), "SELECT count(*) FROM connectors WHERE name = 'pd'"), 1);

  // The server reads connector configs when it starts: restart it so it knows the new secret.
  server.Signal(SIGTERM);
  ASSERT_EQ(server.Wait(), 0);
  Process again({"/usr/bin/env", "-u", "IM_DATA_DIR", "-u", "IM_CONFIG",
                 "HOME=" + dir_.path().string(), im::testing::ImBinary(), "--data-dir", data(),
                 "serve", "--listen", base.substr(7)});
  ASSERT_TRUE(again.started());
  ASSERT_NE(again.ReadLine().find(base), std::string::npos);
  EXPECT_EQ(Im("connector webhook pd --test"), 0);  // the stored public URL is used
  EXPECT_EQ(Im("connector update pd --webhook-secret not-the-subscription-secret"), 0);
  EXPECT_EQ(Im("connector webhook pd --test"), 7);  // im refuses the signature
}

}  // namespace
}  // namespace im::cli

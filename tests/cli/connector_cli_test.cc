// The PagerDuty connector as a user runs it: the real `im` binary against a real `im sim
// pagerduty` process, including an import killed with SIGKILL half way and resumed.
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sqlite3.h>
#include <sys/socket.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>

#include "common/json.h"
#include "fakes/deadline.h"
#include "fakes/process.h"
#include "fakes/raw_http.h"
#include "fakes/sqlite_query.h"
#include "fakes/temp_dir.h"
#include "fakes/test_backend.h"

namespace im::cli {
namespace {

using im::testing::Process;

using im::testing::QueryText;
int64_t Query(const std::string& db_path, const std::string& sql) {
  return im::testing::QueryInt(db_path, sql);
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
                  "'declared' GROUP BY incident HAVING count(*) > 1) AS d"),
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
  const std::string key =
      "im-" + QueryText(db(), "SELECT value FROM settings WHERE key = 'install_id'") + "-INC-1";
  ASSERT_EQ(key.size(), std::string("im-12345678-INC-1").size()) << key;

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
  while (!logged("incident_key=" + key) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // polling the log, bounded
  }
  ASSERT_TRUE(logged("incident_key=" + key)) << "the look-up never reached the simulator";
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
  auto listed = im::testing::Fetch(port_, "GET",
                                   "/incidents?incident_key=" + key + "&date_range=all", "", auth);
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
  std::string stored = QueryText(db(), "SELECT config FROM connectors");
  ASSERT_FALSE(stored.empty());
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
  ASSERT_TRUE(im::testing::ExecSql(db(),
                                   "INSERT INTO outbox_leases (connector, owner, until) VALUES "
                                   "('pd', 'other-host:4242:7', 9000000000000000)"));
  EXPECT_EQ(status(), json::value("other-host:4242:7"));
}

TEST_F(ConnectorCliTest, SlaMappingIsCheckedStoredAndClearedByConfig) {
  ASSERT_EQ(Im("connector add pagerduty pd --config '{\"api_key\":\"cli-test-key\","
               "\"base_url\":\"http://127.0.0.1:" +
               std::to_string(port_) + "\"}'"),
            0);
  auto stored = [&] {
    return Query(db(), im::testing::OnPostgres()
                           ? "SELECT count(*) FROM connectors WHERE config::jsonb #>> "
                             "'{custom,sla_mapping,SEV-1,acknowledge}' = '5m'"
                           : "SELECT count(*) FROM connectors WHERE json_extract(config, "
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

// `im connector webhook --enable` against a running `im serve` and a real `im sim pagerduty`:
// the first delivery after it is accepted (no restart); a second --enable changes nothing and
// switches a disabled subscription back on; --rotate-secret replaces the subscription, and the
// old secret is dropped once the new one is in use; `--test` reaches the server.
TEST_F(ConnectorCliTest, WebhookEnableIsIdempotentAndRotationReplacesTheSubscription) {
  const std::string auth = "Authorization: Token token=cli-test-key\r\n";
  ASSERT_EQ(Im("connector add pagerduty pd --config '{\"api_key\":\"cli-test-key\","
               "\"base_url\":\"http://127.0.0.1:" +
               std::to_string(port_) +
               "\",\"sync_direction\":\"inbound\",\"rate_limit_per_minute\":0,"
               "\"sync_interval\":\"1h\"}'"),
            0);
  EXPECT_EQ(Im("connector webhook pd"), 3);           // neither --enable nor --test
  EXPECT_EQ(Im("connector webhook pd --enable"), 3);  // no public URL known
  EXPECT_EQ(Im("connector webhook pd --test"), 5);    // no secret yet
  EXPECT_EQ(Im("connector webhook pd --rotate-secret --url http://127.0.0.1:1"), 3);
  EXPECT_EQ(Im("connector webhook nope --enable --url http://127.0.0.1:1"), 4);

  Process server({"/usr/bin/env", "-u", "IM_DATA_DIR", "-u", "IM_CONFIG",
                  "HOME=" + dir_.path().string(), im::testing::ImBinary(), "--data-dir", data(),
                  "serve", "--listen", "127.0.0.1:0"});
  ASSERT_TRUE(server.started());
  std::string banner = server.ReadLine();  // "im is serving ... at http://127.0.0.1:PORT ..."
  auto at = banner.find("http://127.0.0.1:");
  ASSERT_NE(at, std::string::npos) << banner;
  std::string base = "http://127.0.0.1:" + std::to_string(std::stoi(banner.substr(at + 17)));
  const std::string url = base + "/connectors/pd/webhook";
  auto subscriptions = [&] {
    std::vector<std::pair<std::string, bool>> out;  // id, temporarily disabled or inactive
    auto res = im::testing::Fetch(port_, "GET", "/webhook_subscriptions", "", auth);
    auto v = res ? json::Parse(res->body) : Result<json::value>(std::unexpected(Error{}));
    if (!v) return out;
    for (const auto& s : v->at("webhook_subscriptions").as_array()) {
      if (s.at("delivery_method").at("url").as_string() != url) continue;
      out.emplace_back(std::string(s.at("id").as_string()),
                       !s.at("active").as_bool() ||
                           s.at("delivery_method").at("temporarily_disabled").as_bool());
    }
    return out;
  };
  auto secrets = [&] {
    return Query(db(),
                 im::testing::OnPostgres()
                     ? "SELECT jsonb_array_length(config::jsonb -> 'webhook_secret') FROM "
                       "connectors"
                     : "SELECT json_array_length(config, '$.webhook_secret') FROM connectors");
  };
  // Triggers an incident in PagerDuty and waits (bounded) until its delivery is stored.
  auto delivered = [&] {
    int64_t before = Query(db(), "SELECT count(*) FROM connector_events");
    auto r = im::testing::Fetch(port_, "POST", "/_sim/scenarios/trigger",
                                R"({"count":1,"over_seconds":0})");
    if (!r || r->status != 200) return false;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (Query(db(), "SELECT count(*) FROM connector_events") <= before &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling a file, bounded
    }
    return Query(db(), "SELECT count(*) FROM connector_events") > before;
  };
  auto given_up = [&] {
    auto r = im::testing::Fetch(port_, "GET", "/_sim/webhooks");
    auto v = r ? json::Parse(r->body) : Result<json::value>(std::unexpected(Error{}));
    return v ? v->at("stats").at("given_up").as_int64() : -1;
  };

  ASSERT_EQ(Im("connector webhook pd --enable --url " + base), 0);
  auto first = subscriptions();
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(secrets(), 1);
  // The running server learns the secret from the store when the first delivery comes: no 401.
  EXPECT_TRUE(delivered());
  EXPECT_EQ(given_up(), 0);

  // Again: the same subscription, no second secret, every event still arrives once.
  ASSERT_EQ(Im("connector webhook pd --enable"), 0);  // the stored public URL is used
  EXPECT_EQ(subscriptions(), first);
  EXPECT_EQ(secrets(), 1);
  // Switched off in PagerDuty: --enable switches it back on.
  auto off = im::testing::Fetch(port_, "PUT", "/webhook_subscriptions/" + first[0].first,
                                R"({"webhook_subscription":{"active":false}})", auth);
  ASSERT_TRUE(off && off->status == 200);
  ASSERT_EQ(subscriptions()[0].second, true);
  ASSERT_EQ(Im("connector webhook pd --enable"), 0);
  EXPECT_EQ(subscriptions(), first);  // enabled again, not replaced

  // Rotation: a new subscription and secret; the old subscription is gone; the old secret goes
  // once a delivery signed with the new one has arrived.
  ASSERT_EQ(Im("connector webhook pd --enable --rotate-secret"), 0);
  auto rotated = subscriptions();
  ASSERT_EQ(rotated.size(), 1u);
  EXPECT_NE(rotated[0].first, first[0].first);
  EXPECT_EQ(secrets(), 2);
  EXPECT_TRUE(delivered()) << im::testing::Fetch(port_, "GET", "/_sim/webhooks")->body;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (secrets() != 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the server's poller, bounded
  }
  EXPECT_EQ(secrets(), 1);
  EXPECT_EQ(given_up(), 0);
  EXPECT_EQ(Im("connector webhook pd --test"), 0);  // signed with the secret in use

  // Another data directory with the same connector and URL holds no secret for it: it says what
  // to do instead of adding a second subscription.
  std::string other = (dir_.path() / "other").string();
  // (Its own SQLite database, whatever this test runs on: another installation.)
  std::string add =
      "env -u IM_DATA_DIR -u IM_CONFIG -u IM_DATABASE_URL HOME=" + dir_.path().string() + " " +
      im::testing::ImBinary() + " --data-dir " + other +
      " connector add pagerduty pd --config '{\"api_key\":\"cli-test-key\","
      "\"base_url\":\"http://127.0.0.1:" +
      std::to_string(port_) + "\"}' >/dev/null 2>&1";
  ASSERT_EQ(std::system(add.c_str()), 0);
  std::string out = (dir_.path() / "enable.txt").string();
  std::string enable =
      "env -u IM_DATA_DIR -u IM_CONFIG -u IM_DATABASE_URL HOME=" + dir_.path().string() + " " +
      im::testing::ImBinary() + " --data-dir " + other + " connector webhook pd --enable --url " +
      base + " >" + out + " 2>&1";
  int status = std::system(enable.c_str());
  EXPECT_EQ(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 5);
  std::ifstream f(out);
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("--rotate-secret"), std::string::npos) << text;
  EXPECT_EQ(subscriptions().size(), 1u);
}

// A loopback port nothing answers on: a listening socket that never accepts (its backlog
// fills, then connections hang), or, after Close(), a closed port (refused at once).
class Blackhole {
 public:
  Blackhole() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::listen(fd_, 0) != 0 || ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len)) {
      return;
    }
    port_ = ntohs(addr.sin_port);
  }
  ~Blackhole() { Close(); }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

// `im connector test|health` is a diagnostic: it says ✗ within 10 s whatever the network does
// (it took 123 s of retries before), for a host that never answers and for one that refuses.
TEST(ConnectorDiagnosticsTest, AnUnreachablePagerDutyIsReportedWithinTenSeconds) {
  im::testing::TempDir dir;
  Blackhole hole;
  ASSERT_NE(hole.port(), 0);
  auto im = [&](const std::string& args, std::string* out = nullptr) {
    std::string file = (dir.path() / "out").string();
    std::string cmd = "env -u IM_DATA_DIR -u IM_CONFIG HOME=" + dir.path().string() + " " +
                      im::testing::ImBinary() + " --data-dir " + (dir.path() / "data").string() +
                      " " + args + " >" + file + " 2>&1";
    int status = std::system(cmd.c_str());
    if (out) {
      std::ifstream f(file);
      out->assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  };
  // A line marks "API reachable" with ✗ (in whatever order and case a command prints it).
  auto unreachable = [](const std::string& out) {
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
      for (char& c : line) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (line.find("✗") != std::string::npos && line.find("api reachable") != std::string::npos) {
        return true;
      }
    }
    return false;
  };
  auto add = [&](const std::string& name, uint16_t port) {
    return im("connector add pagerduty " + name + " --config '{\"api_key\":\"k\"," +
              "\"base_url\":\"http://127.0.0.1:" + std::to_string(port) + "\"}'");
  };
  ASSERT_EQ(add("silent", hole.port()), 0);
  for (const std::string command : {"test", "health"}) {
    std::string out;
    auto start = std::chrono::steady_clock::now();
    int code = im("connector " + command + " silent", &out);
    auto took = std::chrono::steady_clock::now() - start;
    if (command == "test") {
      EXPECT_EQ(code, 7) << out;  // a failed check
    }
    EXPECT_TRUE(unreachable(out)) << out;
    EXPECT_LT(took, std::chrono::seconds(10)) << command << ": " << out;
  }
  hole.Close();  // now refused
  ASSERT_EQ(add("refused", hole.port()), 0);
  std::string out;
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(im("connector test refused", &out), 7) << out;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10)) << out;
  EXPECT_TRUE(unreachable(out)) << out;
}

}  // namespace
}  // namespace im::cli

// The commands of the product document users copy from (shared/seeds/002: the PagerDuty
// connector), typed as it writes them: `./im …` in a directory holding the im binary, against a
// simulated PagerDuty loaded with the account the document describes
// (tests/testdata/pagerduty/seed_002.json: PXXXXXX, PAPI001, PAPI_ESCALATION, ops@company.com).
// The one change to the text is the base URL, which points at the simulator.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

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

struct SeedRun {
  int code = -1;
  std::string out;
  std::string err;
};

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string FixturePath() {
  const char* dir = std::getenv("IM_SOURCE_DIR");
  return std::string(dir ? dir : IM_TEST_SOURCE_DIR) + "/tests/testdata/pagerduty/seed_002.json";
}

class SeedCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sim_ = std::make_unique<Process>(
        std::vector<std::string>{im::testing::ImBinary(), "sim", "pagerduty", "--listen",
                                 "127.0.0.1:0", "--api-key", "your-api-key-here", "--api-key",
                                 "new-api-key", "--fixture", FixturePath(), "--rate-limit", "off"});
    ASSERT_TRUE(sim_->started());
    std::string banner = sim_->ReadLine();
    auto at = banner.find("http://127.0.0.1:");
    ASSERT_NE(at, std::string::npos) << banner;
    sim_port_ = static_cast<uint16_t>(std::stoi(banner.substr(at + 17)));
    // `./im` is the binary under test.
    std::filesystem::create_symlink(im::testing::ImBinary(), dir_.path() / "im");
  }

  // Runs `command` (the document's text) with sh in the directory holding ./im, the data
  // directory given by IM_DATA_DIR as a user's environment would.
  SeedRun Seed(const std::string& command) {
    std::string out = dir_.File("out"), err = dir_.File("err");
    std::string script = dir_.File("command.sh");
    std::ofstream(script) << "cd '" << dir_.path().string() << "' || exit 99\n" << command << "\n";
    std::string cmd = "env -u IM_CONFIG -u IM_ACTOR HOME='" + dir_.path().string() +
                      "' USER=tester IM_DATA_DIR='" + data() + "' sh '" + script + "' >'" + out +
                      "' 2>'" + err + "' </dev/null";
    int status = im::testing::SystemWithDeadline(cmd);
    return SeedRun{WIFEXITED(status) ? WEXITSTATUS(status) : -1, Slurp(out), Slurp(err)};
  }

  std::string data() const { return (dir_.path() / "data").string(); }
  std::string sim_url() const { return "http://127.0.0.1:" + std::to_string(sim_port_); }

  // Makes the next incident im declares INC-<next>, as in the document's examples.
  void NextIncidentNumber(int64_t next) {
    std::string sql =
        im::testing::OnPostgres()
            ? "SELECT setval(pg_get_serial_sequence('incidents', 'number'), " +
                  std::to_string(next - 1) + ")"
            : "DELETE FROM sqlite_sequence WHERE name = 'incidents'; INSERT INTO sqlite_sequence "
              "(name, seq) VALUES ('incidents', " +
                  std::to_string(next - 1) + ");";
    EXPECT_TRUE(im::testing::ExecSql(data() + "/im.db", sql)) << sql;
  }

  im::testing::TempDir dir_;
  std::unique_ptr<Process> sim_;
  uint16_t sim_port_ = 0;
};

void ExpectLines(const SeedRun& r, const std::vector<std::string>& lines) {
  for (const auto& line : lines)
    EXPECT_NE(r.out.find(line), std::string::npos) << line << "\n" << r.out;
}

TEST_F(SeedCliTest, TheDocumentsCommandsWorkAsWritten) {
  // Step 1, JSON Configuration (the base URL is the simulator's).
  std::string add = R"(./im connector add pagerduty prod-pagerduty --config '{
"base_url": "https://api.pagerduty.com",
"api_key": "your-api-key-here",
"sync_direction": "bidirectional",
"sync_interval": "5m",
"enable_webhook": true,
"custom": {
"service_id": "PXXXXXX",
"from_email": "ops@company.com",
"escalation_policy_id": "PXXXXXX"
}
}')";
  add.replace(add.find("https://api.pagerduty.com"), 25, sim_url());
  auto r = Seed(add);
  ASSERT_EQ(r.code, 0) << r.err;

  // Step 2. The webhook check passes once a secret is kept: `webhook --enable` (step 3) would
  // keep the subscription's; here one is set by hand.
  ASSERT_EQ(Seed("./im connector update prod-pagerduty --webhook-secret seed-secret-0123").code, 0);
  r = Seed("./im connector test prod-pagerduty");
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  ExpectLines(r, {"✓ API reachable", "✓ default service accessible: service PXXXXXX",
                  "✓ from email is a PagerDuty user: ops@company.com",
                  "✓ escalation policy found: escalation policy PXXXXXX"});

  // Basic operations.
  r = Seed("./im connector sync prod-pagerduty");
  ASSERT_EQ(r.code, 0) << r.err;
  r = Seed("./im connector list");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, r.out.find('\n')).find("Name"), 0u) << r.out;
  ExpectLines(r, {"prod-pagerduty", "pagerduty", "active", "bidirectional"});
  // "Last Sync" is said relative to now: "just now" or "2s ago" right after the sync.
  EXPECT_TRUE(r.out.ends_with("just now\n") || r.out.ends_with("s ago\n")) << r.out;

  NextIncidentNumber(12345);
  r = Seed(R"(./im declare --sev SEV-2 --title "Database performance issue" --service db)");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "INC-12345\n");
  r = Seed("./im connector sync prod-pagerduty --incident INC-12345");
  ASSERT_EQ(r.code, 0) << r.err;
  r = Seed("./im connector status prod-pagerduty");
  ASSERT_EQ(r.code, 0) << r.err;
  ExpectLines(r, {"Connector:      prod-pagerduty (pagerduty)", "Status:         active"});

  // Incident workflows.
  r = Seed(R"(./im ack --incident INC-12345 --note "Investigating database locks")");
  EXPECT_EQ(r.code, 0) << r.err;
  r = Seed(
      R"(./im resolve --incident INC-12345 --note "Database locks cleared after index optimization")");
  EXPECT_EQ(r.code, 0) << r.err;

  // Service mapping.
  r = Seed("./im connector map-service prod-pagerduty --im-service api --pd-service PAPI001");
  ASSERT_EQ(r.code, 0) << r.err;
  r = Seed("./im connector list-mappings prod-pagerduty");
  ASSERT_EQ(r.code, 0) << r.err;
  ExpectLines(r,
              {"IM Service", "PagerDuty Service", "Service Name", "api", "PAPI001", "API Service"});
  r = Seed(R"(./im declare --sev SEV-1 --title "API Gateway Down" --service api)");
  EXPECT_EQ(r.code, 0) << r.err;

  // On-call integration.
  r = Seed("./im connector config prod-pagerduty --escalation-policy PXXXXXX");
  EXPECT_EQ(r.code, 0) << r.err;
  r = Seed(R"(./im connector map-escalation prod-pagerduty \
  --service api --escalation-policy PAPI_ESCALATION)");
  ASSERT_EQ(r.code, 0) << r.err;
  r = Seed("./im connector list-escalations prod-pagerduty");
  ASSERT_EQ(r.code, 0) << r.err;
  ExpectLines(r, {"api", "PAPI_ESCALATION", "API escalation"});
  ASSERT_EQ(Seed("./im connector sync prod-pagerduty").code, 0);  // "force immediate sync"
  r = Seed("./im oncall --service api");
  ASSERT_EQ(r.code, 0) << r.err;
  ExpectLines(r, {"Service: api", "Current On-Call: ", "Next On-Call: ",
                  "Escalation: After 15 minutes → team-lead@company.com"});

  // Advanced features.
  r = Seed(R"(./im declare --sev SEV-1 --title "Database cluster failure" \
  --service database,api,payments)");
  EXPECT_EQ(r.code, 0) << r.err;
  r = Seed(R"(./im connector config prod-pagerduty --sla-mapping '{
"SEV-1": {"ack": "15m", "resolve": "1h"},
"SEV-2": {"ack": "30m", "resolve": "4h"},
"SEV-3": {"ack": "2h", "resolve": "24h"},
"SEV-4": {"ack": "8h", "resolve": "72h"}
}')");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find(R"("SEV-1":{"acknowledge":"15m","resolve":"1h"})"), std::string::npos)
      << r.out;

  // Monitoring and troubleshooting.
  r = Seed("./im connector health prod-pagerduty");
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(r.out.substr(0, r.out.find('\n')), "Health: Healthy") << r.out;
  ExpectLines(r, {"API reachable: ✓ ",
                  "Sync Status: ✓ Up to date (last sync: ", "Error Rate: 0% (0 errors in 24h)"});
  EXPECT_EQ(r.out.find('"'), std::string::npos) << "JSON quoting: " << r.out;
  r = Seed("./im metrics connector prod-pagerduty");
  ASSERT_EQ(r.code, 0) << r.err;
  ExpectLines(r, {"Connector: prod-pagerduty\n", "Total Incidents: 4\n",
                  "Sync Success Rate: 100%\n", "Average Sync Time: ", "API Calls (24h): ",
                  "Rate Limit Usage: ", "Webhook Events (24h): 0\n"});
  r = Seed("./im connector config prod-pagerduty --service-id CORRECT_SERVICE_ID");
  EXPECT_EQ(r.code, 0) << r.err;
  r = Seed("./im connector update prod-pagerduty --api-key new-api-key");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.find("new-api-key"), std::string::npos) << r.out;

  // Webhook logs: a running server, the document's unsigned ping (refused), then the logs.
  Process server({"/usr/bin/env", "-u", "IM_CONFIG", "HOME=" + dir_.path().string(),
                  "IM_DATA_DIR=" + data(), im::testing::ImBinary(), "serve", "--listen",
                  "127.0.0.1:0"});
  ASSERT_TRUE(server.started());
  std::string banner = server.ReadLine();
  auto at = banner.find("http://127.0.0.1:");
  ASSERT_NE(at, std::string::npos) << banner;
  auto port = static_cast<uint16_t>(std::stoi(banner.substr(at + 17)));
  auto ping = im::testing::Fetch(port, "POST", "/connectors/prod-pagerduty/webhook",
                                 R"({"test": "ping"})", "Content-Type: application/json\r\n");
  ASSERT_TRUE(ping);
  EXPECT_EQ(ping->status, 401) << ping->body;
  r = Seed("./im logs --component webhook --filter pagerduty");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("[webhook] pagerduty prod-pagerduty: delivery answered 401"),
            std::string::npos)
      << r.out;
  server.Signal(SIGTERM);
  EXPECT_EQ(server.Wait(), 0);
}

// The ids the document's commands name are checked with PagerDuty: one it does not have is
// refused and changes nothing; when PagerDuty cannot be asked, the id is kept with a warning.
TEST_F(SeedCliTest, IdsAreCheckedWithPagerDutyBeforeTheyAreStored) {
  ASSERT_EQ(Seed("./im connector add pagerduty prod-pagerduty --config '{\"api_key\": "
                 "\"your-api-key-here\", \"base_url\": \"" +
                 sim_url() + "\"}'")
                .code,
            0);
  auto config = [&] {
    auto r = Seed("./im --json connector config prod-pagerduty");
    auto v = json::Parse(r.out);
    EXPECT_TRUE(v) << r.out << r.err;
    return v ? v->at("custom").as_object() : json::object{};
  };
  struct Case {
    std::string command, flag;
  };
  for (const auto& c :
       {Case{"./im connector map-service prod-pagerduty --im-service api --pd-service PNOSUCH1",
             "--pd-service"},
        Case{"./im connector map-service prod-pagerduty api PNOSUCH1", "--pd-service"},
        Case{"./im connector map-escalation prod-pagerduty --service api --escalation-policy "
             "PAPI001",
             "--escalation-policy"},
        Case{"./im connector config prod-pagerduty --service-id PNOSUCH1", "--service-id"},
        Case{"./im connector config prod-pagerduty --escalation-policy PNOSUCH1",
             "--escalation-policy"}}) {
    auto r = Seed(c.command);
    EXPECT_EQ(r.code, 4) << c.command << "\n" << r.err;
    EXPECT_NE(r.err.find(c.flag + ": PagerDuty has no "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("Nothing was changed"), std::string::npos) << r.err;
  }
  auto custom = config();
  EXPECT_TRUE(custom.at("service_mappings").as_object().empty());
  EXPECT_TRUE(custom.at("escalation_mappings").as_object().empty());
  EXPECT_EQ(custom.at("service_id").as_string(), "");

  // The positional form still works; a bad im service name is refused before PagerDuty is asked.
  EXPECT_EQ(Seed("./im connector map-service prod-pagerduty api PAPI001").code, 0);
  auto bad = Seed("./im connector map-service prod-pagerduty --im-service 'a;b' --pd-service P1");
  EXPECT_EQ(bad.code, 3) << bad.err;
  auto missing = Seed("./im connector map-service prod-pagerduty --im-service api");
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("--im-service api --pd-service PAPI001"), std::string::npos)
      << missing.err;

  sim_->Signal(SIGKILL);  // PagerDuty is gone
  sim_->Wait();
  auto r = Seed("./im connector map-service prod-pagerduty --im-service web --pd-service PWEB001");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("warning: --pd-service: could not check service PWEB001 with PagerDuty"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(config().at("service_mappings").at("web").as_string(), "PWEB001");
}

// `sync --incident` with an id nobody has fails with a message and leaves the connector's
// status as it was.
TEST_F(SeedCliTest, AFailedIncidentLookUpDoesNotMarkTheConnectorFailing) {
  ASSERT_EQ(Seed("./im connector add pagerduty prod-pagerduty --config '{\"api_key\": "
                 "\"your-api-key-here\", \"base_url\": \"" +
                 sim_url() + "\"}'")
                .code,
            0);
  ASSERT_EQ(Seed("./im connector sync prod-pagerduty").code, 0);
  auto r = Seed("./im connector sync prod-pagerduty --incident PNOSUCH1");
  EXPECT_EQ(r.code, 4);
  EXPECT_NE(r.err.find("reading PagerDuty incident PNOSUCH1"), std::string::npos) << r.err;
  r = Seed("./im connector sync prod-pagerduty --incident INC-999");
  EXPECT_EQ(r.code, 4);
  EXPECT_NE(r.err.find("INC-999 is not linked to a PagerDuty incident"), std::string::npos)
      << r.err;
  r = Seed("./im connector sync prod-pagerduty --incident PINC123");
  EXPECT_EQ(r.code, 0) << r.err;
  auto status = Seed("./im connector status prod-pagerduty --json");
  auto v = json::Parse(status.out);
  ASSERT_TRUE(v) << status.out;
  EXPECT_EQ(v->at("status").as_string(), "active");
  EXPECT_TRUE(v->at("last_error").is_null());
  // list --json says what status --json says.
  auto list = json::Parse(Seed("./im connector list --json").out);
  ASSERT_TRUE(list);
  auto listed = list->at("connectors").at(0).as_object();
  EXPECT_EQ(listed.at("incidents_linked"), v->at("incidents_linked"));
  EXPECT_EQ(listed.at("incidents_linked").as_int64(), 2);
  EXPECT_EQ(listed.at("outbox"), v->at("outbox"));
}

// `im metrics connector` (and `im connector metrics`) write figures for people; --json keeps
// the raw numbers.
TEST_F(SeedCliTest, ConnectorMetricsAreWrittenForPeopleAndRawInJson) {
  ASSERT_EQ(Seed("./im connector add pagerduty prod-pagerduty --config '{\"api_key\": "
                 "\"your-api-key-here\", \"base_url\": \"" +
                 sim_url() + "\"}'")
                .code,
            0);
  ASSERT_EQ(Seed("./im connector sync prod-pagerduty").code, 0);
  auto text = Seed("./im metrics connector prod-pagerduty");
  ASSERT_EQ(text.code, 0) << text.err;
  auto json = Seed("./im --json metrics connector prod-pagerduty");
  ASSERT_EQ(json.code, 0) << json.err;
  auto v = json::Parse(json.out);
  ASSERT_TRUE(v) << json.out;
  const auto& m = v->as_object();
  EXPECT_EQ(m.at("total_incidents").as_int64(), 2);
  EXPECT_EQ(m.at("sync_success_rate").to_number<double>(), 1.0);
  EXPECT_GT(m.at("api_calls_24h").as_int64(), 0);
  EXPECT_GT(m.at("average_sync_seconds").to_number<double>(), 0.0);
  EXPECT_EQ(m.at("rate_limit_per_minute").as_int64(), 960);
  const std::string calls = std::to_string(m.at("api_calls_24h").as_int64());
  EXPECT_EQ(text.out.substr(0, text.out.find("Average Sync Time: ")),
            "Connector: prod-pagerduty\nTotal Incidents: 2\nSync Success Rate: 100%\n")
      << text.out;
  EXPECT_NE(text.out.find("\nAPI Calls (24h): " + calls + "\n"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("\nWebhook Events (24h): 0\n"), std::string::npos) << text.out;
  EXPECT_EQ(Seed("./im connector metrics prod-pagerduty").out, text.out);
  EXPECT_EQ(Seed("./im metrics connector nope").code, 4);
}

// `connector health`: the verdict first, then one readable line per check and per part of
// the state; a PagerDuty that refuses the key makes it Unhealthy (exit 7, like `test`).
TEST_F(SeedCliTest, HealthGivesAVerdictAndOneLinePerCheck) {
  ASSERT_EQ(Seed("./im connector add pagerduty prod-pagerduty --config '{\"api_key\": "
                 "\"your-api-key-here\", \"base_url\": \"" +
                 sim_url() + "\", \"custom\": {\"service_id\": \"PXXXXXX\"}}'")
                .code,
            0);
  auto never = Seed("./im connector health prod-pagerduty");
  EXPECT_EQ(never.code, 0) << never.err;  // no from email or webhook yet: degraded
  EXPECT_EQ(never.out.substr(0, never.out.find('\n')), "Health: Degraded") << never.out;
  EXPECT_NE(never.out.find("\nAPI reachable: ✓ "), std::string::npos) << never.out;
  EXPECT_NE(never.out.find("\nEscalation policy found: ✓ none configured (optional)"),
            std::string::npos)
      << never.out;
  EXPECT_NE(never.out.find("\nSync Status: ✗ Never synced"), std::string::npos) << never.out;
  EXPECT_EQ(never.out.find('"'), std::string::npos) << "JSON quoting: " << never.out;
  ASSERT_EQ(Seed("./im connector sync prod-pagerduty").code, 0);
  auto json = Seed("./im --json connector health prod-pagerduty");
  auto v = json::Parse(json.out);
  ASSERT_TRUE(v) << json.out;
  EXPECT_EQ(v->at("health").as_string(), "degraded");
  EXPECT_EQ(v->at("incidents_linked").as_int64(), 2);
  EXPECT_EQ(v->at("checks").as_array().size(), 6u);
  EXPECT_EQ(v->at("error_rate_24h").to_number<double>(), 0.0);

  // A key PagerDuty refuses (answered at once; a PagerDuty that is down is retried by
  // Test() for minutes, which `connector test` is to bound).
  ASSERT_EQ(Seed("./im connector update prod-pagerduty --api-key not-a-key-0000").code, 0);
  auto refused = Seed("./im connector health prod-pagerduty");
  EXPECT_EQ(refused.code, 7);
  EXPECT_EQ(refused.out.substr(0, refused.out.find('\n')), "Health: Unhealthy") << refused.out;
  EXPECT_NE(refused.out.find("\nAPI key valid: ✗ "), std::string::npos) << refused.out;
  EXPECT_NE(refused.out.find("\nError Rate: "), std::string::npos) << refused.out;
}

TEST_F(SeedCliTest, LogsRefuseAnUnknownComponentNamingTheKnownOnes) {
  auto r = Seed("./im logs --component webhooks");
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find("--component: unknown component 'webhooks': use one of connector, http, "
                       "sla, webhook"),
            std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace im::cli

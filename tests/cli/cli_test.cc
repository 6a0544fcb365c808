// The real `im` binary against a temporary data directory, as a user would run it.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/server_app.h"
#include "common/json.h"
#include "fakes/deadline.h"
#include "fakes/process.h"
#include "fakes/raw_http.h"
#include "fakes/temp_dir.h"

namespace im::cli {
namespace {

struct CliRun {
  int code = -1;
  std::string out;
  std::string err;
};

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class CliTest : public ::testing::Test {
 protected:
  CliRun Im(const std::vector<std::string>& args, const std::string& env = "") {
    std::string cmd = env + " HOME=" + Quote(dir_.path().string()) + " USER=tester " +
                      Quote(im::testing::ImBinary()) + " --data-dir " + Quote(data_dir());
    for (const auto& a : args) cmd += " " + Quote(a);
    std::string out = dir_.File("out"), err = dir_.File("err");
    cmd += " >" + Quote(out) + " 2>" + Quote(err) + " </dev/null";
    int status = im::testing::SystemWithDeadline(
        ("env -u IM_DATA_DIR -u IM_DATABASE_URL -u IM_CONFIG -u IM_ACTOR " + cmd));
    return CliRun{WIFEXITED(status) ? WEXITSTATUS(status) : -1, Slurp(out), Slurp(err)};
  }
  std::string data_dir() const { return (dir_.path() / "data").string(); }

  im::testing::TempDir dir_;
};

TEST_F(CliTest, DeclarePrintsTheIdAndSaysWhichServicesItCreated) {
  auto r = Im({"declare", "--sev", "SEV-1", "--title", "API down", "--service", "api,db"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "INC-1\n");
  EXPECT_NE(r.err.find("service 'api' was not in the catalog"), std::string::npos);
  EXPECT_NE(r.err.find("service 'db' was not in the catalog"), std::string::npos);
  r = Im({"declare", "--sev", "SEV-2", "--title", "again", "--service", "api"});
  EXPECT_EQ(r.out, "INC-2\n");
  EXPECT_EQ(r.err, "");
}

TEST_F(CliTest, LifecycleWithActorsAndJson) {
  ASSERT_EQ(Im({"declare", "--sev", "SEV-2", "--title", "slow", "--service", "api"}).code, 0);
  EXPECT_EQ(Im({"ack", "--incident", "INC-1", "--as", "bob@example.com", "--note", "on it"}).code,
            0);
  EXPECT_EQ(Im({"note", "--incident", "INC-1", "cache flushed"}, "IM_ACTOR=carol@example.com").code,
            0);
  EXPECT_EQ(Im({"resolve", "INC-1"}).code, 0);
  EXPECT_EQ(Im({"close", "INC-1"}).code, 0);
  EXPECT_EQ(Im({"reopen", "INC-1", "--note", "came back"}).code, 0);
  auto r = Im({"show", "INC-1", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto v = json::Parse(r.out);
  ASSERT_TRUE(v) << r.out;
  const auto& o = v->as_object();
  EXPECT_EQ(o.at("status").as_string(), "open");
  EXPECT_EQ(o.at("acknowledged_by").as_string(), "bob@example.com");
  EXPECT_TRUE(o.at("resolved_at").is_null());
  const auto& timeline = o.at("timeline").as_array();
  ASSERT_EQ(timeline.size(), 6u);
  EXPECT_EQ(timeline[2].as_object().at("actor").as_string(), "carol@example.com");
  EXPECT_EQ(timeline[3].as_object().at("actor").as_string(), "tester@localhost");
  EXPECT_EQ(timeline[5].as_object().at("kind").as_string(), "reopened");
}

TEST_F(CliTest, ErrorsSayWhatToDoAndUseDocumentedExitCodes) {
  ASSERT_EQ(Im({"declare", "--sev", "SEV-2", "--title", "slow", "--service", "api"}).code, 0);
  auto r = Im({"close", "INC-1"});
  EXPECT_EQ(r.code, 5);
  EXPECT_NE(r.err.find("resolve it first with `im resolve`"), std::string::npos);
  r = Im({"ack", "INC-9"});
  EXPECT_EQ(r.code, 4);
  EXPECT_NE(r.err.find("INC-9 does not exist"), std::string::npos);
  r = Im({"declare", "--sev", "SEV-9", "--title", "x", "--service", "api"});
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find("use SEV-1, SEV-2, SEV-3 or SEV-4"), std::string::npos);
  r = Im({"declare", "--title", "x"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--help"), std::string::npos);
  r = Im({"ack", "--incident", "INC-1", "--as", "not-an-email"});
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find("is not an email address"), std::string::npos);
}

TEST_F(CliTest, UsageErrorsNameTheUnknownCommandAndTheMissingId) {
  auto r = Im({"foo"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(
      r.err.find("unknown command 'foo': `im` has these commands: ack, channel, close, connector"),
      std::string::npos)
      << r.err;
  r = Im({"--json", "connector", "frob", "pd"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown command 'frob': `im connector` has these commands: add,"),
            std::string::npos)
      << r.err;
  r = Im({"show"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("`im show INC-<n>`"), std::string::npos) << r.err;
  r = Im({"ack", "--note", "x"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("`im ack INC-<n>`"), std::string::npos) << r.err;
  r = Im({"connector"});  // a command is still required
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("subcommand is required"), std::string::npos) << r.err;
}

TEST_F(CliTest, ABlankTitleOrNoServiceIsRefusedNamingTheFlag) {
  auto r = Im({"declare", "--sev", "SEV-2", "--title", "  ", "--service", "api"});
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find("--title is empty or only spaces"), std::string::npos) << r.err;
  r = Im({"declare", "--sev", "SEV-2", "--title", "x", "--service", " , "});
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find("--service names no service"), std::string::npos) << r.err;
  auto list = Im({"incidents", "--json"});
  EXPECT_EQ(list.out, "{\"incidents\":[]}\n");
}

// Service names follow one documented set wherever they are typed, and a hint that prints one
// quotes it so the command can be copied.
TEST_F(CliTest, ServiceNamesAreCheckedWhereverTypedAndQuotedInHints) {
  auto r = Im({"declare", "--sev", "SEV-2", "--title", "slow", "--service", "API Gateway"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("`im services add 'API Gateway' --team"), std::string::npos) << r.err;
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"declare", "--sev", "SEV-2", "--title", "x", "--service=.hidden"},
           {"services", "add", "a;b"},
           {"incidents", "--service", "a;b"},
           {"oncall", "--service", "a;b"},
           {"deploy", "record", "--service", "a;b", "--at", "now"},
           {"deploy", "list", "--service", "a;b"},
           {"metrics", "dora", "--service", "a;b"}}) {
    auto bad = Im(args);
    EXPECT_EQ(bad.code, 3) << args[0] << " " << bad.err;
    EXPECT_NE(bad.err.find("is not valid: use 1-100 letters"), std::string::npos) << bad.err;
  }
  auto list = Im({"incidents", "--json"});
  EXPECT_EQ(json::Parse(list.out)->at("incidents").as_array().size(), 1u);
}

TEST_F(CliTest, LimitsBelowOneAndSinceAfterUntilAreRefusedEverywhere) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"incidents", "--limit", "0"},
                                             {"deploy", "list", "--limit", "0"},
                                             {"logs", "--limit", "0"},
                                             {"metrics", "dora", "--limit", "-1"}}) {
    auto r = Im(args);
    EXPECT_EQ(r.code, 3) << args[0];
    EXPECT_NE(r.err.find("--limit must be at least 1"), std::string::npos) << r.err;
  }
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"incidents", "--since", "-1h", "--until", "-2h"},
           {"deploy", "list", "--since", "2026-03-02", "--until", "2026-03-01"},
           {"metrics", "dora", "--since", "-1d", "--until", "-2d"}}) {
    auto r = Im(args);
    EXPECT_EQ(r.code, 3) << args[0];
    EXPECT_NE(r.err.find("--since must be before --until"), std::string::npos) << r.err;
  }
  EXPECT_EQ(Im({"incidents", "--limit", "1"}).code, 0);
}

TEST_F(CliTest, ConfigJsonWithAKeyGivenTwiceIsRefusedAndNothingIsStored) {
  auto r = Im({"connector", "add", "pagerduty", "pd", "--config",
               R"({"api_key":"first-key-0001","custom":{"service_id":"P1","service_id":"P2"}})"});
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_NE(r.err.find("--config: key 'custom.service_id' is given twice"), std::string::npos)
      << r.err;
  auto list = Im({"connector", "list", "--json"});
  ASSERT_EQ(list.code, 0) << list.err;
  EXPECT_EQ(list.out, "{\"connectors\":[]}\n");
}

TEST_F(CliTest, IncidentsFiltersAndPrintsJson) {
  Im({"declare", "--sev", "SEV-1", "--title", "a", "--service", "api"});
  Im({"declare", "--sev", "SEV-3", "--title", "b", "--service", "db"});
  Im({"resolve", "INC-2"});
  auto r = Im({"incidents", "--status", "open", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto v = json::Parse(r.out);
  ASSERT_TRUE(v) << r.out;
  ASSERT_EQ(v->as_object().at("incidents").as_array().size(), 1u);
  EXPECT_EQ(v->as_object().at("incidents").as_array()[0].as_object().at("id").as_string(), "INC-1");
  r = Im({"incidents", "--service", "db"});
  EXPECT_NE(r.out.find("INC-2"), std::string::npos);
  EXPECT_EQ(r.out.find("INC-1 "), std::string::npos);
  EXPECT_EQ(Im({"incidents", "--status", "finished"}).code, 3);
}

TEST_F(CliTest, TokensAreShownOnceAndNeverListed) {
  auto r = Im({"token", "create", "--name", "ci"});
  ASSERT_EQ(r.code, 0) << r.err;
  std::string secret = r.out.substr(0, r.out.size() - 1);
  EXPECT_TRUE(secret.starts_with("im_"));
  auto list = Im({"token", "list", "--json"});
  EXPECT_EQ(list.out.find(secret), std::string::npos);
  EXPECT_NE(list.out.find("\"name\":\"ci\""), std::string::npos);
  // Shown as every secret is: **** and its last 4 characters.
  const std::string hint = "****" + secret.substr(secret.size() - 4);
  EXPECT_NE(list.out.find("\"hint\":\"" + hint + "\""), std::string::npos) << list.out;
  EXPECT_EQ(list.out.find(secret.substr(0, 6)), std::string::npos) << list.out;
  EXPECT_NE(Im({"token", "list"}).out.find(hint), std::string::npos);
  EXPECT_EQ(Im({"token", "revoke", "1"}).code, 0);
  EXPECT_EQ(Im({"token", "revoke", "1"}).code, 4);
}

TEST_F(CliTest, ADatabaseAddressIsUsedAndAnUnknownBackendIsRefusedStoringNothing) {
  app::Config config;
  config.data_dir = data_dir();
  config.database_url = "sqlite:" + data_dir() + "/elsewhere.db";
  {
    auto rt = app::OpenRuntime(config, false);
    ASSERT_TRUE(rt) << rt.error().message;
  }
  EXPECT_TRUE(std::filesystem::exists(data_dir() + "/elsewhere.db"));
  EXPECT_FALSE(std::filesystem::exists(data_dir() + "/im.db"));
  config.database_url = "mysql://im@db.example/im";
  auto refused = app::OpenRuntime(config, false);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("use sqlite:PATH"), std::string::npos)
      << refused.error().message;
  EXPECT_FALSE(std::filesystem::exists(data_dir() + "/im.db"));
  // A PostgreSQL address is that backend's (tests/cli/pg_serve_test.cc): one nothing listens
  // on is unavailable, and nothing is stored in the data directory either.
  config.database_url = "postgres://im@127.0.0.1:1/im";
  auto unreachable = app::OpenRuntime(config, false);
  ASSERT_FALSE(unreachable);
  EXPECT_EQ(unreachable.error().code, ErrorCode::kUnavailable) << unreachable.error().message;
  EXPECT_FALSE(std::filesystem::exists(data_dir() + "/im.db"));
}

TEST_F(CliTest, CliAndARunningServerShareTheDataDirectory) {
  app::Config config;
  config.data_dir = data_dir();
  config.listen = "127.0.0.1:0";
  config.log_level = "warn";
  auto rt = app::OpenRuntime(config, false);
  ASSERT_TRUE(rt);
  app::ServerApp server(**rt);
  ASSERT_TRUE(server.Start());

  ASSERT_EQ(Im({"declare", "--sev", "SEV-2", "--title", "from cli", "--service", "api"}).code, 0);
  auto got = im::testing::Fetch(server.port(), "GET", "/api/v1/incidents/INC-1");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->status, 200);
  EXPECT_NE(got->body.find("from cli"), std::string::npos);

  auto token = (*rt)->tokens->Create("t", "srv@example.com");
  auto posted = im::testing::Fetch(server.port(), "POST", "/api/v1/incidents/INC-1/ack", "",
                                   "Authorization: Bearer " + token->secret + "\r\n");
  ASSERT_EQ(posted->status, 200);
  auto r = Im({"show", "INC-1", "--json"});
  EXPECT_NE(r.out.find("\"status\":\"mitigated\""), std::string::npos);
  EXPECT_NE(r.out.find("srv@example.com"), std::string::npos);
}

TEST_F(CliTest, ADataDirectoryFromANewerImIsRefusedUntouched) {
  ASSERT_EQ(Im({"declare", "--sev", "SEV-2", "--title", "x", "--service", "api"}).code, 0);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((data_dir() + "/im.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 999", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto r = Im({"incidents"});
  EXPECT_EQ(r.code, 5);
  EXPECT_NE(r.err.find("upgrade im"), std::string::npos);
  ASSERT_EQ(sqlite3_open((data_dir() + "/im.db").c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "SELECT count(*) FROM incidents", -1, &st, nullptr);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(st, 0), 1);
  sqlite3_finalize(st);
  sqlite3_close(db);
}

// Deployments recorded from the CLI count in `im metrics dora`, whose --json lists what is
// behind each number; a repeated id is ignored; bad input names the flag.
TEST_F(CliTest, DeployRecordAndMetricsDora) {
  auto d1 = Im({"deploy", "record", "--service", "api", "--at", "2026-03-02T10:00:00Z", "--id",
                "d-1", "--commit", "abc", "--committed-at", "2026-03-02T08:30:00Z"});
  ASSERT_EQ(d1.code, 0) << d1.err;
  EXPECT_EQ(d1.out, "d-1\n");
  auto dup =
      Im({"deploy", "record", "--service", "api", "--at", "2026-03-02T10:00:00Z", "--id", "d-1"});
  EXPECT_EQ(dup.code, 0) << dup.err;
  EXPECT_NE(dup.err.find("already recorded"), std::string::npos) << dup.err;
  auto bad = Im({"deploy", "record", "--service", "api", "--at", "someday"});
  EXPECT_EQ(bad.code, 3) << bad.err;
  EXPECT_NE(bad.err.find("--at"), std::string::npos) << bad.err;
  auto status = Im({"deploy", "record", "--service", "api", "--at", "2026-03-03T10:00:00Z",
                    "--status", "broken"});
  EXPECT_EQ(status.code, 3) << status.err;

  auto m = Im({"metrics", "dora", "--since", "2026-03-01T00:00:00Z", "--until",
               "2026-03-08T00:00:00Z", "--json"});
  ASSERT_EQ(m.code, 0) << m.err;
  auto v = json::Parse(m.out);
  ASSERT_TRUE(v) << m.out;
  const auto& o = v->as_object();
  EXPECT_EQ(o.at("deployment_frequency").at("deployments").as_int64(), 1);
  EXPECT_EQ(o.at("lead_time").at("median_seconds").to_number<double>(), 5400.0);  // 1 h 30
  auto table = Im({"metrics", "dora", "--since", "2026-03-01T00:00:00Z", "--until",
                   "2026-03-08T00:00:00Z", "--service", "api"});
  ASSERT_EQ(table.code, 0) << table.err;
  EXPECT_NE(table.out.find("Lead time for changes"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("1h30m"), std::string::npos) << table.out;
  auto both = Im({"metrics", "dora", "--service", "api", "--team", "payments"});
  EXPECT_EQ(both.code, 3) << both.err;

  // An incident declared now is days from d-1: no deployment, until linked by hand.
  ASSERT_EQ(Im({"declare", "--sev", "SEV-2", "--title", "api 500s", "--service", "api"}).code, 0);
  auto why = Im({"deploy", "why", "--incident", "INC-1"});
  ASSERT_EQ(why.code, 0) << why.err;
  EXPECT_NE(why.out.find("INC-1: no deployment"), std::string::npos) << why.out;
  auto link = Im({"deploy", "link", "--incident", "INC-1", "--deployment", "d-1"});
  ASSERT_EQ(link.code, 0) << link.err;
  EXPECT_NE(link.out.find("INC-1 → d-1 (linked by hand by tester@"), std::string::npos) << link.out;
  EXPECT_EQ(Im({"deploy", "link", "--incident", "INC-1", "--deployment", "nope"}).code, 4);
  EXPECT_EQ(Im({"deploy", "link", "--incident", "INC-1"}).code, 3);  // neither id nor --auto
  auto unlink = Im({"deploy", "unlink", "--incident", "INC-1"});
  ASSERT_EQ(unlink.code, 0) << unlink.err;
  EXPECT_NE(unlink.out.find("INC-1: no deployment (unlinked by hand"), std::string::npos)
      << unlink.out;
  ASSERT_EQ(Im({"deploy", "link", "--incident", "INC-1", "--auto"}).code, 0);
  auto list = Im({"deploy", "list", "--service", "api"});
  ASSERT_EQ(list.code, 0) << list.err;
  EXPECT_NE(list.out.find("d-1"), std::string::npos) << list.out;
}

}  // namespace
}  // namespace im::cli

#include "app/config.h"

#include <gtest/gtest.h>

#include <fstream>

#include "fakes/temp_dir.h"

namespace im::app {
namespace {

using namespace std::chrono_literals;

class ConfigTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& yaml) {
    std::string path = dir_.File("config.yaml");
    std::ofstream(path) << yaml;
    return path;
  }
  im::testing::TempDir dir_;
  Environment env_{{"HOME", "/home/alice"}, {"USER", "alice"}};
};

TEST_F(ConfigTest, DefaultsWithNoFile) {
  auto c = LoadConfig({}, env_);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->data_dir, "/home/alice/.local/share/im");
  EXPECT_EQ(c->listen, "127.0.0.1:8080");
  EXPECT_EQ(c->actor, "alice@localhost");
  EXPECT_EQ(c->sla.For(core::Severity::kSev1).acknowledge, 15min);
}

TEST_F(ConfigTest, TheDefaultActorFallsBackToLognameThenThePasswordDatabase) {
  env_.erase("USER");
  env_["LOGNAME"] = "bob";
  env_[kPasswdUserKey] = "carol";
  EXPECT_EQ(LoadConfig({}, env_)->actor, "bob@localhost");
  env_.erase("LOGNAME");
  EXPECT_EQ(LoadConfig({}, env_)->actor, "carol@localhost");
  env_.erase(kPasswdUserKey);
  EXPECT_EQ(LoadConfig({}, env_)->actor, "unknown@localhost");
  // This process's own user is in the password database.
  EXPECT_FALSE(ProcessEnvironment()[kPasswdUserKey].empty());
}

TEST_F(ConfigTest, FlagsBeatEnvironmentBeatFileBeatDefaults) {
  std::string file = Write(
      "data_dir: /from/file\nlisten: 0.0.0.0:9000\nactor: file@example.com\nlog:\n  level: "
      "debug\n");
  env_["IM_LISTEN"] = "127.0.0.1:7000";
  env_["IM_ACTOR"] = "env@example.com";
  auto c = LoadConfig({.config_file = file, .actor = "flag@example.com"}, env_);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->data_dir, "/from/file");     // file only
  EXPECT_EQ(c->listen, "127.0.0.1:7000");   // env over file
  EXPECT_EQ(c->actor, "flag@example.com");  // flag over env
  EXPECT_EQ(c->log_level, "debug");
}

TEST_F(ConfigTest, ConfigFileFromEnvironment) {
  env_["IM_CONFIG"] = Write("listen: 127.0.0.1:9999\n");
  EXPECT_EQ(LoadConfig({}, env_)->listen, "127.0.0.1:9999");
}

TEST_F(ConfigTest, SlaTargetsAreConfigurable) {
  auto c =
      LoadConfig({.config_file = Write("sla:\n  SEV-1:\n    acknowledge: 5m\n    resolve: 30m\n"
                                       "  at_risk: 0.5\n")},
                 env_);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->sla.For(core::Severity::kSev1).acknowledge, 5min);
  EXPECT_EQ(c->sla.For(core::Severity::kSev1).resolve, 30min);
  EXPECT_EQ(c->sla.For(core::Severity::kSev2).resolve, 4h);  // untouched default
  EXPECT_EQ(c->sla.at_risk_fraction, 0.5);
}

TEST_F(ConfigTest, TheDatabaseAddressComesFromTheEnvironmentOrTheFile) {
  EXPECT_EQ(LoadConfig({}, env_)->database_url, "");  // the data directory's im.db
  auto file = LoadConfig({.config_file = Write("database_url: sqlite:/srv/im/im.db\n")}, env_);
  ASSERT_TRUE(file) << file.error().message;
  EXPECT_EQ(file->database_url, "sqlite:/srv/im/im.db");
  env_["IM_DATABASE_URL"] = "sqlite:/tmp/other.db";
  EXPECT_EQ(LoadConfig({.config_file = Write("database_url: sqlite:/srv/im/im.db\n")}, env_)
                ->database_url,
            "sqlite:/tmp/other.db");
}

TEST_F(ConfigTest, MonitorCheckRetentionIsConfigurable) {
  EXPECT_EQ(LoadConfig({}, env_)->monitor_retention, std::chrono::days(30));
  auto c = LoadConfig({.config_file = Write("monitor_retention: 90d\n")}, env_);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->monitor_retention, std::chrono::days(90));
  for (const char* bad : {"monitor_retention: 2h\n", "monitor_retention: forever\n"}) {
    auto refused = LoadConfig({.config_file = Write(bad)}, env_);
    ASSERT_FALSE(refused) << bad;
    EXPECT_NE(refused.error().message.find("'monitor_retention' must be a duration of at least 1d"),
              std::string::npos)
        << refused.error().message;
  }
}

TEST_F(ConfigTest, InstanceHeartbeatAndTtlsAreConfigurable) {
  auto d = LoadConfig({}, env_);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->instance_heartbeat, std::chrono::seconds(2));
  EXPECT_EQ(d->instance_ttl, std::chrono::seconds(10));
  EXPECT_EQ(d->job_claim_ttl, std::chrono::seconds(30));
  auto c = LoadConfig(
      {.config_file = Write("instances:\n  heartbeat: 1s\n  ttl: 4s\n  claim_ttl: 1m\n")}, env_);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->instance_heartbeat, std::chrono::seconds(1));
  EXPECT_EQ(c->instance_ttl, std::chrono::seconds(4));
  EXPECT_EQ(c->job_claim_ttl, std::chrono::minutes(1));
  auto refused =
      LoadConfig({.config_file = Write("instances:\n  heartbeat: 5s\n  ttl: 8s\n")}, env_);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("at least twice 'instances.heartbeat'"), std::string::npos)
      << refused.error().message;
  refused = LoadConfig({.config_file = Write("instances:\n  ttl: soon\n")}, env_);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("'instances.ttl' must be a duration"), std::string::npos)
      << refused.error().message;
}

TEST_F(ConfigTest, UnknownKeysAreErrorsThatNameThem) {
  auto c = LoadConfig({.config_file = Write("listen: 127.0.0.1:1\nlistn: x\n")}, env_);
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("unknown key 'listn'"), std::string::npos);
  c = LoadConfig({.config_file = Write("sla:\n  SEV-1:\n    ack: 5m\n")}, env_);
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("unknown key 'sla.SEV-1.ack'"), std::string::npos);
}

TEST_F(ConfigTest, BadValuesSayWhatIsExpected) {
  auto c = LoadConfig({.config_file = Write("sla:\n  SEV-2:\n    resolve: soon\n")}, env_);
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("sla.SEV-2.resolve"), std::string::npos);
  EXPECT_FALSE(LoadConfig({.config_file = Write("listen: nowhere\n")}, env_));
  EXPECT_FALSE(LoadConfig({.config_file = Write("listen: [unclosed\n")}, env_));
  EXPECT_FALSE(LoadConfig({.log_level = "chatty"}, env_));
  auto missing = LoadConfig({.config_file = dir_.File("nope.yaml")}, env_);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST_F(ConfigTest, ReadsNeedLoginIsOffUnlessSaidAndOnlyTrueOrFalse) {
  auto c = LoadConfig({.config_file = Write("listen: 127.0.0.1:1\n")}, env_);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_FALSE(c->http_reads_need_login);
  c = LoadConfig({.config_file = Write("http:\n  reads_need_login: true\n")}, env_);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_TRUE(c->http_reads_need_login);
  c = LoadConfig({.config_file = Write("http:\n  reads_need_login: sometimes\n")}, env_);
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("'http.reads_need_login' must be true or false"),
            std::string::npos);
}

}  // namespace
}  // namespace im::app

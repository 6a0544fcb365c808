// Notifications as a user runs them: the real `im` binary (`im serve`, killed with SIGKILL and
// restarted; two of them on one data directory), real `im sim slack` and `im sim twilio`
// processes as Slack and Twilio, and the signed acknowledge link over real HTTP.
#include <gtest/gtest.h>

#include <sqlite3.h>
#include <unistd.h>

#include <fstream>
#include <iterator>

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

// Starts `im sim PROVIDER` and returns its port (0 when it did not start).
uint16_t StartSim(std::unique_ptr<Process>& p, const std::string& provider) {
  p = std::make_unique<Process>(std::vector<std::string>{
      im::testing::ImBinary(), "sim", provider, "--listen", "127.0.0.1:0", "--rate-limit", "off"});
  if (!p->started()) return 0;
  std::string banner = p->ReadLine();
  auto at = banner.find("http://127.0.0.1:");
  if (at == std::string::npos) return 0;
  return static_cast<uint16_t>(std::stoi(banner.substr(at + 17)));
}

void ExecSql(const std::string& db_path, const std::string& sql) {
  EXPECT_TRUE(im::testing::ExecSql(db_path, sql)) << sql;
}

std::string ThisProcessAsLeaseHolder() {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  return std::string(host) + ":" + std::to_string(getpid()) + ":test";
}

class NotifyCliTest : public ::testing::Test {
 public:
  void SetUp() override {
    slack_port_ = StartSim(slack_, "slack");
    ASSERT_NE(slack_port_, 0);
    sms_port_ = StartSim(sms_, "twilio");
    ASSERT_NE(sms_port_, 0);
    std::ofstream(Config()) << "public_url: https://im.test\n"
                               "notifications:\n"
                               "  escalation_channels: [sms]\n";
  }

  std::string Config() const { return dir_.File("config.yaml"); }
  std::string data() const { return (dir_.path() / "data").string(); }
  std::string db() const { return data() + "/im.db"; }
  std::string Env() const {
    return "env -u IM_DATA_DIR -u IM_CONFIG HOME=" + dir_.path().string() + " ";
  }
  int Im(const std::string& args, std::string* out = nullptr) {
    std::string file = (dir_.path() / "out.txt").string();
    std::string cmd = Env() + im::testing::ImBinary() + " --data-dir " + data() + " --config " +
                      Config() + " " + args + " >" + file + " 2>&1";
    int status = im::testing::SystemWithDeadline(cmd);
    std::ifstream in(file);
    std::string text(std::istreambuf_iterator<char>(in), {});
    if (out) *out = text;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    EXPECT_EQ(code, 0) << "im " << args << ": " << text;
    return code;
  }
  std::unique_ptr<Process> Serve(uint16_t* port = nullptr) {
    auto server = std::make_unique<Process>(std::vector<std::string>{
        "/usr/bin/env", "-u", "IM_DATA_DIR", "-u", "IM_CONFIG", "HOME=" + dir_.path().string(),
        im::testing::ImBinary(), "--data-dir", data(), "--config", Config(), "serve", "--listen",
        "127.0.0.1:0"});
    std::string banner = server->ReadLine();
    auto at = banner.find("http://127.0.0.1:");
    EXPECT_NE(at, std::string::npos) << banner;
    if (at != std::string::npos && port) {
      *port = static_cast<uint16_t>(std::stoi(banner.substr(at + 17)));
    }
    return server;
  }
  int64_t Query(const std::string& sql) { return im::testing::QueryInt(db(), sql); }
  // The channel outbox and the timeline, for a failure's message.
  std::string Dump() {
    // One text cell per table (either backend): its rows, one a line.
    const std::string agg = im::testing::OnPostgres() ? "string_agg" : "group_concat";
    return im::testing::QueryText(
               db(), "SELECT " + agg +
                         "(seq || ' | ' || connector || ' | ' || incident || ' | ' || kind || "
                         "' | ' || state || ' | ' || attempts || ' | ' || last_error, '\n') FROM "
                         "connector_outbox") +
           "\n" +
           im::testing::QueryText(
               db(), "SELECT " + agg + "(incident || ' | ' || message, '\n') FROM timeline");
  }
  int64_t TimelineCount(const std::string& like) {
    return Query("SELECT count(*) FROM timeline WHERE message LIKE '" + like + "'");
  }
  json::object State(uint16_t port) {
    auto r = im::testing::Fetch(port, "GET", "/_sim/state");
    if (!r) return {};
    auto v = json::Parse(r->body);
    return v && v->is_object() ? v->as_object() : json::object{};
  }
  // The texts the Twilio simulator took: {to, body}, in order.
  std::vector<std::pair<std::string, std::string>> Texts() {
    std::vector<std::pair<std::string, std::string>> out;
    auto s = State(sms_port_);
    if (!s.contains("messages")) return out;
    for (const auto& m : s.at("messages").as_array()) {
      out.emplace_back(std::string(m.at("to").as_string()), std::string(m.at("body").as_string()));
    }
    return out;
  }
  // A policy for service api: alice at once, bob 10 minutes later; their phones; the SMS
  // channel the escalation pages through.
  void SetUpEscalation() {
    std::ofstream(dir_.File("oncall.yaml"))
        << "escalation_policies:\n"
           "  - id: api\n"
           "    name: API\n"
           "    services: [api]\n"
           "    escalation_rules:\n"
           "      - escalation_delay_in_minutes: 10\n"
           "        targets: [{type: user, id: alice@example.com}]\n"
           "      - escalation_delay_in_minutes: 10\n"
           "        targets: [{type: user, id: bob@example.com}]\n"
           "people:\n"
           "  - {email: alice@example.com, name: Alice, time_zone: UTC}\n"
           "  - {email: bob@example.com, name: Bob, time_zone: UTC}\n";
    ASSERT_EQ(Im("oncall import " + dir_.File("oncall.yaml")), 0);
    ASSERT_EQ(Im("notify contact set alice@example.com --phone +15550000001"), 0);
    ASSERT_EQ(Im("notify contact set bob@example.com --phone +15550000002"), 0);
    ASSERT_EQ(Im("channel add sms sms --account-sid AC00000000000000000000000000000000 "
                 "--auth-token sim-auth-token --from +15550000000 --api-url http://127.0.0.1:" +
                 std::to_string(sms_port_)),
              0);
  }
  // What would happen if `minutes` passed: the escalation's start and next step move back.
  void PassMinutes(int minutes) {
    std::string us = std::to_string(int64_t{minutes} * 60 * 1000000);
    ExecSql(db(), "UPDATE notify_escalations SET started_at = started_at - " + us +
                      ", next_at = next_at - " + us);
  }

  im::testing::TempDir dir_;
  std::unique_ptr<Process> slack_, sms_;
  uint16_t slack_port_ = 0, sms_port_ = 0;
};

// Two `im serve` processes on one data directory, both sending: each SEV-1 declared opens
// exactly one Slack war room (two rules ask for it through two channels, which the two servers
// may send at the same moment).
TEST_F(NotifyCliTest, TwoServersOpenOneWarRoomPerSev1) {
  std::string api = "http://127.0.0.1:" + std::to_string(slack_port_) + "/api";
  for (const char* name : {"ops", "ops2"}) {
    ASSERT_EQ(Im(std::string("channel add slack ") + name +
                 " --bot-token xoxb-sim-token --slack-channel C0ALERTS --api-url " + api),
              0);
    ASSERT_EQ(Im(std::string("notify rule add ") + name + " --sev SEV-1 --channel " + name +
                 " --war-room " + name),
              0);
  }
  auto a = Serve();
  auto b = Serve();
  constexpr int kIncidents = 4;
  for (int i = 1; i <= kIncidents; ++i) {
    ASSERT_EQ(Im("declare --sev SEV-1 --title \"Payments down " + std::to_string(i) +
                 "\" --service payments"),
              0);
  }
  ASSERT_TRUE(im::testing::PollUntil(
      [&] {
        return Query(
                   "SELECT count(*) FROM connector_outbox WHERE connector LIKE 'channel:%' "
                   "AND state = 'pending'") == 0 &&
               Query("SELECT count(*) FROM connector_outbox WHERE connector LIKE 'channel:%'") ==
                   4 * kIncidents;
      },
      std::chrono::milliseconds(50)));
  a->Signal(SIGTERM);
  b->Signal(SIGTERM);
  EXPECT_EQ(a->Wait(), 0);
  EXPECT_EQ(b->Wait(), 0);
  auto state = State(slack_port_);
  ASSERT_TRUE(state.contains("creates"));
  EXPECT_EQ(state.at("creates").as_int64(), kIncidents);
  std::map<std::string, int> rooms;
  for (const auto& c : state.at("conversations").as_array()) {
    rooms[std::string(c.at("name").as_string())]++;
  }
  for (int i = 1; i <= kIncidents; ++i) {
    std::string name = "inc-" + std::to_string(i) + "-payments-down-" + std::to_string(i);
    EXPECT_EQ(rooms[name], 1) << name;
  }
  EXPECT_EQ(TimelineCount("War room #inc-%opened%"), kIncidents);
  EXPECT_EQ(Query("SELECT count(*) FROM connector_outbox WHERE state = 'parked'"), 0);
}

// kill -9 after level 1 was paged, and again after level 2's step was taken but before its page
// left: after each restart the escalation goes on where it was. Alice and Bob are each paged
// exactly once, in order, and each level is on the timeline once.
TEST_F(NotifyCliTest, KilledMidEscalationSkipsAndRepeatsNoLevel) {
  SetUpEscalation();
  auto server = Serve();
  ASSERT_EQ(Im("declare --sev SEV-2 --title Latency --service api"), 0);
  ASSERT_TRUE(im::testing::PollUntil([&] { return Texts().size() == 1; }));
  ASSERT_TRUE(im::testing::PollUntil(
      [&] { return TimelineCount("Paged alice@example.com (escalation level 1)%") == 1; }));
  // Killed once the page is marked sent (a kill between Twilio's answer and that write sends
  // that one text again after the restart, as the outbox does for any lost answer).
  ASSERT_TRUE(im::testing::PollUntil([&] {
    return Query(
               "SELECT count(*) FROM connector_outbox WHERE connector = 'channel:sms' AND "
               "state = 'sent'") == 1;
  }));
  server->Signal(SIGKILL);
  EXPECT_EQ(server->Wait(), 128 + SIGKILL);

  // Level 2 comes due while im is down; a live process (this test) holds the SMS outbox, so
  // level 2's step is taken but its page cannot leave before the next kill.
  ExecSql(db(),
          "DELETE FROM outbox_leases WHERE connector = 'channel:sms'; INSERT INTO outbox_leases "
          "(connector, owner, until) VALUES ('channel:sms', '" +
              ThisProcessAsLeaseHolder() + "', 9000000000000000)");
  PassMinutes(10);
  server = Serve();
  ASSERT_TRUE(im::testing::PollUntil(
      [&] { return TimelineCount("Escalation level 2: paging bob@example.com") == 1; }));
  EXPECT_EQ(Query("SELECT count(*) FROM connector_outbox WHERE connector = 'channel:sms' AND "
                  "state = 'pending'"),
            1)
      << Dump();
  server->Signal(SIGKILL);
  EXPECT_EQ(server->Wait(), 128 + SIGKILL);
  EXPECT_EQ(Texts().size(), 1u);

  ExecSql(db(), "DELETE FROM outbox_leases");
  server = Serve();
  ASSERT_TRUE(im::testing::PollUntil([&] { return Texts().size() == 2; }));
  ASSERT_TRUE(im::testing::PollUntil(
      [&] { return TimelineCount("Paged bob@example.com (escalation level 2)%") == 1; }));
  // Past the last level's delay: exhausted, nobody paged again.
  PassMinutes(10);
  ASSERT_TRUE(im::testing::PollUntil(
      [&] { return Query("SELECT count(*) FROM notify_escalations WHERE state = 'exhausted'"); }));
  server->Signal(SIGTERM);
  EXPECT_EQ(server->Wait(), 0);

  auto texts = Texts();
  ASSERT_EQ(texts.size(), 2u);
  EXPECT_EQ(texts[0].first, "+15550000001");
  EXPECT_EQ(texts[1].first, "+15550000002");
  EXPECT_NE(texts[0].second.find("(level 1)"), std::string::npos) << texts[0].second;
  EXPECT_NE(texts[1].second.find("(level 2)"), std::string::npos) << texts[1].second;
  EXPECT_EQ(TimelineCount("Escalation level 1: paging alice@example.com"), 1);
  EXPECT_EQ(TimelineCount("Escalation level 2: paging bob@example.com"), 1);
  EXPECT_EQ(TimelineCount("Paged %"), 2);
  EXPECT_EQ(TimelineCount("Escalation exhausted%"), 1);
}

// The acknowledge link in a page, over real HTTP: GET shows the incident and a button and
// changes nothing; POST acknowledges as the person paged and stops the escalation; the same
// link again, and a changed one, are refused.
TEST_F(NotifyCliTest, AckLinkOverHttpStopsEscalationOnce) {
  SetUpEscalation();
  uint16_t port = 0;
  auto server = Serve(&port);
  ASSERT_EQ(Im("declare --sev SEV-2 --title Latency --service api"), 0);
  ASSERT_TRUE(im::testing::PollUntil([&] { return Texts().size() == 1; }));
  std::string body = Texts()[0].second;
  size_t at = body.find("https://im.test/ack/");
  ASSERT_NE(at, std::string::npos) << body;
  std::string token = body.substr(at + 20);
  token = token.substr(0, token.find_first_of(" \n"));
  std::string path = "/ack/" + token;

  auto page = im::testing::Fetch(port, "GET", path);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("<form method=\"post\">"), std::string::npos) << page->body;
  EXPECT_NE(page->body.find("Acknowledge INC-1 as alice@example.com"), std::string::npos);
  EXPECT_EQ(Query("SELECT count(*) FROM incidents WHERE status = 'open'"),
            1);  // GET changed nothing

  std::string tampered = token;
  tampered[token.size() / 2] = tampered[token.size() / 2] == 'A' ? 'B' : 'A';
  auto bad = im::testing::Fetch(port, "POST", "/ack/" + tampered);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 403) << bad->body;
  EXPECT_EQ(Query("SELECT count(*) FROM incidents WHERE status = 'open'"), 1);

  auto ack = im::testing::Fetch(port, "POST", path);
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->status, 200) << ack->body;
  EXPECT_NE(ack->body.find("INC-1 acknowledged"), std::string::npos);
  EXPECT_EQ(Query("SELECT count(*) FROM incidents WHERE status = 'mitigated' AND "
                  "acknowledged_by = 'alice@example.com'"),
            1);
  EXPECT_EQ(Query("SELECT count(*) FROM notify_escalations WHERE state = 'stopped'"), 1);
  auto again = im::testing::Fetch(port, "POST", path);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 409) << again->body;
  EXPECT_NE(again->body.find("im ack"), std::string::npos) << again->body;

  // Level 2 would be due now; a second incident's first page shows the server has looked.
  PassMinutes(10);
  ASSERT_EQ(Im("declare --sev SEV-2 --title Errors --service api"), 0);
  ASSERT_TRUE(im::testing::PollUntil([&] { return Texts().size() == 2; }));
  server->Signal(SIGTERM);
  EXPECT_EQ(server->Wait(), 0);
  auto texts = Texts();
  ASSERT_EQ(texts.size(), 2u);
  EXPECT_EQ(texts[1].first, "+15550000001");  // INC-2's level 1, not INC-1's level 2 to bob
  EXPECT_NE(texts[1].second.find("INC-2"), std::string::npos) << texts[1].second;
  EXPECT_EQ(TimelineCount("Escalation stopped at level 1: acknowledged by alice@example.com"), 1);
  EXPECT_EQ(TimelineCount("Escalation level 2%"), 0);
}

// /api/v1/notify: rules and contacts over HTTP with the CLI's checks; writes need a token; what
// the API adds the CLI lists, and the other way round.
TEST_F(NotifyCliTest, RulesAndContactsApi) {
  std::string token;
  ASSERT_EQ(Im("token create --name api", &token), 0);
  token = token.substr(0, token.find('\n'));
  const std::string auth = "Authorization: Bearer " + token + "\r\n";
  ASSERT_EQ(Im("channel add sms sms --account-sid AC00000000000000000000000000000000 "
               "--auth-token sim-auth-token --from +15550000000 --api-url http://127.0.0.1:" +
               std::to_string(sms_port_)),
            0);
  uint16_t port = 0;
  auto server = Serve(&port);
  const std::string rule = R"({"name":"sev1","severities":["SEV-1"],"channels":["sms"]})";
  auto unauth = im::testing::Fetch(port, "POST", "/api/v1/notify/rules", rule);
  ASSERT_TRUE(unauth);
  EXPECT_EQ(unauth->status, 401);
  auto bad = im::testing::Fetch(port, "POST", "/api/v1/notify/rules",
                                R"({"name":"x","channels":["nope"]})", auth);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 422) << bad->body;
  EXPECT_NE(bad->body.find("channels[0]: no channel 'nope'"), std::string::npos) << bad->body;
  auto added = im::testing::Fetch(port, "POST", "/api/v1/notify/rules", rule, auth);
  ASSERT_TRUE(added);
  EXPECT_EQ(added->status, 201) << added->body;
  auto dup = im::testing::Fetch(port, "POST", "/api/v1/notify/rules", rule, auth);
  ASSERT_TRUE(dup);
  EXPECT_EQ(dup->status, 409) << dup->body;
  std::string listed;
  ASSERT_EQ(Im("--json notify rule list", &listed), 0);
  EXPECT_NE(listed.find("\"name\":\"sev1\""), std::string::npos) << listed;
  ASSERT_EQ(Im("notify rule add db --service db --channel sms"), 0);
  auto rules = im::testing::Fetch(port, "GET", "/api/v1/notify/rules");
  ASSERT_TRUE(rules);
  auto rv = json::Parse(rules->body);
  ASSERT_TRUE(rv) << rules->body;
  EXPECT_EQ(rv->at("rules").as_array().size(), 2u);

  auto phone = im::testing::Fetch(port, "PUT", "/api/v1/notify/contacts/alice@example.com",
                                  R"({"phone":"555"})", auth);
  ASSERT_TRUE(phone);
  EXPECT_EQ(phone->status, 422) << phone->body;
  EXPECT_NE(phone->body.find("phone"), std::string::npos) << phone->body;
  auto set = im::testing::Fetch(port, "PUT", "/api/v1/notify/contacts/alice@example.com",
                                R"({"phone":"+15550000001","slack_user":"U0ALICE"})", auth);
  ASSERT_TRUE(set);
  EXPECT_EQ(set->status, 200) << set->body;
  std::string contacts;
  ASSERT_EQ(Im("--json notify contact list", &contacts), 0);
  EXPECT_NE(contacts.find("+15550000001"), std::string::npos) << contacts;
  auto gone =
      im::testing::Fetch(port, "DELETE", "/api/v1/notify/contacts/alice@example.com", "", auth);
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->status, 200) << gone->body;
  auto again =
      im::testing::Fetch(port, "DELETE", "/api/v1/notify/contacts/alice@example.com", "", auth);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 404) << again->body;
  auto removed = im::testing::Fetch(port, "DELETE", "/api/v1/notify/rules/sev1", "", auth);
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->status, 200) << removed->body;
  EXPECT_EQ(Query("SELECT count(*) FROM notify_rules"), 1);
  EXPECT_EQ(Query("SELECT count(*) FROM notify_contacts"), 0);
  server->Signal(SIGTERM);
  EXPECT_EQ(server->Wait(), 0);
}

}  // namespace
}  // namespace im::cli

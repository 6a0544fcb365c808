// Three `im serve` processes on one PostgreSQL database with a two-way PagerDuty connector to a
// real `im sim pagerduty` process: every declare becomes exactly one PagerDuty incident whichever
// instance took it, a kill -9 of the instance sending the outbox loses and doubles nothing, and
// PagerDuty's signed webhooks posted to any instance, twice and out of order, end in PagerDuty's
// true state.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "common/json.h"
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

constexpr char kPdKey[] = "three-instances-key";
const std::string kPdAuth = std::string("Authorization: Token token=") + kPdKey + "\r\n";
// The connector secret key every instance shares (32 bytes in base64): without it each would
// make its own in its data directory and could not read the PagerDuty key the CLI stored.
constexpr char kSecretKey[] = "dGhyZWUtaW5zdGFuY2VzLXNoYXJlLW9uZS1rZXktMzI=";

// One webhook delivery as PagerDuty sent it: what is needed to send it again.
struct ThreeDelivery {
  std::string body;
  net::Headers headers;
};

class PgThreeInstancesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& server = im::testing::PgServer::Shared();
    url_ = server.NewDatabase();
    ASSERT_TRUE(server.ready()) << server.error();
    sim_ = std::make_unique<Process>(std::vector<std::string>{
        im::testing::ImBinary(), "sim", "pagerduty", "--listen", "127.0.0.1:0", "--api-key", kPdKey,
        "--incidents", "0", "--seed", "11", "--rate-limit", "off"});
    ASSERT_TRUE(sim_->started());
    std::string banner = sim_->ReadLine();  // "PagerDuty simulator at http://127.0.0.1:PORT ..."
    auto at = banner.find("http://127.0.0.1:");
    ASSERT_NE(at, std::string::npos) << banner;
    sim_port_ = static_cast<uint16_t>(std::stoi(banner.substr(at + 17)));

    // Where PagerDuty's webhooks go: kept here, to be posted to the instances by the test.
    router_.Add("POST", "/connectors/pd/webhook", [this](const net::HttpRequest& req) {
      std::lock_guard lock(mu_);
      captured_.push_back({req.body, req.headers});
      net::HttpResponse res;
      res.status = 202;
      return res;
    });
    capture_ = std::make_unique<http::Server>(http::ServerOptions{.port = 0}, router_, nullptr);
    ASSERT_TRUE(capture_->Start());
  }
  void TearDown() override {
    for (auto& s : servers_) {
      if (s.process && !s.process->Exited()) {
        s.process->Signal(SIGTERM);
        EXPECT_EQ(s.process->Wait(), 0);
      }
    }
    if (capture_) capture_->Stop();
  }

  int Im(const std::string& args, std::string* out) {
    std::string file = dir_.File("out.txt");
    std::string cmd = "env -u IM_CONFIG HOME='" + dir_.path().string() + "' IM_DATA_DIR='" +
                      dir_.File("cli") + "' IM_DATABASE_URL='" + url_ +
                      "' IM_SECRET_KEY=" + kSecretKey + " IM_ACTOR=alice@example.com " +
                      im::testing::ImBinary() + " " + args;
    return im::testing::RunCapturing(cmd, file, out);
  }

  using Server = im::testing::Served;
  void Serve(const std::string& name) {
    std::vector<std::string> argv = {"/usr/bin/env",
                                     "-u",
                                     "IM_CONFIG",
                                     "HOME=" + dir_.path().string(),
                                     "IM_DATA_DIR=" + dir_.File(name),
                                     "IM_DATABASE_URL=" + url_,
                                     std::string("IM_SECRET_KEY=") + kSecretKey,
                                     im::testing::ImBinary(),
                                     "serve",
                                     "--listen",
                                     "127.0.0.1:0"};
    servers_.push_back(im::testing::StartServing(argv));
  }

  // A PagerDuty REST call as a user of the simulator; the parsed answer (null on failure).
  json::value Pd(const std::string& method, const std::string& path, const std::string& body = "",
                 const std::string& from = "") {
    std::string headers = kPdAuth + "Accept: application/vnd.pagerduty+json;version=2\r\n" +
                          "Content-Type: application/json\r\n";
    if (!from.empty()) headers += "From: " + from + "\r\n";
    auto r = im::testing::Fetch(sim_port_, method, path, body, headers);
    EXPECT_TRUE(r && r->status / 100 == 2)
        << method << " " << path << ": " << (r ? r->body : "no answer");
    if (!r || r->status / 100 != 2) return nullptr;
    auto v = json::Parse(r->body);
    return v ? *v : json::value(nullptr);
  }

  // Every PagerDuty incident: id → (incident_key, status, urgency).
  struct PdIncident {
    std::string key, status, urgency;
  };
  std::map<std::string, PdIncident> PdIncidents() {
    std::map<std::string, PdIncident> out;
    for (int offset = 0;; offset += 100) {
      auto v = Pd("GET", "/incidents?date_range=all&limit=100&offset=" + std::to_string(offset));
      if (v.is_null()) break;
      for (const auto& i : v.at("incidents").as_array()) {
        const json::value* key = i.as_object().if_contains("incident_key");
        out[std::string(i.at("id").as_string())] = {
            key && key->is_string() ? std::string(key->as_string()) : "",
            std::string(i.at("status").as_string()), std::string(i.at("urgency").as_string())};
      }
      if (!v.at("more").as_bool()) break;
    }
    return out;
  }
  int64_t SimIncidentCount() {
    auto r = im::testing::Fetch(sim_port_, "GET", "/_sim/state");
    auto v = r ? json::Parse(r->body) : Result<json::value>(std::unexpected(Error{}));
    return v ? v->at("incidents").as_int64() : -1;
  }

  // The connector's pending outbound changes as an instance's /metrics reports them; -1 when it
  // does not answer.
  int64_t PendingOutbox(uint16_t port) {
    auto r = im::testing::Fetch(port, "GET", "/metrics");
    if (!r || r->status != 200) return -1;
    const std::string needle = "im_connector_outbox{connector=\"pd\",state=\"pending\"} ";
    auto at = r->body.find(needle);
    if (at == std::string::npos) return -1;
    return std::stoll(r->body.substr(at + needle.size()));
  }

  // A number from the shared database.
  int64_t Db(const std::string& sql) {
    std::string first;
    std::string err = im::testing::PgServer::Exec(url_, sql, &first);
    EXPECT_EQ(err, "") << sql;
    return first.empty() ? -1 : std::stoll(first);
  }
  std::string DbText(const std::string& sql) {
    std::string first;
    EXPECT_EQ(im::testing::PgServer::Exec(url_, sql, &first), "") << sql;
    return first;
  }

  // POSTs `count` declares spread round-robin over the live instances from four threads; how
  // many were answered 201.
  int Declare(int count, const std::string& prefix, const std::vector<uint16_t>& ports) {
    std::atomic<int> next{0}, created{0};
    auto worker = [&] {
      for (int i = next++; i < count; i = next++) {
        auto r = im::testing::Fetch(ports[static_cast<size_t>(i) % ports.size()], "POST",
                                    "/api/v1/incidents",
                                    R"({"title":")" + prefix + std::to_string(i) +
                                        R"(","severity":"SEV-2","service":"api"})",
                                    auth_);
        if (r && r->status == 201) created++;
      }
    };
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) threads.emplace_back(worker);
    for (auto& t : threads) t.join();
    return created;
  }

  // Each PagerDuty incident exactly once per im incident: as many as declared, every one with
  // its own im incident key, every im incident linked to one of them.
  void ExpectOnePagerDutyIncidentPerDeclare(int64_t declared) {
    auto incidents = PdIncidents();
    EXPECT_EQ(static_cast<int64_t>(incidents.size()), declared);
    std::set<std::string> keys;
    for (const auto& [id, i] : incidents) {
      EXPECT_TRUE(i.key.starts_with("im-")) << id << " " << i.key;
      EXPECT_TRUE(keys.insert(i.key).second) << "two PagerDuty incidents for " << i.key;
    }
    EXPECT_EQ(Db("SELECT count(*) FROM connector_links WHERE connector = 'pd'"), declared);
    EXPECT_EQ(Db("SELECT count(DISTINCT incident) FROM connector_links WHERE connector = 'pd'"),
              declared);
    EXPECT_EQ(Db("SELECT count(*) FROM connector_outbox WHERE state <> 'sent'"), 0);
  }

  im::testing::TempDir dir_;
  std::string url_;
  std::string auth_;
  std::unique_ptr<Process> sim_;
  uint16_t sim_port_ = 0;
  http::Router router_;
  std::unique_ptr<http::Server> capture_;
  std::mutex mu_;
  std::vector<ThreeDelivery> captured_;  // GUARDED_BY(mu_)
  std::vector<Server> servers_;
};

TEST_F(PgThreeInstancesTest, DeclaresKillAndWebhooksAcrossThreeInstancesEndInPagerDutysState) {
  const auto start = std::chrono::steady_clock::now();
  auto users = Pd("GET", "/users?limit=1");
  auto services = Pd("GET", "/services?limit=1");
  ASSERT_FALSE(users.is_null() || services.is_null());
  const std::string email(users.at("users").as_array().at(0).at("email").as_string());
  const std::string service(services.at("services").as_array().at(0).at("id").as_string());

  std::string out;
  ASSERT_EQ(Im("connector add pagerduty pd --config '{\"api_key\":\"" + std::string(kPdKey) +
                   "\",\"base_url\":\"http://127.0.0.1:" + std::to_string(sim_port_) +
                   "\",\"sync_direction\":\"bidirectional\",\"rate_limit_per_minute\":0,"
                   "\"sync_interval\":\"1h\",\"custom\":{\"from_email\":\"" +
                   email + "\",\"service_mappings\":{\"default\":\"" + service + "\"}}}'",
               &out),
            0)
      << out;
  ASSERT_EQ(Im("token create --name load", &out), 0) << out;
  auth_ = "Authorization: Bearer " + out.substr(0, out.find('\n')) + "\r\n";
  for (const char* name : {"a", "b", "c"}) ASSERT_NO_FATAL_FAILURE(Serve(name));
  std::vector<uint16_t> ports;
  for (const auto& s : servers_) ports.push_back(s.port);

  // (a) 1,000 declares spread over the three: exactly 1,000 PagerDuty incidents.
  constexpr int kFirst = 1000;
  ASSERT_EQ(Declare(kFirst, "disk full ", ports), kFirst);
  const auto declared_a = std::chrono::steady_clock::now();
  EXPECT_TRUE(im::testing::PollUntil(
      [&] { return SimIncidentCount() >= kFirst && PendingOutbox(ports[0]) == 0; },
      std::chrono::milliseconds(50)))
      << SimIncidentCount() << " PagerDuty incidents, " << PendingOutbox(ports[0])
      << " pending; the first: "
      << DbText(
             "SELECT state || ' attempts=' || attempts || ' error=' || last_error || ' lease=' "
             "|| coalesce((SELECT owner FROM outbox_leases), 'none') FROM connector_outbox "
             "ORDER BY seq LIMIT 1");
  const auto drained_a = std::chrono::steady_clock::now();
  ASSERT_NO_FATAL_FAILURE(ExpectOnePagerDutyIncidentPerDeclare(kFirst));

  // (b) 300 more, sent slowly (every PagerDuty request takes 10 ms); the instance holding the
  // outbox lease is killed with SIGKILL once part of them is sent. The other two finish the
  // rest: nothing lost, nothing doubled (the one in flight is found by its incident key).
  constexpr int kSecond = 300;
  ASSERT_TRUE(im::testing::Fetch(sim_port_, "PATCH", "/_sim/knobs", R"({"latency_ms":10})"));
  ASSERT_EQ(Declare(kSecond, "queue stuck ", ports), kSecond);
  ASSERT_TRUE(im::testing::PollUntil([&] {
    int64_t pending = PendingOutbox(ports[0]);
    return pending >= 0 && pending < kSecond - 30;
  }));
  std::string owner = DbText("SELECT owner FROM outbox_leases WHERE connector = 'pd'");
  auto holder = std::find_if(servers_.begin(), servers_.end(), [&](const Server& s) {
    return owner.find(":" + std::to_string(s.process->pid()) + ":") != std::string::npos;
  });
  ASSERT_NE(holder, servers_.end()) << "the outbox lease is held by " << owner;
  int64_t pending_at_kill = PendingOutbox(holder->port);
  holder->process->Signal(SIGKILL);
  EXPECT_EQ(holder->process->Wait(), 128 + SIGKILL);
  EXPECT_GT(pending_at_kill, 0) << "the outbox drained before the kill";
  const auto killed = std::chrono::steady_clock::now();
  ASSERT_TRUE(im::testing::Fetch(sim_port_, "PATCH", "/_sim/knobs", R"({"latency_ms":0})"));
  std::vector<uint16_t> alive;
  for (const auto& s : servers_) {
    if (&s != &*holder) alive.push_back(s.port);
  }
  EXPECT_TRUE(im::testing::PollUntil(
      [&] { return SimIncidentCount() >= kFirst + kSecond && PendingOutbox(alive[0]) == 0; },
      std::chrono::milliseconds(50)))
      << SimIncidentCount() << " PagerDuty incidents, " << PendingOutbox(alive[0]) << " pending";
  const auto drained_b = std::chrono::steady_clock::now();
  ASSERT_NO_FATAL_FAILURE(ExpectOnePagerDutyIncidentPerDeclare(kFirst + kSecond));
  EXPECT_NE(DbText("SELECT coalesce(max(owner), '') FROM outbox_leases WHERE connector = 'pd'"),
            owner);

  // (c) PagerDuty's own webhooks: a subscription to the capture server, 120 incidents made in
  // PagerDuty and moved through their lives in rounds (so each incident's events are at least a
  // round apart), 300 signed deliveries in all.
  ASSERT_EQ(
      Im("connector webhook pd --enable --url http://127.0.0.1:" + std::to_string(capture_->port()),
         &out),
      0)
      << out;
  constexpr int kHooked = 120;
  std::vector<std::string> ids;
  for (int i = 0; i < kHooked; ++i) {
    auto made = Pd("POST", "/incidents",
                   R"({"incident":{"type":"incident","title":"hooked )" + std::to_string(i) +
                       R"(","urgency":")" + (i % 2 ? "low" : "high") + R"(","service":{"id":")" +
                       service + R"(","type":"service_reference"}}})",
                   email);
    ASSERT_FALSE(made.is_null());
    ids.emplace_back(made.at("incident").at("id").as_string());
  }
  // Incident i gets i % 4 further changes: ack; ack, resolve; ack, resolve, reopen.
  const std::vector<std::string> steps = {"acknowledged", "resolved", "triggered"};
  for (size_t round = 0; round < steps.size(); ++round) {
    for (int i = 0; i < kHooked; ++i) {
      if (static_cast<size_t>(i % 4) <= round) continue;
      ASSERT_FALSE(
          Pd("PUT", "/incidents/" + ids[static_cast<size_t>(i)],
             R"({"incident":{"type":"incident_reference","status":")" + steps[round] + R"("}})",
             email)
              .is_null());
    }
  }
  constexpr size_t kHooks = kHooked * (1 + 2 + 3 + 4) / 4;  // 300
  ASSERT_TRUE(im::testing::PollUntil([&] {
    std::lock_guard lock(mu_);
    return captured_.size() >= kHooks;
  }));
  std::vector<ThreeDelivery> deliveries;
  {
    std::lock_guard lock(mu_);
    deliveries = captured_;
  }
  ASSERT_EQ(deliveries.size(), kHooks);
  // Shuffled (later events of an incident often come before earlier ones), and one in five sent
  // again to another instance: 360 posts, round-robin over the two live instances, from three
  // threads at once.
  std::mt19937 rng(18);
  std::vector<std::pair<size_t, size_t>> posts;  // (delivery, instance)
  for (size_t i = 0; i < deliveries.size(); ++i) {
    posts.emplace_back(i, i % alive.size());
    if (i % 5 == 0) posts.emplace_back(i, (i + 1) % alive.size());
  }
  std::shuffle(posts.begin(), posts.end(), rng);
  std::atomic<size_t> next{0};
  std::atomic<int> accepted{0};
  auto poster = [&] {
    for (size_t k = next++; k < posts.size(); k = next++) {
      const ThreeDelivery& d = deliveries[posts[k].first];
      std::string headers;
      for (const auto& [name, value] : d.headers) {
        std::string lower = name;
        for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (lower == "content-type" || lower == "user-agent" || lower.starts_with("x-")) {
          headers += name + ": " + value + "\r\n";
        }
      }
      auto r = im::testing::Fetch(alive[posts[k].second], "POST", "/connectors/pd/webhook", d.body,
                                  headers);
      if (r && r->status / 100 == 2) {
        accepted++;
      } else {
        ADD_FAILURE() << (r ? std::to_string(r->status) + " " + r->body : "no answer");
      }
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) threads.emplace_back(poster);
  for (auto& t : threads) t.join();
  EXPECT_EQ(accepted, static_cast<int>(posts.size()));

  // im ends where PagerDuty is: every incident linked once, with PagerDuty's status and urgency.
  auto truth = PdIncidents();
  auto matches = [&] {
    for (const auto& id : ids) {
      const PdIncident& pd = truth.at(id);
      std::string want = pd.status == "triggered"      ? "open"
                         : pd.status == "acknowledged" ? "mitigated"
                                                       : "resolved";
      std::string got = DbText(
          "SELECT i.status || '/' || i.urgency FROM connector_links l JOIN incidents i ON "
          "i.number = l.incident WHERE l.connector = 'pd' AND l.external_id = '" +
          id + "'");
      if (got != want + "/" + pd.urgency) return false;
    }
    return true;
  };
  EXPECT_TRUE(im::testing::PollUntil(matches, std::chrono::milliseconds(50)));
  for (const auto& id : ids) {
    const PdIncident& pd = truth.at(id);
    SCOPED_TRACE(id);
    EXPECT_EQ(DbText("SELECT i.status || '/' || i.urgency FROM connector_links l JOIN incidents "
                     "i ON i.number = l.incident WHERE l.connector = 'pd' AND l.external_id = '" +
                     id + "'"),
              (pd.status == "triggered"      ? "open/"
               : pd.status == "acknowledged" ? "mitigated/"
                                             : "resolved/") +
                  pd.urgency);
  }
  EXPECT_EQ(Db("SELECT count(*) FROM connector_links WHERE connector = 'pd'"),
            kFirst + kSecond + kHooked);
  EXPECT_EQ(Db("SELECT count(*) FROM incidents"), kFirst + kSecond + kHooked);
  // Each delivery stored once, whichever instance got it and however often.
  EXPECT_EQ(Db("SELECT count(*) FROM connector_events WHERE connector = 'pd'"),
            static_cast<int64_t>(kHooks));
  EXPECT_EQ(Db("SELECT count(*) FROM (SELECT incident FROM timeline WHERE kind = 'declared' "
               "GROUP BY incident HAVING count(*) > 1) d"),
            0);
  // What im applied did not go back to PagerDuty as new incidents.
  EXPECT_EQ(SimIncidentCount(), kFirst + kSecond + kHooked);

  auto ms = [](auto d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); };
  std::printf(
      "[ timing ] declare 1000: %lld ms; drain after: %lld ms; drain after kill: %lld ms; "
      "total %lld ms\n",
      static_cast<long long>(ms(declared_a - start)),
      static_cast<long long>(ms(drained_a - declared_a)),
      static_cast<long long>(ms(drained_b - killed)),
      static_cast<long long>(ms(std::chrono::steady_clock::now() - start)));
}

}  // namespace
}  // namespace im::cli

// Several `im serve` processes on one PostgreSQL database (IM_DATABASE_URL), each with a data
// directory of its own: what one accepts the others serve, and concurrent changes to one
// incident through different processes are all kept.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <fstream>
#include <set>
#include <thread>

#include "common/json.h"
#include "fakes/deadline.h"
#include "fakes/pg_server.h"
#include "fakes/process.h"
#include "fakes/raw_http.h"
#include "fakes/temp_dir.h"

namespace im::cli {
namespace {

using im::testing::Process;

class PgServeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& server = im::testing::PgServer::Shared();
    url_ = server.NewDatabase();
    ASSERT_TRUE(server.ready()) << server.error();
  }

  std::vector<std::string> Env(const std::string& data_dir) const {
    return {"/usr/bin/env",
            "-u",
            "IM_CONFIG",
            "HOME=" + dir_.path().string(),
            "IM_DATA_DIR=" + data_dir,
            "IM_DATABASE_URL=" + url_};
  }

  // Runs `im ARGS` against the database (or, with `sqlite_dir`, on the SQLite database of that
  // data directory); its output.
  int Im(const std::string& args, std::string* out, const std::string& sqlite_dir = "") {
    std::string file = dir_.File("out.txt");
    std::string env = sqlite_dir.empty()
                          ? "IM_DATA_DIR='" + dir_.File("cli") + "' IM_DATABASE_URL='" + url_ + "' "
                          : "IM_DATA_DIR='" + sqlite_dir + "' ";
    std::string cmd = "env -u IM_CONFIG -u IM_DATABASE_URL HOME='" + dir_.path().string() + "' " +
                      env + "IM_ACTOR=alice@example.com " + im::testing::ImBinary() + " " + args;
    return im::testing::RunCapturing(cmd, file, out);
  }

  using Server = im::testing::Served;
  Server Serve(const std::string& name) {
    auto argv = Env(dir_.File(name));
    argv.insert(argv.end(), {im::testing::ImBinary(), "serve", "--listen", "127.0.0.1:0"});
    return im::testing::StartServing(argv);
  }

  im::testing::TempDir dir_;
  std::string url_;
};

TEST_F(PgServeTest, TwoServersOnOneDatabaseShareIncidentsAndLoseNoConcurrentChange) {
  std::string token;
  ASSERT_EQ(Im("token create --name api", &token), 0) << token;
  token = token.substr(0, token.find('\n'));
  const std::string auth = "Authorization: Bearer " + token + "\r\n";
  Server a = Serve("a"), b = Serve("b");
  ASSERT_TRUE(a.port && b.port);

  // 30 declares through each server at once.
  constexpr int kEach = 30;
  std::atomic<int> created{0};
  std::mutex mu;
  std::set<std::string> locations;
  auto declare = [&](uint16_t port, const std::string& who) {
    for (int i = 0; i < kEach; ++i) {
      auto r = im::testing::Fetch(
          port, "POST", "/api/v1/incidents",
          R"({"title":")" + who + std::to_string(i) + R"(","severity":"SEV-3","service":"api"})",
          auth);
      if (r && r->status == 201) {
        created++;
        std::lock_guard lock(mu);
        locations.insert(r->headers["location"]);
      }
    }
  };
  std::thread ta([&] { declare(a.port, "a"); });
  std::thread tb([&] { declare(b.port, "b"); });
  ta.join();
  tb.join();
  EXPECT_EQ(created, 2 * kEach);
  EXPECT_EQ(locations.size(), 2u * kEach);  // every incident its own number
  for (uint16_t port : {a.port, b.port}) {
    auto list = im::testing::Fetch(port, "GET", "/api/v1/incidents?limit=1000", "", auth);
    ASSERT_TRUE(list);
    ASSERT_EQ(list->status, 200) << list->body;
    EXPECT_EQ(list->body.find("\"INC-" + std::to_string(2 * kEach + 1) + "\""), std::string::npos);
    EXPECT_NE(list->body.find("\"INC-" + std::to_string(2 * kEach) + "\""), std::string::npos)
        << list->body.substr(0, 300);
  }

  // Notes on one incident through both servers at once: every one is kept.
  constexpr int kNotes = 15;
  std::atomic<int> noted{0};
  auto note = [&](uint16_t port, const std::string& who) {
    for (int i = 0; i < kNotes; ++i) {
      auto r = im::testing::Fetch(port, "POST", "/api/v1/incidents/INC-1/notes",
                                  R"({"text":"note )" + who + std::to_string(i) + R"("})", auth);
      if (r && r->status / 100 == 2) noted++;
    }
  };
  std::thread na([&] { note(a.port, "a"); });
  std::thread nb([&] { note(b.port, "b"); });
  na.join();
  nb.join();
  EXPECT_EQ(noted, 2 * kNotes);
  auto got = im::testing::Fetch(b.port, "GET", "/api/v1/incidents/INC-1", "", auth);
  ASSERT_TRUE(got);
  ASSERT_EQ(got->status, 200) << got->body;
  for (const char* who : {"a", "b"}) {
    for (int i = 0; i < kNotes; ++i) {
      EXPECT_NE(got->body.find("note " + std::string(who) + std::to_string(i) + "\""),
                std::string::npos)
          << who << i;
    }
  }

  // An acknowledge through one server shows through the other.
  auto ack = im::testing::Fetch(a.port, "POST", "/api/v1/incidents/INC-2/ack", "", auth);
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->status, 200) << ack->body;
  auto seen = im::testing::Fetch(b.port, "GET", "/api/v1/incidents/INC-2", "", auth);
  ASSERT_TRUE(seen);
  auto v = json::Parse(seen->body);
  ASSERT_TRUE(v) << seen->body;
  EXPECT_EQ(v->at("status").as_string(), "mitigated") << seen->body.substr(0, 300);

  for (Server* s : {&a, &b}) {
    s->process->Signal(SIGTERM);
    EXPECT_EQ(s->process->Wait(), 0);
  }
}

// `im db migrate-from-sqlite`: an installation on SQLite moves to PostgreSQL, verified; a second
// run changes nothing; then im works on the copy.
TEST_F(PgServeTest, AnInstallationMovesFromSqliteToPostgres) {
  const std::string old_dir = dir_.File("old");
  std::string out;
  for (int k = 0; k < 3; ++k) {
    ASSERT_EQ(Im("declare --sev SEV-2 --title 'disk " + std::to_string(k) + "' --service api", &out,
                 old_dir),
              0)
        << out;
  }
  ASSERT_EQ(Im("ack INC-2", &out, old_dir), 0) << out;

  ASSERT_EQ(Im("db migrate-from-sqlite --from '" + old_dir + "' --to '" + url_ + "'", &out), 0)
      << out;
  EXPECT_NE(out.find("every table's count and checksum match"), std::string::npos) << out;
  EXPECT_NE(out.find("incidents"), std::string::npos) << out;
  ASSERT_EQ(Im("db migrate-from-sqlite --from '" + old_dir + "' --to '" + url_ + "'", &out), 0)
      << out;
  EXPECT_NE(out.find("already holds this copy"), std::string::npos) << out;

  ASSERT_EQ(Im("--json incidents", &out), 0) << out;
  auto v = json::Parse(out);
  ASSERT_TRUE(v) << out;
  const auto& list = v->at("incidents").as_array();
  ASSERT_EQ(list.size(), 3u) << out;
  EXPECT_EQ(list[1].at("status").as_string(), "mitigated");
  ASSERT_EQ(Im("declare --sev SEV-3 --title 'after the move' --service api", &out), 0) << out;
  EXPECT_NE(out.find("INC-4"), std::string::npos) << out;

  // A data directory without a database is refused, naming what to give.
  EXPECT_EQ(
      Im("db migrate-from-sqlite --from '" + dir_.File("none") + "' --to '" + url_ + "'", &out), 4)
      << out;
  EXPECT_NE(out.find("give the data directory"), std::string::npos) << out;
}

}  // namespace
}  // namespace im::cli

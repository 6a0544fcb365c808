// `im sim <provider> --fixture FILE` as a user runs it: the real binary serves the shipped
// example, and a bad file stops it before it listens, with the message and a non-zero exit.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "common/json.h"
#include "fakes/deadline.h"
#include "fakes/process.h"
#include "fakes/raw_http.h"
#include "fakes/temp_dir.h"

namespace im::cli {
namespace {

using im::testing::Process;

std::string Fixture(const std::string& name) {
  const char* src = std::getenv("IM_SOURCE_DIR");
  return std::string(src ? src : IM_TEST_SOURCE_DIR) + "/docs/fixtures/" + name;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Served {
  std::string provider, fixture, auth, target, expected;
};

TEST(SimCliTest, ServesEachShippedFixture) {
  const std::vector<Served> cases = {
      {"pagerduty", "pagerduty.json", "Authorization: Token token=cli-key\r\n",
       "/incidents?date_range=all&total=true", "\"total\":5"},
      {"pagerduty", "pagerduty.json", "Authorization: Token token=cli-key\r\n",
       "/incidents/PINC003", "\"status\":\"resolved\""},
      {"incidentio", "incidentio.json", "Authorization: Bearer cli-key\r\n",
       "/v2/incidents/01HINC0LATENCY000000000003", "\"reference\":\"INC-103\""},
      {"opsgenie", "opsgenie.json", "Authorization: GenieKey cli-key\r\n",
       "/v2/alerts/70413a06-38d6-4c85-92b8-5ebc900d4003", "\"status\":\"closed\""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.provider + " " + c.target);
    Process sim({im::testing::ImBinary(), "sim", c.provider, "--fixture", Fixture(c.fixture),
                 "--listen", "127.0.0.1:0", "--api-key", "cli-key"});
    ASSERT_TRUE(sim.started());
    std::string banner = sim.ReadLine();  // "... simulator ... at http://127.0.0.1:PORT ..."
    auto at = banner.find("http://127.0.0.1:");
    ASSERT_NE(at, std::string::npos) << banner;
    auto port = static_cast<uint16_t>(std::stoi(banner.substr(at + 17)));
    auto res = im::testing::Fetch(port, "GET", c.target, "", c.auth);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200) << res->body;
    EXPECT_NE(res->body.find(c.expected), std::string::npos) << res->body;
    sim.Signal(SIGTERM);
    EXPECT_EQ(sim.Wait(), 0);
  }
}

TEST(SimCliTest, ABadFixtureStopsItWithTheMessage) {
  im::testing::TempDir dir;
  std::string bad = dir.File("bad.json");
  std::ofstream(bad) << R"({"escalation_policies": [{"id": "PEPOL01", "name": "Policy"}],
    "services": [{"id": "PSVC001", "name": "Checkout", "escalation_policy": {"id": "PEPOL01"}}],
    "incidents": [{"id": "PINC001", "title": "Down", "status": "triggered",
                   "service": {"id": "PNOPE"}, "created_at": "-1h"}]})";
  std::string cmd = im::testing::ImBinary() + " sim pagerduty --listen 127.0.0.1:0 --fixture " +
                    bad + " >" + dir.File("out") + " 2>" + dir.File("err") + " </dev/null";
  int status = im::testing::SystemWithDeadline(cmd);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 2);
  EXPECT_EQ(Slurp(dir.File("out")), "");  // it never listened
  EXPECT_EQ(Slurp(dir.File("err")),
            "im sim: fixture " + bad +
                ": incidents[0].service.id \"PNOPE\" is not the id of any service "
                "(services[].id): write one of those ids, or add a service with this id\n");

  std::string missing = im::testing::ImBinary() + " sim opsgenie --fixture " +
                        dir.File("none.json") + " >/dev/null 2>" + dir.File("err2") + " </dev/null";
  status = im::testing::SystemWithDeadline(missing);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 2);
  EXPECT_EQ(Slurp(dir.File("err2")),
            "im sim: fixture " + dir.File("none.json") + ": cannot be read\n");
}

}  // namespace
}  // namespace im::cli

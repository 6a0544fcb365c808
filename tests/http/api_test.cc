// The incident API end to end: a real ServerApp on port 0 over a SQLite file, spoken to over
// loopback HTTP.
#include <gtest/gtest.h>

#include <set>

#include "app/server_app.h"
#include "common/json.h"
#include "fakes/raw_http.h"
#include "fakes/temp_dir.h"
#include "http/test_server_config.h"

namespace im::app {
namespace {

using im::testing::Fetch;

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Config config = TestServerConfig(dir_.path());
    auto rt = OpenRuntime(config, true);
    ASSERT_TRUE(rt) << rt.error().message;
    rt_ = std::move(*rt);
    auto token = rt_->tokens->Create("test", "alice@example.com");
    ASSERT_TRUE(token);
    auth_ = "Authorization: Bearer " + token->secret + "\r\n";
    server_ = std::make_unique<ServerApp>(*rt_);
    ASSERT_TRUE(server_->Start());
  }

  std::optional<im::testing::RawResponse> Post(const std::string& target, const std::string& body,
                                               bool with_token = true) {
    return Fetch(server_->port(), "POST", target, body, with_token ? auth_ : "");
  }

  json::object BodyOf(const im::testing::RawResponse& r) {
    auto v = json::Parse(r.body);
    EXPECT_TRUE(v && v->is_object()) << r.body;
    return v ? v->as_object() : json::object{};
  }

  size_t IncidentCount() { return rt_->store->ListIncidents({})->size(); }

  im::testing::TempDir dir_;
  std::unique_ptr<Runtime> rt_;
  std::unique_ptr<ServerApp> server_;
  std::string auth_;
};

TEST_F(ApiTest, DeclareThenAckThenResolveOverHttp) {
  auto created = Post("/api/v1/incidents",
                      R"({"title":"API down","severity":"SEV-1","services":["api","db"]})");
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  auto body = BodyOf(*created);
  EXPECT_EQ(body["id"].as_string(), "INC-1");
  EXPECT_EQ(body["status"].as_string(), "open");
  EXPECT_EQ(body["created_by"].as_string(), "alice@example.com");
  EXPECT_EQ(body["created_services"].as_array().size(), 2u);
  EXPECT_EQ(created->headers["location"], "/api/v1/incidents/INC-1");

  auto acked = Post("/api/v1/incidents/INC-1/ack", R"({"note":"on it"})");
  ASSERT_EQ(acked->status, 200);
  EXPECT_EQ(BodyOf(*acked)["status"].as_string(), "mitigated");
  auto resolved = Post("/api/v1/incidents/INC-1/resolve", "");
  ASSERT_EQ(resolved->status, 200);

  auto shown = Fetch(server_->port(), "GET", "/api/v1/incidents/INC-1");
  ASSERT_EQ(shown->status, 200);
  auto view = BodyOf(*shown);
  EXPECT_EQ(view["status"].as_string(), "resolved");
  EXPECT_EQ(view["timeline"].as_array().size(), 3u);
  EXPECT_EQ(view["sla"].as_object().at("acknowledge").as_object().at("state").as_string(), "met");
}

TEST_F(ApiTest, WritesWithoutATokenAre401AndStoreNothing) {
  auto r = Post("/api/v1/incidents", R"({"title":"x","severity":"SEV-2","service":"api"})", false);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(BodyOf(*r)["error"].as_object().at("code").as_string(), "unauthenticated");
  auto bad = Fetch(server_->port(), "POST", "/api/v1/incidents",
                   R"({"title":"x","severity":"SEV-2","service":"api"})",
                   "Authorization: Bearer im_not-a-real-token\r\n");
  EXPECT_EQ(bad->status, 401);
  EXPECT_EQ(IncidentCount(), 0u);
  EXPECT_EQ(Fetch(server_->port(), "GET", "/api/v1/incidents")->status, 200);  // reads are open
}

TEST_F(ApiTest, BadBodiesGetTheRightStatusAndStoreNothing) {
  struct Case {
    std::string body;
    int status;
    std::string mentions;
  };
  for (const auto& c :
       {Case{"{\"title\": ", 400, "not valid JSON"}, Case{"[1,2]", 422, "JSON object"},
        Case{R"({"title":"x","severity":"SEV-2","service":"api","sevrity":1})", 422, "sevrity"},
        Case{R"({"title":7,"severity":"SEV-2","service":"api"})", 422, "title"},
        Case{R"({"title":"x","severity":"SEV-7","service":"api"})", 422, "SEV-7"},
        Case{R"({"title":"x","severity":"SEV-2"})", 422, "service"},
        Case{R"({"title":"   ","severity":"SEV-2","service":"api"})", 422,
             "'title' is empty or only spaces"},
        Case{R"({"title":"x","severity":"SEV-2","services":[]})", 422, "'services' is empty"},
        Case{R"({"title":"x","title":"y","severity":"SEV-2","service":"api"})", 400,
             "key 'title' is given twice"}}) {
    auto r = Post("/api/v1/incidents", c.body);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, c.status) << c.body;
    EXPECT_NE(r->body.find(c.mentions), std::string::npos) << r->body;
    EXPECT_EQ(r->body.find("--"), std::string::npos) << "speaks of a CLI flag: " << r->body;
  }
  EXPECT_EQ(IncidentCount(), 0u);
  EXPECT_TRUE(rt_->store->ListServices()->empty());
}

TEST_F(ApiTest, InvalidTransitionIs409AndChangesNothing) {
  ASSERT_EQ(
      Post("/api/v1/incidents", R"({"title":"x","severity":"SEV-2","service":"api"})")->status,
      201);
  auto r = Post("/api/v1/incidents/INC-1/close", "");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 409);
  EXPECT_NE(r->body.find("resolve it first"), std::string::npos);
  EXPECT_EQ(rt_->store->GetIncident(1)->status, core::Status::kOpen);
  EXPECT_EQ(Post("/api/v1/incidents/INC-99/ack", "")->status, 404);
  EXPECT_EQ(Post("/api/v1/incidents/bogus/ack", "")->status, 404);
}

TEST_F(ApiTest, ListFiltersAndPages) {
  for (auto sev : {"SEV-1", "SEV-2", "SEV-3"}) {
    Post("/api/v1/incidents",
         std::string(R"({"title":"x","severity":")") + sev + R"(","service":"api"})");
  }
  auto r = Fetch(server_->port(), "GET", "/api/v1/incidents?severity=SEV-1,SEV-3");
  EXPECT_EQ(BodyOf(*r)["incidents"].as_array().size(), 2u);
  auto page = BodyOf(*Fetch(server_->port(), "GET", "/api/v1/incidents?limit=2"));
  EXPECT_EQ(page["incidents"].as_array().size(), 2u);
  EXPECT_EQ(page["next_before"].as_int64(), 2);
  auto rest = BodyOf(*Fetch(server_->port(), "GET", "/api/v1/incidents?limit=2&before=2"));
  EXPECT_EQ(rest["incidents"].as_array().size(), 1u);
  EXPECT_TRUE(rest["next_before"].is_null());
  EXPECT_EQ(Fetch(server_->port(), "GET", "/api/v1/incidents?status=bogus")->status, 422);
  for (const char* target :
       {"/api/v1/incidents?limit=0", "/api/v1/deployments?limit=0",
        "/api/v1/incidents?since=-1h&until=-2h", "/api/v1/deployments?since=-1h&until=-2h",
        "/api/v1/metrics/dora?since=-1h&until=-2h"}) {
    auto r = Fetch(server_->port(), "GET", target);
    EXPECT_EQ(r->status, 422) << target << " " << r->body;
    EXPECT_EQ(r->body.find("--"), std::string::npos) << r->body;
  }
  auto bad_service = Fetch(server_->port(), "GET", "/api/v1/incidents?service=a%3Bb");
  EXPECT_EQ(bad_service->status, 422);
  EXPECT_NE(bad_service->body.find("query parameter 'service': service name 'a;b' is not valid"),
            std::string::npos)
      << bad_service->body;
}

TEST_F(ApiTest, NotesAppearOnTheTimeline) {
  Post("/api/v1/incidents", R"({"title":"x","severity":"SEV-2","service":"api"})");
  auto r = Post("/api/v1/incidents/INC-1/notes", R"({"text":"db failover started"})");
  ASSERT_EQ(r->status, 201);
  auto notes = BodyOf(*Fetch(server_->port(), "GET", "/api/v1/incidents/INC-1/notes"));
  ASSERT_EQ(notes["notes"].as_array().size(), 1u);
  EXPECT_EQ(notes["notes"].as_array()[0].as_object().at("message").as_string(),
            "db failover started");
  EXPECT_EQ(Post("/api/v1/incidents/INC-1/notes", R"({"text":""})")->status, 422);
}

TEST_F(ApiTest, HealthReadinessAndMetrics) {
  EXPECT_EQ(Fetch(server_->port(), "GET", "/healthz")->status, 200);
  EXPECT_EQ(Fetch(server_->port(), "GET", "/readyz")->status, 200);
  Post("/api/v1/incidents", R"({"title":"x","severity":"SEV-1","service":"api"})");
  auto m = Fetch(server_->port(), "GET", "/metrics");
  ASSERT_EQ(m->status, 200);
  EXPECT_NE(m->headers["content-type"].find("text/plain"), std::string::npos);
  EXPECT_NE(m->body.find("im_incidents{status=\"open\",severity=\"SEV-1\"} 1"), std::string::npos);
  EXPECT_NE(m->body.find("im_sla_breaches_total 0"), std::string::npos);
  EXPECT_NE(m->body.find("route=\"/api/v1/incidents\",method=\"POST\",status=\"201\""),
            std::string::npos);
}

TEST_F(ApiTest, EveryRouteIsDocumentedAndEveryDocumentedRouteExists) {
  auto r = Fetch(server_->port(), "GET", "/api/openapi.json");
  ASSERT_EQ(r->status, 200);
  auto doc = BodyOf(*r);
  ASSERT_TRUE(doc["openapi"].as_string().starts_with("3."));
  std::set<std::string> documented;
  for (const auto& [path, item] : doc["paths"].as_object()) {
    for (const auto& [method, op] : item.as_object()) {
      std::string m(method);
      for (auto& c : m) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      documented.insert(m + " " + std::string(path));
    }
  }
  // Ask the server itself: a documented route must not be 404/405, an undocumented path must.
  for (const auto& route : documented) {
    auto space = route.find(' ');
    std::string method = route.substr(0, space);
    std::string path = route.substr(space + 1);
    for (auto [param, value] : {std::pair{"{id}", "INC-1"}, std::pair{"{name}", "api"}}) {
      auto at = path.find(param);
      if (at != std::string::npos) path.replace(at, std::string(param).size(), value);
    }
    auto res = Fetch(server_->port(), method, path, method == "POST" ? "{}" : "");
    ASSERT_TRUE(res) << route;
    EXPECT_NE(res->status, 405) << route << " is documented but has no handler";
    if (res->status == 404) {
      EXPECT_NE(res->body.find("\"code\":\"not_found\""), std::string::npos);
      EXPECT_EQ(res->body.find("no such path"), std::string::npos)
          << route << " is documented but has no handler";
    }
  }
  std::set<std::string> served;
  for (const auto& route : server_->router().routes())
    served.insert(route.method + " " + route.pattern);
  EXPECT_EQ(documented, served);
  EXPECT_GE(documented.size(), 14u);
}

}  // namespace
}  // namespace im::app

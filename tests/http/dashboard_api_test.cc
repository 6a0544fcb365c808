// What the dashboard adds to the API, end to end over loopback HTTP against a real ServerApp
// on a SQLite file: session login (cookie + CSRF), the live event stream, the embedded files,
// and the incident list's source and team filters.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <future>

#include "app/server_app.h"
#include "common/crypto.h"
#include "common/json.h"
#include "fakes/raw_http.h"
#include "fakes/temp_dir.h"
#include "http/test_server_config.h"

namespace im::app {
namespace {

using im::testing::Fetch;

class DashboardApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Config config = TestServerConfig(dir_.path());
    auto rt = OpenRuntime(config, true);
    ASSERT_TRUE(rt) << rt.error().message;
    rt_ = std::move(*rt);
    auto token = rt_->tokens->Create("dash", "alice@example.com");
    ASSERT_TRUE(token);
    secret_ = token->secret;
    token_id_ = token->token.id;
    auth_ = "Authorization: Bearer " + secret_ + "\r\n";
    server_ = std::make_unique<ServerApp>(*rt_);
    ASSERT_TRUE(server_->Start());
  }

  uint16_t port() { return server_->port(); }

  json::object BodyOf(const im::testing::RawResponse& r) {
    auto v = json::Parse(r.body);
    EXPECT_TRUE(v && v->is_object()) << r.body;
    return v ? v->as_object() : json::object{};
  }

  // Logs in; returns the cookie header line and the CSRF token.
  std::pair<std::string, std::string> Login() {
    auto r = Fetch(port(), "POST", "/api/v1/sessions", "{\"token\":\"" + secret_ + "\"}",
                   "Content-Type: application/json\r\n");
    EXPECT_TRUE(r && r->status == 201) << (r ? r->body : "no answer");
    if (!r || r->status != 201) return {};
    std::string set = r->headers["set-cookie"];
    std::string pair = set.substr(0, set.find(';'));
    return {"Cookie: theme=dark; " + pair + "\r\n",
            std::string(BodyOf(*r)["csrf_token"].as_string())};
  }

  size_t IncidentCount() { return rt_->store->ListIncidents({})->size(); }

  im::testing::TempDir dir_;
  std::unique_ptr<Runtime> rt_;
  std::unique_ptr<ServerApp> server_;
  std::string secret_;
  int64_t token_id_ = 0;
  std::string auth_;
};

constexpr const char* kDeclare = R"({"title":"x","severity":"SEV-2","services":["api"]})";

// The answers a page shell carries for its first reads (dashboard.cc ServePage): the JSON
// block `<script type="application/json" id="im-first-reads">`, {"<url>": {status, body}}.
json::object FirstReads(const std::string& html) {
  const std::string open = "<script type=\"application/json\" id=\"im-first-reads\">";
  auto at = html.find(open);
  if (at == std::string::npos) return {};
  auto end = html.find("</script>", at);
  if (end == std::string::npos) return {};
  auto v = json::Parse(html.substr(at + open.size(), end - at - open.size()));
  EXPECT_TRUE(v && v->is_object());
  return v && v->is_object() ? v->as_object() : json::object{};
}

std::string Gunzip(const std::string& gz) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 16) != Z_OK) return {};
  std::string out;
  char buf[16384];
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  z.avail_in = static_cast<uInt>(gz.size());
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof buf - z.avail_out);
  }
  inflateEnd(&z);
  return rc == Z_STREAM_END ? out : std::string();
}

TEST_F(DashboardApiTest, LoginSetsAnHttpOnlySameSiteCookieThatHoldsNoToken) {
  auto r = Fetch(port(), "POST", "/api/v1/sessions", "{\"token\":\"" + secret_ + "\"}",
                 "Content-Type: application/json\r\n");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  const std::string& cookie = r->headers["set-cookie"];
  EXPECT_TRUE(cookie.starts_with("im_session=s1.")) << cookie;
  EXPECT_NE(cookie.find("; HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("; SameSite=Strict"), std::string::npos) << cookie;
  EXPECT_EQ(cookie.find("Secure"), std::string::npos) << "plain http must keep working";
  EXPECT_EQ(cookie.find(secret_), std::string::npos);
  auto body = BodyOf(*r);
  EXPECT_EQ(body["actor"].as_string(), "alice@example.com");
  EXPECT_FALSE(body["csrf_token"].as_string().empty());

  auto behind_tls = Fetch(port(), "POST", "/api/v1/sessions", "{\"token\":\"" + secret_ + "\"}",
                          "Content-Type: application/json\r\nX-Forwarded-Proto: https\r\n");
  EXPECT_NE(behind_tls->headers["set-cookie"].find("; Secure"), std::string::npos);
}

TEST_F(DashboardApiTest, LoginRefusesBadTokensAndFormPosts) {
  auto wrong = Fetch(port(), "POST", "/api/v1/sessions", R"({"token":"im_nope"})",
                     "Content-Type: application/json\r\n");
  EXPECT_EQ(wrong->status, 401);
  EXPECT_NE(wrong->body.find("im token create"), std::string::npos) << wrong->body;
  EXPECT_EQ(wrong->headers.count("set-cookie"), 0u);
  auto form = Fetch(port(), "POST", "/api/v1/sessions", "{\"token\":\"" + secret_ + "\"}",
                    "Content-Type: text/plain\r\n");
  EXPECT_EQ(form->status, 422) << form->body;
  EXPECT_EQ(form->headers.count("set-cookie"), 0u);
  auto missing =
      Fetch(port(), "POST", "/api/v1/sessions", "{}", "Content-Type: application/json\r\n");
  EXPECT_EQ(missing->status, 422);
  EXPECT_NE(missing->body.find("token"), std::string::npos);
}

TEST_F(DashboardApiTest, SessionWritesNeedTheCsrfTokenAndActAsTheTokensCreator) {
  auto [cookie, csrf] = Login();
  ASSERT_FALSE(csrf.empty());
  auto no_csrf = Fetch(port(), "POST", "/api/v1/incidents", kDeclare, cookie);
  EXPECT_EQ(no_csrf->status, 403) << no_csrf->body;
  EXPECT_NE(no_csrf->body.find("X-CSRF-Token"), std::string::npos);
  auto wrong_csrf =
      Fetch(port(), "POST", "/api/v1/incidents", kDeclare, cookie + "X-CSRF-Token: nope\r\n");
  EXPECT_EQ(wrong_csrf->status, 403);
  EXPECT_EQ(IncidentCount(), 0u);

  auto ok = Fetch(port(), "POST", "/api/v1/incidents", kDeclare,
                  cookie + "X-CSRF-Token: " + csrf + "\r\n");
  ASSERT_EQ(ok->status, 201) << ok->body;
  EXPECT_EQ(BodyOf(*ok)["created_by"].as_string(), "alice@example.com");

  auto current = Fetch(port(), "GET", "/api/v1/sessions/current", "", cookie);
  ASSERT_EQ(current->status, 200);
  EXPECT_EQ(BodyOf(*current)["csrf_token"].as_string(), csrf);
  EXPECT_EQ(Fetch(port(), "GET", "/api/v1/sessions/current")->status, 401);

  auto out = Fetch(port(), "DELETE", "/api/v1/sessions/current", "", cookie);
  EXPECT_EQ(out->status, 204);
  EXPECT_NE(out->headers["set-cookie"].find("Max-Age=0"), std::string::npos);
}

TEST_F(DashboardApiTest, ATamperedCookieOrARevokedTokenEndsTheSession) {
  auto [cookie, csrf] = Login();
  ASSERT_FALSE(csrf.empty());
  // Another token id with the same signature.
  std::string tampered = cookie;
  auto at = tampered.find("s1.") + 3;
  tampered[at] = tampered[at] == '9' ? '8' : static_cast<char>(tampered[at] + 1);
  EXPECT_EQ(Fetch(port(), "GET", "/api/v1/sessions/current", "", tampered)->status, 401);
  EXPECT_EQ(Fetch(port(), "POST", "/api/v1/incidents", kDeclare,
                  tampered + "X-CSRF-Token: " + csrf + "\r\n")
                ->status,
            401);

  ASSERT_TRUE(rt_->tokens->Revoke(token_id_));
  EXPECT_EQ(Fetch(port(), "GET", "/api/v1/sessions/current", "", cookie)->status, 401);
  EXPECT_EQ(Fetch(port(), "POST", "/api/v1/incidents", kDeclare,
                  cookie + "X-CSRF-Token: " + csrf + "\r\n")
                ->status,
            401);
  EXPECT_EQ(IncidentCount(), 0u);
}

int64_t CursorOf(const std::string& body) {
  auto at = body.rfind("id: ");
  return at == std::string::npos ? -1 : std::stoll(body.substr(at + 4));
}

TEST_F(DashboardApiTest, EventsGiveACursorThenEachChangedIncidentOnce) {
  auto ready = Fetch(port(), "GET", "/api/v1/events");
  ASSERT_EQ(ready->status, 200);
  EXPECT_NE(ready->headers["content-type"].find("text/event-stream"), std::string::npos);
  EXPECT_NE(ready->body.find("event: ready"), std::string::npos) << ready->body;
  EXPECT_NE(ready->body.find("retry: "), std::string::npos);
  int64_t cursor = CursorOf(ready->body);
  ASSERT_EQ(cursor, 0);

  auto quiet = Fetch(port(), "GET", "/api/v1/events?wait=0", "", "Last-Event-ID: 0\r\n");
  ASSERT_EQ(quiet->status, 200);
  EXPECT_EQ(quiet->body.find("event: incident"), std::string::npos) << quiet->body;

  // Declared and acknowledged: two entries, one event for the incident, at its newest state.
  ASSERT_EQ(Fetch(port(), "POST", "/api/v1/incidents", kDeclare, auth_)->status, 201);
  ASSERT_EQ(Fetch(port(), "POST", "/api/v1/incidents/INC-1/ack", "", auth_)->status, 200);
  auto batch = Fetch(port(), "GET", "/api/v1/events?wait=5", "", "Last-Event-ID: 0\r\n");
  ASSERT_EQ(batch->status, 200);
  size_t first = batch->body.find("event: incident");
  ASSERT_NE(first, std::string::npos) << batch->body;
  EXPECT_EQ(batch->body.find("event: incident", first + 1), std::string::npos) << batch->body;
  EXPECT_NE(batch->body.find("\"id\":\"INC-1\""), std::string::npos);
  EXPECT_NE(batch->body.find("\"status\":\"mitigated\""), std::string::npos);
  cursor = CursorOf(batch->body);
  EXPECT_EQ(cursor, 2);

  auto bad = Fetch(port(), "GET", "/api/v1/events", "", "Last-Event-ID: x1\r\n");
  EXPECT_EQ(bad->status, 422);
  EXPECT_NE(bad->body.find("Last-Event-ID"), std::string::npos);
}

TEST_F(DashboardApiTest, AWaitingReaderIsAnsweredWhenAnIncidentChanges) {
  auto waiting = std::async(std::launch::async,
                            [&] { return Fetch(port(), "GET", "/api/v1/events?after=0&wait=60"); });
  // Whether the reader is already waiting or arrives after the change, it gets the change.
  ASSERT_EQ(Fetch(port(), "POST", "/api/v1/incidents", kDeclare, auth_)->status, 201);
  ASSERT_EQ(waiting.wait_for(std::chrono::seconds(10)), std::future_status::ready)
      << "the change did not reach the waiting reader";
  auto r = waiting.get();
  ASSERT_TRUE(r);
  EXPECT_NE(r->body.find("\"id\":\"INC-1\""), std::string::npos) << r->body;
}

TEST_F(DashboardApiTest, StoppingAnswersWaitingReaders) {
  auto waiting = std::async(std::launch::async,
                            [&] { return Fetch(port(), "GET", "/api/v1/events?after=0&wait=60"); });
  // Stop must not wait the 60 s out: the reader is answered (empty) and the server stops.
  auto stopped = std::async(std::launch::async, [&] { server_->Stop(); });
  ASSERT_EQ(stopped.wait_for(std::chrono::seconds(20)), std::future_status::ready);
  auto r = waiting.get();
  if (r) {
    EXPECT_EQ(r->body.find("event: incident"), std::string::npos);
  }
}

TEST_F(DashboardApiTest, PagesCarryTheirFirstReadsAndFilesAreServedCompressed) {
  // Every page carries the dashboard's modules in one inline script and the answers to its own
  // page's first reads; the modules are still served one by one.
  for (auto [page, module] :
       std::vector<std::pair<std::string, std::string>>{{"/", "incidents"},
                                                        {"/incidents", "incidents"},
                                                        {"/incidents/INC-4", "incident"},
                                                        {"/oncall", "oncall"},
                                                        {"/dora", "dora"},
                                                        {"/monitors", "monitors"},
                                                        {"/integrations", "integrations"},
                                                        {"/login", "login"}}) {
    auto r = Fetch(port(), "GET", page);
    ASSERT_EQ(r->status, 200) << page;
    EXPECT_NE(r->headers["content-type"].find("text/html"), std::string::npos);
    EXPECT_EQ(r->body.find("/assets/app.js"), std::string::npos);
    EXPECT_NE(r->headers["content-security-policy"].find("default-src 'self'"), std::string::npos);
    // It holds live data: never cached, never answered with a 304.
    EXPECT_EQ(r->headers["cache-control"], "no-store") << page;
    EXPECT_TRUE(r->headers["etag"].empty()) << page;
    // Every first read is in the shell (none is left to a preload), the session on every page.
    EXPECT_TRUE(r->headers["link"].empty()) << page << ": " << r->headers["link"];
    auto reads = FirstReads(r->body);
    ASSERT_TRUE(reads.contains("/api/v1/sessions/current")) << page;
    EXPECT_EQ(reads["/api/v1/sessions/current"].as_object().at("status").as_int64(), 401);
    EXPECT_EQ(Fetch(port(), "GET", "/assets/pages/" + module + ".js")->status, 200) << module;
    // The script is inline, allowed by its hash: every page module is in it.
    const std::string open = "<script type=\"module\">";
    auto at = r->body.find(open);
    auto end = r->body.find("</script>", at);
    ASSERT_NE(at, std::string::npos);
    ASSERT_NE(end, std::string::npos);
    const std::string js = r->body.substr(at + open.size(), end - at - open.size());
    EXPECT_NE(js.find("const m_pages_" + module + "_js = "), std::string::npos) << module;
    EXPECT_NE(r->headers["content-security-policy"].find("script-src 'self' 'sha256-" +
                                                         Base64Encode(Sha256(js)) + "';"),
              std::string::npos)
        << r->headers["content-security-policy"];
    // The stylesheet is inline, allowed by its hash and nothing else.
    auto from = r->body.find("<style>");
    auto to = r->body.find("</style>");
    ASSERT_NE(from, std::string::npos);
    ASSERT_NE(to, std::string::npos);
    const std::string css = r->body.substr(from + 7, to - from - 7);
    EXPECT_NE(r->headers["content-security-policy"].find("style-src 'self' 'sha256-" +
                                                         Base64Encode(Sha256(css)) + "';"),
              std::string::npos)
        << r->headers["content-security-policy"];
    EXPECT_EQ(r->headers["content-security-policy"].find("unsafe-inline"), std::string::npos);
  }
  // A page's first reads are under the URL its script builds (web/ui.js withQuery: the query's
  // non-empty values in the script's order, form-encoded).
  auto keys = [&](const std::string& page) {
    std::vector<std::string> out;
    for (const auto& [k, v] : FirstReads(Fetch(port(), "GET", page)->body)) {
      out.emplace_back(k);
    }
    return out;
  };
  using ::testing::UnorderedElementsAre;
  EXPECT_THAT(keys("/incidents?service=a%20b&since=&status=open"),
              UnorderedElementsAre("/api/v1/incidents?status=open&service=a+b&limit=100",
                                   "/api/v1/sessions/current"));
  EXPECT_THAT(keys("/monitors?page=2&status=down"),
              UnorderedElementsAre("/api/v1/monitors?status=down&limit=120&offset=240",
                                   "/api/v1/channels", "/api/v1/sessions/current"));
  EXPECT_THAT(keys("/oncall"),
              UnorderedElementsAre("/api/v1/oncall", "/api/v1/schedules",
                                   "/api/v1/oncall/hours?since=-30d", "/api/v1/sessions/current"));
  // An incident page's reads answer as the API does, a 404 included.
  auto incident = FirstReads(Fetch(port(), "GET", "/incidents/INC-4")->body);
  ASSERT_TRUE(incident.contains("/api/v1/incidents/INC-4"));
  EXPECT_EQ(incident["/api/v1/incidents/INC-4"].as_object().at("status").as_int64(), 404);
  auto plain = Fetch(port(), "GET", "/assets/app.js");
  ASSERT_EQ(plain->status, 200);
  EXPECT_NE(plain->headers["content-type"].find("javascript"), std::string::npos);
  EXPECT_NE(plain->body.find("import"), std::string::npos);
  auto gz = Fetch(port(), "GET", "/assets/app.js", "", "Accept-Encoding: gzip, br\r\n");
  ASSERT_EQ(gz->status, 200);
  EXPECT_EQ(gz->headers["content-encoding"], "gzip");
  ASSERT_GE(gz->body.size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>(gz->body[0]), 0x1f);  // gzip magic
  EXPECT_LT(gz->body.size(), plain->body.size());
  const std::string etag = plain->headers["etag"];
  ASSERT_FALSE(etag.empty());
  auto again = Fetch(port(), "GET", "/assets/app.js", "", "If-None-Match: " + etag + "\r\n");
  EXPECT_EQ(again->status, 304);
  EXPECT_TRUE(again->body.empty());
  EXPECT_EQ(Fetch(port(), "GET", "/assets/pages/incidents.js")->status, 200);
  EXPECT_EQ(Fetch(port(), "GET", "/assets/nope.js")->status, 404);
  EXPECT_EQ(Fetch(port(), "GET", "/assets/../openapi.json")->status, 404);
}

TEST_F(DashboardApiTest, AListSaysWhereTheEventStreamStoodWhenItWasRead) {
  ASSERT_EQ(Fetch(port(), "POST", "/api/v1/incidents", kDeclare, auth_)->status, 201);
  auto list = BodyOf(*Fetch(port(), "GET", "/api/v1/incidents"));
  ASSERT_TRUE(list.contains("events_after")) << json::Serialize(list);
  const int64_t after = list["events_after"].as_int64();
  EXPECT_GT(after, 0);
  // Nothing since: a stream started now starts where the list stood.
  auto ready = Fetch(port(), "GET", "/api/v1/events");
  EXPECT_NE(ready->body.find("id: " + std::to_string(after) + "\n"), std::string::npos)
      << ready->body;
  // A change made after the read: the stream starts later than the list, and reading from the
  // list's position brings the change.
  ASSERT_EQ(Fetch(port(), "POST", "/api/v1/incidents",
                  R"({"title":"in between","severity":"SEV-3","services":["api"]})", auth_)
                ->status,
            201);
  ready = Fetch(port(), "GET", "/api/v1/events");
  EXPECT_EQ(ready->body.find("id: " + std::to_string(after) + "\n"), std::string::npos)
      << ready->body;
  auto missed = Fetch(port(), "GET", "/api/v1/events?after=" + std::to_string(after) + "&wait=0");
  EXPECT_NE(missed->body.find("in between"), std::string::npos) << missed->body;
  // A team that owns nothing lists nothing, and still says where the stream stood.
  auto none = BodyOf(*Fetch(port(), "GET", "/api/v1/incidents?team=nobody"));
  EXPECT_GT(none["events_after"].as_int64(), after);
}

TEST_F(DashboardApiTest, FirstReadsAreTheApisAnswersAndCannotBreakOutOfTheirBlock) {
  // A title written to end the block and run a script of its own.
  const std::string title = "</script><script>alert(1)</script><!-- x";
  ASSERT_EQ(Fetch(port(), "POST", "/api/v1/incidents",
                  json::Serialize(json::object{
                      {"title", title}, {"severity", "SEV-2"}, {"services", json::array{"api"}}}),
                  auth_)
                ->status,
            201);
  auto page = Fetch(port(), "GET", "/incidents");
  ASSERT_EQ(page->status, 200);
  EXPECT_EQ(page->body.find("<script>alert"), std::string::npos);
  EXPECT_EQ(page->body.find("<!-- x"), std::string::npos);
  auto reads = FirstReads(page->body);
  ASSERT_TRUE(reads.contains("/api/v1/incidents?limit=100")) << page->body.substr(0, 200);
  const auto& read = reads["/api/v1/incidents?limit=100"].as_object();
  EXPECT_EQ(read.at("status").as_int64(), 200);
  // The same answer GET /api/v1/incidents?limit=100 gives, the title intact.
  auto direct = json::Parse(Fetch(port(), "GET", "/api/v1/incidents?limit=100")->body);
  ASSERT_TRUE(direct);
  EXPECT_EQ(read.at("body"), *direct);
  EXPECT_EQ(read.at("body")
                .as_object()
                .at("incidents")
                .as_array()
                .at(0)
                .as_object()
                .at("title")
                .as_string(),
            title);

  // A logged-in browser's shell carries its session; compressed, the same page.
  auto [cookie, csrf] = Login();
  auto mine = Fetch(port(), "GET", "/incidents", "", cookie + "Accept-Encoding: gzip\r\n");
  ASSERT_EQ(mine->status, 200);
  ASSERT_EQ(mine->headers["content-encoding"], "gzip");
  const std::string html = Gunzip(mine->body);
  ASSERT_FALSE(html.empty());
  EXPECT_LT(mine->body.size(), html.size());
  auto session = FirstReads(html)["/api/v1/sessions/current"].as_object();
  EXPECT_EQ(session.at("status").as_int64(), 200);
  EXPECT_EQ(session.at("body").as_object().at("actor").as_string(), "alice@example.com");
  EXPECT_EQ(session.at("body").as_object().at("csrf_token").as_string(), csrf);
}

TEST_F(DashboardApiTest, IncidentsFilterBySourceAndTeam) {
  ASSERT_EQ(Fetch(port(), "POST", "/api/v1/services", R"({"name":"pay","team":"payments"})", auth_)
                ->status,
            200);
  ASSERT_EQ(Fetch(port(), "POST", "/api/v1/incidents",
                  R"({"title":"a","severity":"SEV-2","services":["pay"]})", auth_)
                ->status,
            201);
  ASSERT_EQ(Fetch(port(), "POST", "/api/v1/incidents",
                  R"({"title":"b","severity":"SEV-2","services":["web"]})", auth_)
                ->status,
            201);
  auto count = [&](const std::string& q) {
    auto r = Fetch(port(), "GET", "/api/v1/incidents?" + q);
    EXPECT_EQ(r->status, 200) << q << ": " << r->body;
    auto v = json::Parse(r->body);
    return v ? v->as_object().at("incidents").as_array().size() : 99u;
  };
  EXPECT_EQ(count("source=im"), 2u);
  EXPECT_EQ(count("source=pagerduty"), 0u);
  EXPECT_EQ(count("source=im,pagerduty"), 2u);
  EXPECT_EQ(count("team=payments"), 1u);
  EXPECT_EQ(count("team=payments&service=web"), 0u);
  EXPECT_EQ(count("team=nobody"), 0u);
  auto bad = Fetch(port(), "GET", "/api/v1/incidents?source=Pager%20Duty");
  EXPECT_EQ(bad->status, 422);
  EXPECT_NE(bad->body.find("'source'"), std::string::npos) << bad->body;
}

TEST_F(DashboardApiTest, MonitorsPageProblemsFirstWithCountsOfAll) {
  for (const char* name : {"b-web", "a-api", "c-db"}) {
    auto r = Fetch(port(), "POST", "/api/v1/monitors",
                   std::string(R"({"name":")") + name +
                       R"(","url":"http://127.0.0.1:1/","interval":"1h","timeout":"1s"})",
                   auth_);
    ASSERT_EQ(r->status, 201) << r->body;
  }
  ASSERT_EQ(Fetch(port(), "POST", "/api/v1/monitors/c-db/pause", "", auth_)->status, 200);
  // Both running monitors checked once, by hand: the server's scheduler may also check one a
  // new monitor at once, and a second failure changes nothing below (the order of
  // never-checked monitors is MonitorsTest's, without a scheduler).
  for (const char* name : {"a-api", "b-web"}) {
    ASSERT_EQ(Fetch(port(), "POST", std::string("/api/v1/monitors/") + name + "/check", "", auth_)
                  ->status,
              200);
  }
  auto page = Fetch(port(), "GET", "/api/v1/monitors?limit=2");
  ASSERT_EQ(page->status, 200) << page->body;
  auto body = BodyOf(*page);
  EXPECT_EQ(body["total"].as_int64(), 3);
  EXPECT_EQ(body["counts"].as_object().at("paused").as_int64(), 1);
  EXPECT_EQ(body["counts"].as_object().at("up").as_int64(), 2);  // checked, not down
  const auto& monitors = body["monitors"].as_array();
  ASSERT_EQ(monitors.size(), 2u);
  // Paused before checked; by name within a state.
  EXPECT_EQ(monitors[0].as_object().at("name").as_string(), "c-db");
  EXPECT_EQ(monitors[1].as_object().at("name").as_string(), "a-api");
  auto paused = BodyOf(*Fetch(port(), "GET", "/api/v1/monitors?status=paused&offset=0"));
  ASSERT_EQ(paused["monitors"].as_array().size(), 1u);
  EXPECT_EQ(paused["monitors"].as_array()[0].as_object().at("name").as_string(), "c-db");
  auto named = BodyOf(*Fetch(port(), "GET", "/api/v1/monitors?q=WEB"));
  EXPECT_EQ(named["total"].as_int64(), 1);
  EXPECT_EQ(BodyOf(*Fetch(port(), "GET", "/api/v1/monitors"))["monitors"].as_array().size(), 3u);
  auto bad = Fetch(port(), "GET", "/api/v1/monitors?status=broken");
  EXPECT_EQ(bad->status, 422);
  EXPECT_NE(bad->body.find("'status'"), std::string::npos);
  EXPECT_EQ(Fetch(port(), "GET", "/api/v1/monitors?limit=-1")->status, 422);
  // Three more failed checks (nothing listens on port 1) put b-web down: down comes first, and
  // the counts (read from the stored state) follow it.
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(Fetch(port(), "POST", "/api/v1/monitors/b-web/check", "", auth_)->status, 200);
  }
  auto down = BodyOf(*Fetch(port(), "GET", "/api/v1/monitors?limit=1"));
  ASSERT_EQ(down["monitors"].as_array().size(), 1u);
  EXPECT_EQ(down["monitors"].as_array()[0].as_object().at("name").as_string(), "b-web");
  EXPECT_EQ(down["monitors"].as_array()[0].as_object().at("status").as_string(), "down");
  EXPECT_EQ(down["counts"].as_object().at("down").as_int64(), 1);
  EXPECT_EQ(down["counts"].as_object().at("up").as_int64(), 1);
  EXPECT_EQ(down["counts"].as_object().at("paused").as_int64(), 1);
  EXPECT_EQ(down["total"].as_int64(), 3);
}

// http.reads_need_login: reads of /api/v1 need a token or a session; the pages stay open.
TEST(DashboardReadsNeedLoginTest, ApiReadsNeedATokenOrASessionPagesDoNot) {
  im::testing::TempDir dir;
  Config config = TestServerConfig(dir.path());
  config.http_reads_need_login = true;
  auto rt = OpenRuntime(config, true);
  ASSERT_TRUE(rt) << rt.error().message;
  auto token = (*rt)->tokens->Create("dash", "alice@example.com");
  ASSERT_TRUE(token);
  ServerApp server(**rt);
  ASSERT_TRUE(server.Start());
  const uint16_t port = server.port();
  auto anonymous = Fetch(port, "GET", "/api/v1/incidents");
  EXPECT_EQ(anonymous->status, 401);
  EXPECT_NE(anonymous->body.find("reads_need_login"), std::string::npos) << anonymous->body;
  EXPECT_EQ(Fetch(port, "GET", "/api/v1/events")->status, 401);
  EXPECT_EQ(
      Fetch(port, "GET", "/api/v1/incidents", "", "Authorization: Bearer " + token->secret + "\r\n")
          ->status,
      200);
  auto login = Fetch(port, "POST", "/api/v1/sessions", "{\"token\":\"" + token->secret + "\"}",
                     "Content-Type: application/json\r\n");
  ASSERT_EQ(login->status, 201);
  std::string cookie = login->headers["set-cookie"];
  cookie = "Cookie: " + cookie.substr(0, cookie.find(';')) + "\r\n";
  EXPECT_EQ(Fetch(port, "GET", "/api/v1/incidents", "", cookie)->status, 200);
  EXPECT_EQ(
      Fetch(port, "GET", "/api/v1/incidents", "", "Cookie: im_session=s1.1.9.x.y\r\n")->status,
      401);
  for (const char* open : {"/", "/incidents", "/assets/app.js", "/healthz", "/api/openapi.json"}) {
    EXPECT_EQ(Fetch(port, "GET", open)->status, 200) << open;
  }
  // A page's shell carries only what the API would answer the same browser: the refusal for
  // an anonymous one (its script then goes to the login page), the data for a logged-in one.
  ASSERT_EQ(Fetch(port, "POST", "/api/v1/incidents",
                  R"({"title":"secret outage","severity":"SEV-2","services":["api"]})",
                  "Authorization: Bearer " + token->secret + "\r\n")
                ->status,
            201);
  auto page = Fetch(port, "GET", "/incidents");
  EXPECT_EQ(page->body.find("secret outage"), std::string::npos);
  auto reads = FirstReads(page->body);
  ASSERT_TRUE(reads.contains("/api/v1/incidents?limit=100"));
  EXPECT_EQ(reads["/api/v1/incidents?limit=100"].as_object().at("status").as_int64(), 401);
  EXPECT_NE(Fetch(port, "GET", "/incidents", "", cookie)->body.find("secret outage"),
            std::string::npos);
  EXPECT_NE(Fetch(port, "GET", "/api/v1/monitors/heartbeat/nope")->status, 401);
}

}  // namespace
}  // namespace im::app

// An incident.io simulator on a real loopback server and an incident.io connector over a SQLite
// store, sharing one fake clock: rate-limit waits and backoff move fake time. The simulator's
// webhook deliveries go to the connector's ReceiveWebhook (DeliverToConnector), signed as
// Svix signs them.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "common/time.h"
#include "connectors/incidentio/incidentio_connector.h"
#include "connectors/manager.h"
#include "fakes/fake_clock.h"
#include "fakes/fake_waiter.h"
#include "fakes/temp_dir.h"
#include "fakes/test_backend.h"
#include "http/server.h"
#include "net/curl_http_client.h"
#include "sim/incidentio/simulator.h"
#include "store/open.h"

namespace im::connectors::testing {

// Hands the simulator's webhook deliveries to a connector, as the HTTP server would.
class IioConnectorClient final : public net::HttpClient {
 public:
  Result<net::HttpResponse> Send(const net::ClientRequest& r) override {
    if (!target) return Fail(ErrorCode::kUnavailable, "no connector to deliver to");
    net::HttpRequest req;
    req.method = "POST";
    req.target = "/connectors/iio/webhook";
    req.body = r.body;
    req.headers = r.headers;
    auto reply = target->HandleWebhook(req);
    net::HttpResponse res;
    res.status = reply.status;
    res.body = reply.message;
    ++delivered;
    return res;
  }
  Connector* target = nullptr;
  int delivered = 0;
};

struct IioOptions {
  int64_t incidents = 300;
  bool rate_limit = false;
  bool private_access = true;
};

class IncidentIoFixture : public ::testing::Test {
 protected:
  static constexpr char kKey[] = "iio-test-key-1234567890";
  static constexpr char kSecret[] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  void Start(IioOptions o = {}) {
    sim::incidentio::SimulatorOptions so;
    so.seed = 21;
    so.incidents = o.incidents;
    so.days = 90;
    so.api_keys = {{.key = kKey, .private_access = o.private_access}};
    so.rate_limit = o.rate_limit;
    so.webhook = {"http://connector.invalid/connectors/iio/webhook", {kSecret}};
    sim_ = std::make_unique<sim::incidentio::Simulator>(
        so, clock_, deliver_, [this](std::chrono::milliseconds d) { clock_.Advance(d); });
    sim_->Register(router_);
    server_ = std::make_unique<http::Server>(http::ServerOptions{.port = 0}, router_, nullptr);
    ASSERT_TRUE(server_->Start());
    address_ = im::testing::TestDatabaseAddress(dir_.File("im.db"));
    auto opened = store::Open(address_, {}, clock_);
    ASSERT_TRUE(opened) << opened.error().message;
    stores_ = std::move(*opened);
    db_ = stores_.main.get();
    connectors_ = stores_.connectors.get();
    schedules_ = stores_.schedules.get();
    budgets_ = std::make_unique<RateBudgets>(clock_, waiter_);
    ASSERT_TRUE(registry_.Register(incidentio::Type()));
    ctx_ = std::make_unique<ConnectorContext>(ConnectorContext{.store = *db_,
                                                               .connectors = *connectors_,
                                                               .http = http_,
                                                               .budgets = *budgets_,
                                                               .waiter = waiter_,
                                                               .clock = clock_,
                                                               .log = spdlog::default_logger(),
                                                               .schedules = schedules_});
    manager_ = std::make_unique<Manager>(registry_, *ctx_, box_);
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }

  // Adds connector "iio" with `extra` fields over the defaults.
  void Add(json::object extra = {}) {
    json::object config{{"api_key", kKey}, {"base_url", url()}, {"webhook_secret", kSecret}};
    for (const auto& kv : extra) config[kv.key()] = kv.value();
    auto added = manager_->Add("incidentio", "iio", config);
    ASSERT_TRUE(added) << added.error().message;
  }

  std::unique_ptr<incidentio::IncidentIoConnector> Open() {
    auto config = manager_->Config("iio");
    EXPECT_TRUE(config) << config.error().message;
    return std::make_unique<incidentio::IncidentIoConnector>(*config, *ctx_);
  }

  // The simulator's incidents created since `since`, by id, with their status category, and
  // whether im should hold them (standard or retrospective; private only with access).
  struct SimIncident {
    std::string category, status_name, severity, mode, visibility;
    Time updated_at;
  };
  std::map<std::string, SimIncident> SimIncidents(Time since) {
    std::lock_guard lock(sim_->state().mu);
    const auto& w = sim_->state().world;
    std::map<std::string, SimIncident> out;
    for (const auto& i : w.incidents) {
      if (i.created_at < since) continue;
      const auto* st = w.FindStatus(i.status_id);
      const auto* sev = w.FindSeverity(i.severity_id);
      out[i.id] = {st ? st->category : "", st ? st->name : "", sev ? sev->name : "", i.mode,
                   i.visibility,           i.updated_at};
    }
    return out;
  }

  // The im incident linked to incident.io incident `id`.
  std::optional<core::Incident> Linked(const std::string& id) {
    auto n = connectors_->FindLinkedIncident("iio", id);
    if (!n || !*n) return std::nullopt;
    auto i = db_->GetIncident(**n);
    if (!i) return std::nullopt;
    return *i;
  }

  static std::string TestData(const std::string& name) {
    std::ifstream in(std::string(IM_TEST_SOURCE_DIR) + "/tests/testdata/incident-io/" + name);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  Time ImportStart() { return clock_.Now() - std::chrono::days(90); }

  im::testing::FakeClock clock_{*ParseTime("2026-06-15T12:00:00Z")};
  im::testing::FakeWaiter waiter_{clock_};
  IioConnectorClient deliver_;
  http::Router router_;
  std::unique_ptr<sim::incidentio::Simulator> sim_;
  std::unique_ptr<http::Server> server_;
  im::testing::TempDir dir_;
  std::string address_;  // the database: a SQLite file or a PostgreSQL address
  store::Stores stores_;
  store::Store* db_ = nullptr;
  store::ConnectorStore* connectors_ = nullptr;
  store::ScheduleStore* schedules_ = nullptr;
  net::CurlHttpClient http_;
  std::unique_ptr<RateBudgets> budgets_;
  Registry registry_;
  std::unique_ptr<ConnectorContext> ctx_;
  SecretBox box_ = SecretBox::FromKey(std::string(32, 'k'));
  std::unique_ptr<Manager> manager_;
};

}  // namespace im::connectors::testing

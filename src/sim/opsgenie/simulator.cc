// Wiring of the Opsgenie simulator: GenieKey auth (with region-bound keys) and Opsgenie's
// 401/403/429/500 bodies, the webhook integration's headers, routes, admin hooks and scenarios.
#include "sim/opsgenie/simulator.h"

#include "sim/common/admin.h"
#include "sim/opsgenie/actions.h"
#include "sim/opsgenie/generator.h"
#include "sim/opsgenie/routes.h"

namespace im::sim::opsgenie {

class Simulator::Rules final : public ProviderRules {
 public:
  Rules(const Clock& clock, RequestIds& ids, std::string region)
      : clock_(clock), ids_(ids), region_(std::move(region)) {}

  AuthOutcome Authenticate(const net::HttpRequest& req, const KeyStore& keys,
                           bool write) const override {
    std::string_view token = GenieKeyOf(req);
    std::optional<ApiKey> key;
    if (!token.empty()) key = keys.Find(token);
    // A key of the other region's account is unknown to this host: the same 401. The exact
    // texts are not in the OAS; the 401 is the one integrators quote.
    if (!key || (!key->region.empty() && key->region != region_)) {
      return ErrorReply(NewCall(), 401, "Could not authenticate");
    }
    if (write && key->read_only) return NoPermission(NewCall());
    return key->key;
  }

  net::HttpResponse TooManyRequests(const RateDecision&, bool bare) const override {
    if (bare) {
      net::HttpResponse res;
      res.status = 429;
      res.content_type.clear();
      return res;
    }
    return Throttled(NewCall(), 60);  // the 429-burst knob: as if the per-minute bucket ran out
  }

  void AddRateHeaders(net::HttpResponse&, const RateDecision&) const override {}

  net::HttpResponse ServerError() const override {
    return ErrorReply(NewCall(), 500, "Internal Server Error");
  }

 private:
  Call NewCall() const { return {ids_.Next(), &clock_, clock_.Now()}; }

  const Clock& clock_;
  RequestIds& ids_;
  const std::string region_;
};

namespace {

// Opsgenie's webhook integration signs nothing (providers.md §4.7); it can send custom
// headers, which is how receivers authenticate it: the first secret goes in X-Webhook-Secret.
net::Headers WebhookHeaders(const WebhookMessage&, const WebhookTarget& t, Time) {
  net::Headers h{{"Content-Type", "application/json"}};
  if (!t.secrets.empty()) h.emplace_back("X-Webhook-Secret", t.secrets.front());
  return h;
}

}  // namespace

Simulator::Simulator(SimulatorOptions options, const Clock& clock, net::HttpClient& client,
                     std::function<void(std::chrono::milliseconds)> sleep)
    : clock_(clock),
      sleep_(std::move(sleep)),
      base_url_(options.base_url),
      region_(options.region),
      ids_(options.seed ^ 0x0965),
      limits_(clock),
      rules_(std::make_unique<Rules>(clock, ids_, options.region)) {
  Knobs k;
  k.rate_limit = options.rate_limit;
  knobs_.Set(k);
  keys_.Set(options.api_keys);
  webhooks_ =
      std::make_unique<WebhookQueue>(clock, client, WebhookHeaders, knobs_, options.seed ^ 0x0965);
  webhooks_->SetTarget(options.webhook);
  state_ = std::make_unique<State>(clock, webhooks_.get(), knobs_, options.seed ^ 0x5eed);
  state_->world = options.world
                      ? std::move(*options.world)
                      : Generate({options.seed, options.incidents, options.days, clock.Now()});
}

Simulator::~Simulator() { webhooks_->Stop(); }

void Simulator::Register(http::Router& router) {
  SimContext ctx{clock_, knobs_, keys_, log_, sleep_};
  sim_router_ = std::make_unique<SimRouter>(router, ctx, *rules_, 0x0965);
  api_ = std::make_unique<Api>(
      Api{router, *sim_router_, *state_, ids_, limits_, keys_, sleep_, base_url_});
  AddAlertRoutes(*api_);
  AddAlertLineRoutes(*api_);
  AddIncidentRoutes(*api_);
  AddScheduleRoutes(*api_);
  AddDirectoryRoutes(*api_);
  api_->AddFallbacks();
  AddAdminRoutes(
      router, ctx, webhooks_.get(),
      {.state = [this] { return StateJson(); },
       .scenario = [this](const std::string& name,
                          const json::object& body) { return RunScenario(name, body); }});
}

json::value Simulator::StateJson() {
  auto lock = state_->Lock();
  const World& w = state_->world;
  json::object alerts_by_status, incidents_by_status;
  auto bump = [](json::object& o, const std::string& key) {
    o[key] = (o.contains(key) ? o[key].as_int64() : 0) + 1;
  };
  for (const auto& a : w.alerts) {
    if (!a.deleted)
      bump(alerts_by_status, a.acknowledged && a.status == "open" ? "acknowledged" : a.status);
  }
  for (const auto& i : w.incidents) {
    if (!i.deleted) bump(incidents_by_status, i.status);
  }
  json::array users, teams, services, schedules;
  for (const auto& u : w.users) users.push_back({{"id", u.id}, {"username", u.username}});
  for (const auto& t : w.teams) teams.push_back({{"id", t.id}, {"name", t.name}});
  for (const auto& s : w.services) {
    services.push_back({{"id", s.id}, {"name", s.name}, {"teamId", s.team_id}});
  }
  for (const auto& s : w.schedules) {
    schedules.push_back({{"id", s.id}, {"name", s.name}, {"timezone", s.timezone}});
  }
  return json::object{{"provider", "opsgenie"},
                      {"region", region_},
                      {"alerts", w.alerts.size()},
                      {"alerts_by_status", std::move(alerts_by_status)},
                      {"incidents", w.incidents.size()},
                      {"incidents_by_status", std::move(incidents_by_status)},
                      {"requests", w.requests.size()},
                      {"integration", {{"id", w.integration.id}, {"name", w.integration.name}}},
                      {"users", std::move(users)},
                      {"teams", std::move(teams)},
                      {"services", std::move(services)},
                      {"schedules", std::move(schedules)}};
}

Result<json::value> Simulator::RunScenario(const std::string& name, const json::object& body) {
  if (name != "trigger") {
    return Fail(ErrorCode::kNotFound, "unknown scenario '" + name + "' (known: trigger)");
  }
  auto count = json::GetOptionalInt(body, "count");
  if (!count) return Fail(ErrorCode::kInvalidArgument, "count must be an integer");
  int64_t n = count->value_or(1);
  if (n < 1 || n > 100000) return Fail(ErrorCode::kInvalidArgument, "count must be 1..100000");
  auto lock = state_->Lock();
  World& w = state_->world;
  if (w.services.empty()) {
    return Fail(ErrorCode::kFailedPrecondition, "the data set has no service to alert on");
  }
  for (int64_t i = 0; i < n; ++i) {
    const Service& svc = w.services[static_cast<size_t>(i) % w.services.size()];
    AlertDraft d;
    d.message = "Scenario: synthetic alert on " + svc.name;
    d.responders = {{"team", svc.team_id}};
    CreateOutcome out = CreateAlert(w, state_->rng, std::move(d), clock_.Now());
    state_->EmitAlertLocked("Create", *out.alert, "");
  }
  return json::value(json::object{{"scenario", "trigger"}, {"count", n}});
}

}  // namespace im::sim::opsgenie

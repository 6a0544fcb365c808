// Wiring of the PagerDuty simulator: auth and rate-limit rules, routes, admin hooks, scenarios.
#include "sim/pagerduty/simulator.h"

#include "common/time.h"
#include "common/webhook_signature.h"
#include "sim/common/admin.h"
#include "sim/common/json_response.h"
#include "sim/pagerduty/generator.h"
#include "sim/pagerduty/routes.h"

namespace im::sim::pagerduty {

class Simulator::Rules final : public ProviderRules {
 public:
  AuthOutcome Authenticate(const net::HttpRequest& req, const KeyStore& keys,
                           bool write) const override {
    std::string_view auth = req.Header("Authorization").value_or("");
    constexpr std::string_view kPrefix = "Token token=";
    std::optional<bool> read_only;
    if (auth.starts_with(kPrefix)) read_only = keys.Lookup(auth.substr(kPrefix.size()));
    if (!read_only) {
      // Exact body for a bad key is not in the spec; code 2006 per PagerDuty's error list.
      return ErrorResponse(401, 2006, "Authentication failed");
    }
    if (write && *read_only) {
      return ErrorResponse(403, 2010, "Access Denied",
                           {"The API key is read-only and cannot perform this action"});
    }
    return std::string(auth.substr(kPrefix.size()));
  }
  net::HttpResponse TooManyRequests(const RateDecision& d, bool bare) const override {
    if (bare) {
      net::HttpResponse res;
      res.status = 429;
      res.content_type.clear();
      return res;
    }
    net::HttpResponse res = ErrorResponse(429, 2020, "Rate Limit Exceeded");
    AddRateHeaders(res, d);
    return res;
  }
  void AddRateHeaders(net::HttpResponse& res, const RateDecision& d) const override {
    res.SetHeader("ratelimit-limit", std::to_string(d.limit));
    res.SetHeader("ratelimit-remaining", std::to_string(d.remaining));
    res.SetHeader("ratelimit-reset", std::to_string(d.reset_seconds));
  }
  net::HttpResponse ServerError() const override {
    return ErrorResponse(500, 2000, "Internal Server Error");
  }
  std::vector<std::string> Problems(const net::HttpRequest& req,
                                    bool authenticated) const override {
    // The REST reference declares both headers required on every operation; the Events API
    // takes JSON bodies. PagerDuty's answer to a request without them is not documented.
    std::vector<std::string> out;
    if (req.Header("Content-Type").value_or("") != "application/json") {
      out.push_back("Content-Type must be application/json");
    }
    if (authenticated &&
        req.Header("Accept").value_or("") != "application/vnd.pagerduty+json;version=2") {
      out.push_back("Accept must be application/vnd.pagerduty+json;version=2");
    }
    return out;
  }
};

namespace {

net::Headers SignPagerDuty(const WebhookMessage& m, const WebhookTarget& t, Time) {
  std::string sig;
  for (const auto& secret : t.secrets) {
    if (!sig.empty()) sig += ",";
    sig += PagerDutySignature(secret, m.body);
  }
  net::Headers h{{"Content-Type", "application/json"},
                 {"User-Agent", "PagerDuty-Webhook/V3.0"},
                 {"X-Webhook-Id", m.id},
                 {"X-Webhook-Subscription", m.subscription}};
  if (!sig.empty()) h.emplace_back("X-PagerDuty-Signature", sig);
  return h;
}

}  // namespace

Simulator::Simulator(SimulatorOptions options, const Clock& clock, net::HttpClient& client,
                     std::function<void(std::chrono::milliseconds)> sleep)
    : clock_(clock),
      sleep_(std::move(sleep)),
      rest_limiter_(clock, {RateLimitKind::kFixedWindow, 960, std::chrono::minutes(1)}),
      events_limiter_(clock, {RateLimitKind::kTokenBucket, 120, std::chrono::minutes(1)}),
      rules_(std::make_unique<Rules>()) {
  Knobs k;
  k.rate_limit = options.rate_limit;
  knobs_.Set(k);
  keys_.Set(options.api_keys);
  webhooks_ = std::make_unique<WebhookQueue>(clock, client, SignPagerDuty, knobs_,
                                             options.seed ^ 0x5eed, WebhookQueueOptions{});
  webhooks_->SetTarget(options.webhook);
  state_ = std::make_unique<State>(clock, options.urls, webhooks_.get(), options.seed);
  state_->knobs = &knobs_;
  webhooks_->SetOutcomeHook([this](const WebhookMessage& m, std::string_view outcome) {
    std::lock_guard lock(state_->mu);
    state_->DeliveryOutcomeLocked(m.subscription, outcome == "delivered", clock_.Now());
  });
  state_->world = options.world
                      ? std::move(*options.world)
                      : Generate({options.seed, options.incidents, options.days, clock.Now()});
}

Simulator::~Simulator() {
  for (auto& t : scenarios_) t.join();
  webhooks_->Stop();
}

void Simulator::Register(http::Router& router) {
  SimContext ctx{clock_, knobs_, keys_, log_, sleep_, [this] { state_->revision++; }};
  sim_router_ = std::make_unique<SimRouter>(router, ctx, *rules_, 0x5eed);
  AddIncidentRoutes(*sim_router_, *state_, &rest_limiter_);
  AddDirectoryRoutes(*sim_router_, *state_, &rest_limiter_);
  AddLogEntryRoutes(*sim_router_, *state_, &rest_limiter_);
  AddChangeEventRoutes(*sim_router_, *state_, &rest_limiter_);
  AddScheduleRoutes(*sim_router_, *state_, &rest_limiter_);
  AddWebhookSubscriptionRoutes(*sim_router_, *state_, &rest_limiter_);
  AddEventsRoutes(*sim_router_, *state_, &events_limiter_);
  AddAdminRoutes(
      router, ctx, webhooks_.get(),
      {.state = [this] { return StateJson(); },
       .scenario = [this](const std::string& name,
                          const json::object& body) { return RunScenario(name, body); }});
}

json::value Simulator::StateJson() {
  std::lock_guard lock(state_->mu);
  const World& w = state_->world;
  json::object counts{{"triggered", 0}, {"acknowledged", 0}, {"resolved", 0}};
  for (const auto& i : w.incidents) counts[i.status] = counts[i.status].as_int64() + 1;
  json::array services;
  for (const auto& s : w.services) {
    services.push_back({{"id", s.id}, {"name", s.name}, {"routing_key", s.integration_key}});
  }
  json::array users;
  for (const auto& u : w.users) users.push_back({{"id", u.id}, {"email", u.email}});
  return json::object{{"provider", "pagerduty"},
                      {"incidents", w.incidents.size()},
                      {"incidents_by_status", std::move(counts)},
                      {"services", std::move(services)},
                      {"users", std::move(users)},
                      {"schedules", w.schedules.size()},
                      {"webhook_subscriptions", w.subscriptions.size()}};
}

Result<json::value> Simulator::RunScenario(const std::string& name, const json::object& body) {
  if (name != "trigger") {
    return Fail(ErrorCode::kNotFound, "unknown scenario '" + name + "' (known: trigger)");
  }
  auto count = json::GetOptionalInt(body, "count");
  auto over = json::GetOptionalInt(body, "over_seconds");
  if (!count || !over) return Fail(ErrorCode::kInvalidArgument, "count and over_seconds are ints");
  int64_t n = count->value_or(1), seconds = over->value_or(0);
  if (n < 1 || n > 100000 || seconds < 0) {
    return Fail(ErrorCode::kInvalidArgument, "count must be 1..100000, over_seconds >= 0");
  }
  {
    std::lock_guard lock(state_->mu);
    if (state_->world.services.empty()) {
      return Fail(ErrorCode::kFailedPrecondition, "the data set has no service to trigger on");
    }
  }
  auto trigger_one = [this] {
    std::lock_guard lock(state_->mu);
    World& w = state_->world;
    const Service& svc = w.services[state_->rng.Next() % w.services.size()];
    state_->CreateLocked(svc.id, "Scenario: synthetic failure on " + svc.name, "high", "",
                         {"service_reference", svc.id}, clock_.Now());
    state_->revision++;
  };
  if (seconds == 0) {
    for (int64_t i = 0; i < n; ++i) trigger_one();
  } else {
    auto gap = std::chrono::milliseconds(seconds * 1000 / n);
    scenarios_.emplace_back([this, n, gap, trigger_one] {
      for (int64_t i = 0; i < n; ++i) {
        if (i > 0 && sleep_) sleep_(gap);
        trigger_one();
      }
    });
  }
  return json::value(
      json::object{{"scenario", "trigger"}, {"count", n}, {"over_seconds", seconds}});
}

}  // namespace im::sim::pagerduty

// Wiring of the incident.io simulator: bearer auth, the token-bucket limit with incident.io's
// headers and 429 body, Standard Webhooks signing, routes, admin hooks and scenarios.
#include "sim/incidentio/simulator.h"

#include <algorithm>

#include "common/time.h"
#include "common/webhook_signature.h"
#include "sim/common/admin.h"
#include "sim/common/json_response.h"
#include "sim/incidentio/generator.h"
#include "sim/incidentio/json.h"
#include "sim/incidentio/routes.h"

namespace im::sim::incidentio {

class Simulator::Rules final : public ProviderRules {
 public:
  explicit Rules(const Clock& clock) : clock_(clock) {}

  AuthOutcome Authenticate(const net::HttpRequest& req, const KeyStore& keys,
                           bool write) const override {
    auto header = req.Header("Authorization");
    if (!header || header->empty()) {
      return ErrorResponse(401, "authentication_error",
                           "No authorization material provided in request",
                           "missing_authorization_material");
    }
    std::string_view auth = *header;
    constexpr std::string_view kPrefix = "Bearer ";
    std::optional<bool> read_only;
    if (auth.starts_with(kPrefix)) read_only = keys.Lookup(auth.substr(kPrefix.size()));
    if (!read_only) {
      return ErrorResponse(401, "authentication_error",
                           "The API key provided is not valid, or has been deleted");
    }
    if (write && *read_only) {
      return ErrorResponse(403, "authorization_error",
                           "The API key does not have the scope this action needs");
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
    int64_t retry = std::max<int64_t>(1, d.retry_after_seconds);
    net::HttpResponse res = JsonResponse(
        429,
        json::object{{"type", "too_many_requests"},
                     {"status", 429},
                     {"request_id", NewRequestId()},
                     {"rate_limit",
                      {{"name", "api_key_limit"},
                       {"limit", d.limit},
                       {"remaining", 0},
                       {"retry_after", FormatTime(clock_.Now() + std::chrono::seconds(retry))}}},
                     {"errors", json::array{json::object{
                                    {"code", "too_many_requests"},
                                    {"message", "Too many requests: please retry later"}}}}});
    res.SetHeader("Retry-After", std::to_string(retry));
    AddRateHeaders(res, d);
    return res;
  }

  void AddRateHeaders(net::HttpResponse& res, const RateDecision& d) const override {
    int64_t now =
        std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch()).count();
    // The binding quota, then every applicable one (providers.md §5.2).
    res.SetHeader("X-RateLimit-Limit",
                  std::to_string(d.limit) + ", " + std::to_string(d.limit) + ";window=60");
    res.SetHeader("X-RateLimit-Remaining", std::to_string(d.remaining));
    res.SetHeader("X-RateLimit-Used", std::to_string(d.limit - d.remaining));
    res.SetHeader("X-RateLimit-Reset", std::to_string(now + d.reset_seconds));
  }

  net::HttpResponse ServerError() const override {
    return ErrorResponse(500, "internal_error", "Something went wrong");
  }

 private:
  const Clock& clock_;
};

namespace {

// Standard Webhooks: a fresh timestamp and signature on every attempt, one "v1,…" per secret.
net::Headers SignStandard(const WebhookMessage& m, const WebhookTarget& t, Time now) {
  int64_t ts = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  std::string sig;
  for (const auto& secret : t.secrets) {
    auto one = StandardWebhookSignature(secret, m.id, ts, m.body);
    if (!one) continue;  // a secret that is not base64 signs nothing; the receiver rejects it
    if (!sig.empty()) sig += " ";
    sig += *one;
  }
  // Svix's own User-Agent, as its deliveries carry it.
  net::Headers h{
      {"Content-Type", "application/json"},
      {"User-Agent", "Svix-Webhooks/1.38.0 (sender-Yyc2o; +https://www.svix.com/http-sender/)"},
      {"webhook-id", m.id},
      {"webhook-timestamp", std::to_string(ts)}};
  if (!sig.empty()) h.emplace_back("webhook-signature", sig);
  return h;
}

}  // namespace

Simulator::Simulator(SimulatorOptions options, const Clock& clock, net::HttpClient& client,
                     std::function<void(std::chrono::milliseconds)> sleep)
    : clock_(clock),
      sleep_(std::move(sleep)),
      limiter_(clock, {RateLimitKind::kTokenBucket, 1200, std::chrono::minutes(1)}),
      rules_(std::make_unique<Rules>(clock)) {
  Knobs k;
  k.rate_limit = options.rate_limit;
  knobs_.Set(k);
  keys_.Set(options.api_keys);
  // Svix retries every non-2xx answer, with backoff over a day.
  WebhookQueueOptions wq{.retry_client_errors = true,
                         .first_backoff = std::chrono::seconds(5),
                         .max_backoff = std::chrono::hours(10)};
  webhooks_ = std::make_unique<WebhookQueue>(clock, client, SignStandard, knobs_,
                                             options.seed ^ 0x1d10, wq);
  webhooks_->SetTarget(options.webhook);
  state_ = std::make_unique<State>(clock, webhooks_.get(), options.seed);
  state_->world = options.world ? std::move(*options.world)
                                : Generate({options.seed, options.incidents, options.days,
                                            clock.Now(), options.unknown_enums});
}

Simulator::~Simulator() { webhooks_->Stop(); }

void Simulator::Register(http::Router& router) {
  SimContext ctx{clock_, knobs_, keys_, log_, sleep_};
  sim_router_ = std::make_unique<SimRouter>(router, ctx, *rules_, 0x1d10);
  AddIncidentRoutes(*sim_router_, *state_, keys_, &limiter_);
  AddDirectoryRoutes(*sim_router_, *state_, &limiter_);
  AddAdminRoutes(
      router, ctx, webhooks_.get(),
      {.state = [this] { return StateJson(); },
       .scenario = [this](const std::string& name,
                          const json::object& body) { return RunScenario(name, body); }});
}

json::value Simulator::StateJson() {
  std::lock_guard lock(state_->mu);
  const World& w = state_->world;
  json::object by_category;
  for (const auto& i : w.incidents) {
    const Status* s = w.FindStatus(i.status_id);
    std::string cat = s ? s->category : "unknown";
    by_category[cat] = (by_category.contains(cat) ? by_category[cat].as_int64() : 0) + 1;
  }
  json::array users, schedules;
  for (const auto& u : w.users) users.push_back({{"id", u.id}, {"email", u.email}});
  for (const auto& s : w.schedules) schedules.push_back({{"id", s.id}, {"name", s.name}});
  return json::object{{"provider", "incidentio"},
                      {"incidents", w.incidents.size()},
                      {"incidents_by_status_category", std::move(by_category)},
                      {"incident_updates", w.updates.size()},
                      {"users", std::move(users)},
                      {"schedules", std::move(schedules)}};
}

Result<json::value> Simulator::RunScenario(const std::string& name, const json::object& body) {
  if (name == "follow_up") {
    std::lock_guard lock(state_->mu);
    World& w = state_->world;
    Incident* inc = w.FindIncident(json::StringOr(body, "incident"));
    if (!inc) return Fail(ErrorCode::kNotFound, "follow_up needs \"incident\": an incident id");
    std::string title = json::StringOr(body, "title");
    if (title.empty()) title = "Follow-up";
    std::string id = state_->AddFollowUpLocked(
        *inc, title, w.users.empty() ? "" : w.users.front().id, clock_.Now());
    return json::value(json::object{{"scenario", name}, {"follow_up", id}});
  }
  if (name == "schedule_users") {
    std::lock_guard lock(state_->mu);
    World& w = state_->world;
    const std::string sid = json::StringOr(body, "schedule");
    auto it = std::find_if(w.schedules.begin(), w.schedules.end(),
                           [&](const Schedule& s) { return s.id == sid; });
    if (it == w.schedules.end()) {
      return Fail(ErrorCode::kNotFound, "schedule_users needs \"schedule\": a schedule id");
    }
    std::vector<std::string> users;
    if (auto u = body.find("users"); u != body.end() && u->value().is_array()) {
      for (const auto& v : u->value().as_array()) {
        if (!v.is_string() || !w.FindUser(v.as_string())) {
          return Fail(ErrorCode::kInvalidArgument, "users must be ids of the simulator's users");
        }
        users.emplace_back(v.as_string());
      }
    }
    if (users.empty()) return Fail(ErrorCode::kInvalidArgument, "users must name one user or more");
    state_->ChangeScheduleUsersLocked(*it, users, clock_.Now());
    return json::value(json::object{{"scenario", name}, {"schedule", sid}});
  }
  if (name != "trigger") {
    return Fail(ErrorCode::kNotFound,
                "unknown scenario '" + name + "' (known: trigger, follow_up, schedule_users)");
  }
  auto count = json::GetOptionalInt(body, "count");
  if (!count) return Fail(ErrorCode::kInvalidArgument, "count must be an integer");
  int64_t n = count->value_or(1);
  if (n < 1 || n > 100000) return Fail(ErrorCode::kInvalidArgument, "count must be 1..100000");
  std::lock_guard lock(state_->mu);
  World& w = state_->world;
  if (w.severities.empty() || w.users.empty()) {
    return Fail(ErrorCode::kFailedPrecondition, "the data set has no severity or no user");
  }
  const std::string& severity = w.severities[std::min<size_t>(1, w.severities.size() - 1)].id;
  for (int64_t i = 0; i < n; ++i) {
    state_->DeclareLocked("Scenario: synthetic incident", severity, w.users.front().id,
                          clock_.Now());
  }
  return json::value(json::object{{"scenario", "trigger"}, {"count", n}});
}

}  // namespace im::sim::incidentio

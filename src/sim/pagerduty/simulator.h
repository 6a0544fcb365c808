// The PagerDuty simulator: REST API v2, Events API v2 and webhooks v3 over a generated
// account, behind PagerDuty's auth, errors and rate limits, plus the /_sim/ admin API.
// Register() adds every route to a router that an http::Server then serves.
#pragma once

#include <functional>
#include <memory>
#include <optional>

#include "common/clock.h"
#include "http/router.h"
#include "net/http_client.h"
#include "sim/common/api_keys.h"
#include "sim/common/knobs.h"
#include "sim/common/rate_limiter.h"
#include "sim/common/request_log.h"
#include "sim/common/sim_router.h"
#include "sim/common/webhook_queue.h"
#include "sim/pagerduty/state.h"

namespace im::sim::pagerduty {

struct SimulatorOptions {
  uint64_t seed = 1;
  int64_t incidents = 200;
  int64_t days = 90;
  std::vector<ApiKey> api_keys;  // none: every request is refused with 401
  WebhookTarget webhook;         // several secrets: several v1= signatures (rotation)
  bool rate_limit = true;
  Urls urls;
  std::optional<World> world;  // the data set to serve (a fixture); none: generated from `seed`
};

class Simulator {
 public:
  // `clock`, `client` must outlive the simulator. `sleep` implements the latency knob.
  Simulator(SimulatorOptions options, const Clock& clock, net::HttpClient& client,
            std::function<void(std::chrono::milliseconds)> sleep);
  ~Simulator();

  void Register(http::Router& router);

  State& state() { return *state_; }
  WebhookQueue& webhooks() { return *webhooks_; }
  KnobStore& knobs() { return knobs_; }
  KeyStore& keys() { return keys_; }
  RequestLog& log() { return log_; }

  // Scripted scenario "trigger": `count` incidents spread evenly over `over_seconds` (0: all
  // now), on services chosen by the seed. Runs on its own thread when over_seconds > 0.
  Result<json::value> RunScenario(const std::string& name, const json::object& body);

 private:
  class Rules;
  json::value StateJson();

  const Clock& clock_;
  std::function<void(std::chrono::milliseconds)> sleep_;
  KnobStore knobs_;
  KeyStore keys_;
  RequestLog log_;
  std::unique_ptr<WebhookQueue> webhooks_;
  std::unique_ptr<State> state_;
  RateLimiter rest_limiter_;
  RateLimiter events_limiter_;
  std::unique_ptr<Rules> rules_;
  std::unique_ptr<SimRouter> sim_router_;
  std::vector<std::thread> scenarios_;
};

}  // namespace im::sim::pagerduty

// The incident.io simulator: the v1/v2 API subset `im` uses over a generated organisation,
// behind incident.io's bearer auth, error bodies and 1,200/min token bucket, Standard Webhooks
// deliveries, and the shared /_sim/ admin API. Register() adds every route to a router.
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
#include "sim/incidentio/state.h"

namespace im::sim::incidentio {

struct SimulatorOptions {
  uint64_t seed = 1;
  int64_t incidents = 200;
  int64_t days = 90;
  std::vector<ApiKey> api_keys;  // none: every request is refused with 401
  WebhookTarget webhook;         // secrets "whsec_<base64>"; several: several v1 signatures
  bool rate_limit = true;
  bool unknown_enums = true;   // generated data has an enum value the document lacks
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

  // Scenario "trigger": declares `count` incidents now ({"count":N}).
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
  RateLimiter limiter_;
  std::unique_ptr<Rules> rules_;
  std::unique_ptr<SimRouter> sim_router_;
};

}  // namespace im::sim::incidentio

// The Opsgenie simulator: the Alert, Incident, Schedule, Escalation, Team and User APIs over a
// generated account, behind GenieKey auth, Opsgenie's envelopes and error bodies, asynchronous
// (202) processing, per-domain rate limits, the webhook integration's deliveries, and the
// shared /_sim/ admin API. Register() adds every route to a router. A simulator serves one
// region (US by default, or EU): keys bound to the other region are refused with 401, so two
// simulators model Opsgenie's two API hosts; paging links use the Host header the client sent.
#pragma once

#include <functional>
#include <memory>
#include <optional>

#include "common/clock.h"
#include "http/router.h"
#include "net/http_client.h"
#include "sim/common/api_keys.h"
#include "sim/common/knobs.h"
#include "sim/common/request_log.h"
#include "sim/common/sim_router.h"
#include "sim/common/webhook_queue.h"
#include "sim/opsgenie/rate_limits.h"
#include "sim/opsgenie/response.h"
#include "sim/opsgenie/state.h"

namespace im::sim::opsgenie {

struct Api;

struct SimulatorOptions {
  uint64_t seed = 1;
  int64_t incidents = 200;  // generated alerts; incidents/10 (at least 1) Opsgenie incidents
  int64_t days = 90;
  std::vector<ApiKey> api_keys;  // none: every request is refused with 401
  WebhookTarget webhook;         // the first secret is sent as the X-Webhook-Secret header
  bool rate_limit = true;
  std::string base_url = "http://127.0.0.1";  // paging links for a request without Host
  std::optional<World> world;  // the data set to serve (a fixture); none: generated from `seed`
  std::string region = "us";   // "us" (api.opsgenie.com) or "eu" (api.eu.opsgenie.com)
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

  // Scenario "trigger": creates `count` alerts now ({"count":N}), as if POSTed and processed.
  Result<json::value> RunScenario(const std::string& name, const json::object& body);

 private:
  class Rules;
  json::value StateJson();

  const Clock& clock_;
  std::function<void(std::chrono::milliseconds)> sleep_;
  const std::string base_url_;
  const std::string region_;
  KnobStore knobs_;
  KeyStore keys_;
  RequestLog log_;
  RequestIds ids_;
  DomainLimiter limits_;
  std::unique_ptr<WebhookQueue> webhooks_;
  std::unique_ptr<State> state_;
  std::unique_ptr<Rules> rules_;
  std::unique_ptr<SimRouter> sim_router_;
  std::unique_ptr<Api> api_;
};

}  // namespace im::sim::opsgenie

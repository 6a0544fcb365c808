// Registers a simulator's provider routes on an http::Router behind the shared middleware:
// request log → added latency → injected 5xx → the provider's auth → 429 bursts → the
// provider's rate limit (with its headers) → handler → malformed-body injection.
// What differs per provider (auth scheme, error bodies, rate-limit headers) is a ProviderRules.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <variant>

#include "common/clock.h"
#include "http/router.h"
#include "sim/common/api_keys.h"
#include "sim/common/knobs.h"
#include "sim/common/random.h"
#include "sim/common/rate_limiter.h"
#include "sim/common/request_log.h"

namespace im::sim {

// The key a request authenticated with, or the provider's refusal.
using AuthOutcome = std::variant<std::string, net::HttpResponse>;

class ProviderRules {
 public:
  virtual ~ProviderRules() = default;
  // `write`: the route changes state (read-only keys are refused where the provider does).
  virtual AuthOutcome Authenticate(const net::HttpRequest& req, const KeyStore& keys,
                                   bool write) const = 0;
  // 429 with the provider's body and headers; `bare` drops both (the knob).
  virtual net::HttpResponse TooManyRequests(const RateDecision& d, bool bare) const = 0;
  // Headers the provider puts on every rate-evaluated response.
  virtual void AddRateHeaders(net::HttpResponse& res, const RateDecision& d) const = 0;
  virtual net::HttpResponse ServerError() const = 0;
  // What the provider documents as required of `req` and it lacks, though the provider serves
  // it anyway (a missing Content-Type): logged with the request, never refused.
  virtual std::vector<std::string> Problems(const net::HttpRequest&, bool /*authenticated*/) const {
    return {};
  }
};

// What a simulator's routes share: clock, knobs, keys, log, the fault RNG and a sleeper.
struct SimContext {
  const Clock& clock;
  KnobStore& knobs;
  KeyStore& keys;
  RequestLog& log;
  // Added latency waits here; tests pass a recorder instead of sleeping.
  std::function<void(std::chrono::milliseconds)> sleep;
  // Called after the handler of every request that may change state (any method but GET and
  // HEAD), before its answer leaves: simulators drop what they rendered from the old state.
  std::function<void()> on_write;
};

struct SimRoute {
  bool write = false;              // a state-changing call
  bool authenticated = true;       // false: no API key (e.g. Events API: routing_key in body)
  RateLimiter* limiter = nullptr;  // null: not rate-evaluated
};

class SimRouter {
 public:
  SimRouter(http::Router& router, SimContext ctx, const ProviderRules& rules, uint64_t seed)
      : router_(router), ctx_(std::move(ctx)), rules_(rules), rng_(seed) {}

  void Add(const std::string& method, const std::string& pattern, http::Handler handler,
           SimRoute route);

  net::HttpResponse Serve(const net::HttpRequest& req, const http::Handler& handler,
                          const SimRoute& route);

 private:
  bool Roll(double p);

  http::Router& router_;
  SimContext ctx_;
  const ProviderRules& rules_;
  std::mutex rng_mu_;
  Rng rng_;  // GUARDED_BY(rng_mu_)
};

}  // namespace im::sim

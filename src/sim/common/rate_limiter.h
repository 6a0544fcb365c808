// Per-key request limits as the providers document them, on an injected clock:
//  - kFixedWindow: `limit` requests per `window`, the window starting at a key's first request
//    (PagerDuty REST: 960/min; ratelimit-reset = seconds until the window ends);
//  - kTokenBucket: capacity `limit`, refilled continuously at limit/window (incident.io: 1200,
//    +20/s; PagerDuty Events: ~120/min per routing key; Opsgenie per-minute buckets).
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "common/clock.h"

namespace im::sim {

enum class RateLimitKind { kFixedWindow, kTokenBucket };

struct RatePolicy {
  RateLimitKind kind = RateLimitKind::kFixedWindow;
  int64_t limit = 960;
  Duration window = std::chrono::minutes(1);
};

struct RateDecision {
  bool allowed = true;
  int64_t limit = 0;
  int64_t remaining = 0;
  int64_t reset_seconds = 0;        // until the window ends / the bucket is full again
  int64_t retry_after_seconds = 0;  // until one more request would pass (0 when allowed)
};

class RateLimiter {
 public:
  RateLimiter(const Clock& clock, RatePolicy policy) : clock_(clock), policy_(policy) {}
  // Counts one request of `key` and says whether it may pass.
  RateDecision Take(const std::string& key);
  // Token bucket: takes a token of `key` even when none is left (the bucket goes into debt)
  // and returns how long the request must be held before that token exists (0: at once).
  Duration Reserve(const std::string& key);
  void Clear();
  const RatePolicy& policy() const { return policy_; }

 private:
  struct State {
    Time window_start{};
    double used = 0;  // fixed window: requests in window; bucket: tokens available
    Time refilled_at{};
  };
  RateDecision TakeFixed(State& s, Time now, bool fresh);
  RateDecision TakeBucket(State& s, Time now, bool fresh);
  void RefillBucket(State& s, Time now, bool fresh) const;
  double PerMicrosecond() const;  // token bucket refill rate

  const Clock& clock_;
  const RatePolicy policy_;
  std::mutex mu_;
  std::unordered_map<std::string, State> states_;  // GUARDED_BY(mu_)
};

}  // namespace im::sim

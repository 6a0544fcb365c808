// Fixed-window and token-bucket arithmetic.
#include "sim/common/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace im::sim {
namespace {

int64_t CeilSeconds(Duration d) {
  if (d.count() <= 0) return 0;
  return (d.count() + 999'999) / 1'000'000;
}

}  // namespace

RateDecision RateLimiter::Take(const std::string& key) {
  Time now = clock_.Now();
  std::lock_guard lock(mu_);
  auto [it, fresh] = states_.try_emplace(key);
  return policy_.kind == RateLimitKind::kFixedWindow ? TakeFixed(it->second, now, fresh)
                                                     : TakeBucket(it->second, now, fresh);
}

RateDecision RateLimiter::TakeFixed(State& s, Time now, bool fresh) {
  if (fresh || now >= s.window_start + policy_.window) {
    s.window_start = now;
    s.used = 0;
  }
  RateDecision d;
  d.limit = policy_.limit;
  d.reset_seconds = CeilSeconds(s.window_start + policy_.window - now);
  if (s.used >= static_cast<double>(policy_.limit)) {
    d.allowed = false;
    d.retry_after_seconds = std::max<int64_t>(1, d.reset_seconds);
    return d;
  }
  s.used += 1;
  d.remaining = policy_.limit - static_cast<int64_t>(s.used);
  return d;
}

double RateLimiter::PerMicrosecond() const {
  return static_cast<double>(policy_.limit) / static_cast<double>(policy_.window.count());
}

void RateLimiter::RefillBucket(State& s, Time now, bool fresh) const {
  const double capacity = static_cast<double>(policy_.limit);
  const double per_us = PerMicrosecond();
  if (fresh) {
    s.used = capacity;
  } else {
    double elapsed = static_cast<double>((now - s.refilled_at).count());
    s.used = std::min(capacity, s.used + std::max(0.0, elapsed) * per_us);
  }
  s.refilled_at = now;
}

Duration RateLimiter::Reserve(const std::string& key) {
  Time now = clock_.Now();
  std::lock_guard lock(mu_);
  auto [it, fresh] = states_.try_emplace(key);
  State& s = it->second;
  RefillBucket(s, now, fresh);
  s.used -= 1.0;
  if (s.used >= 0) return Duration::zero();
  return Duration(static_cast<int64_t>(std::ceil(-s.used / PerMicrosecond())));
}

RateDecision RateLimiter::TakeBucket(State& s, Time now, bool fresh) {
  const double capacity = static_cast<double>(policy_.limit);
  const double per_us = PerMicrosecond();
  RefillBucket(s, now, fresh);
  RateDecision d;
  d.limit = policy_.limit;
  if (s.used < 1.0) {
    d.allowed = false;
    d.remaining = 0;
    d.retry_after_seconds =
        std::max<int64_t>(1, static_cast<int64_t>(std::ceil((1.0 - s.used) / per_us / 1e6)));
  } else {
    s.used -= 1.0;
    d.remaining = static_cast<int64_t>(s.used);
  }
  d.reset_seconds = static_cast<int64_t>(std::ceil((capacity - s.used) / per_us / 1e6));
  return d;
}

void RateLimiter::Clear() {
  std::lock_guard lock(mu_);
  states_.clear();
}

}  // namespace im::sim

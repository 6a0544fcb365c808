// A token bucket per key for the chat simulators' documented rate limits: `per_second`
// requests a second with bursts of `burst`; a refusal says how many seconds to wait.
#pragma once

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <string>

#include "common/clock.h"

namespace im::sim::chatops {

class Buckets {
 public:
  Buckets(const Clock& clock, double per_second, double burst)
      : clock_(clock), rate_(per_second), burst_(std::max(1.0, burst)) {}

  // 0 when `key` may go now, else the whole seconds to wait (Retry-After).
  int Take(const std::string& key) {
    if (rate_ <= 0) return 0;
    std::lock_guard lock(mu_);
    Time now = clock_.Now();
    auto [it, fresh] = state_.try_emplace(key, State{burst_, now});
    State& s = it->second;
    if (!fresh && now > s.at) {
      s.tokens =
          std::min(burst_, s.tokens + std::chrono::duration<double>(now - s.at).count() * rate_);
      s.at = now;
    }
    if (s.tokens >= 1.0) {
      s.tokens -= 1.0;
      return 0;
    }
    return std::max(1, static_cast<int>(std::ceil((1.0 - s.tokens) / rate_)));
  }

 private:
  struct State {
    double tokens;
    Time at;
  };
  const Clock& clock_;
  double rate_, burst_;
  std::mutex mu_;
  std::map<std::string, State> state_;  // GUARDED_BY(mu_)
};

}  // namespace im::sim::chatops

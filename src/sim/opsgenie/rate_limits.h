// Opsgenie's rate limits (providers.md §4.6): token buckets per request domain, each with a
// per-minute and a per-second bucket, account-wide (X-RateLimit-Reason: ACCOUNT); an empty
// bucket answers 429 with X-RateLimit-Period-In-Sec 60 or 1 naming which one, or (the
// throttle_by_delay knob) holds the request until the bucket allows it.
// Opsgenie does not publish the numbers (they depend on the plan); these are plausible
// choices, written here and in docs/simulators.md, with a per-second burst above the
// per-minute average so that both buckets can trip:
//   Alert 1,200/min and 50/s; Incident 300/min and 15/s; Configuration 600/min and 25/s;
//   Search (listing alerts, incidents, users; alert counts) 300/min and 15/s;
//   Schedule-oncalls 300/min and 15/s.
#pragma once

#include <array>
#include <memory>
#include <string_view>

#include "common/clock.h"
#include "sim/common/rate_limiter.h"

namespace im::sim::opsgenie {

enum class Domain { kAlert, kIncident, kConfiguration, kSearch, kScheduleOnCalls };

struct DomainLimit {
  int64_t per_minute = 0, per_second = 0;
};

DomainLimit LimitOf(Domain d);
std::string_view DomainName(Domain d);  // "Alert", "Incident", ..., "Schedule-oncalls"

class DomainLimiter {
 public:
  explicit DomainLimiter(const Clock& clock);
  // Takes a token from both of the domain's buckets: 0 when the request may pass, else the
  // period in seconds (1 or 60) of the bucket that is empty (the per-second one first).
  int Take(Domain d);

  struct Hold {
    Duration wait{};  // how long the request must be held (0: it passes at once)
    int period = 0;   // 1 or 60: the bucket that holds it longest; 0 when not held
  };
  // Takes a token from both buckets even when they are empty (they go into debt, so requests
  // queue up in arrival order) and says how long this request must wait for it.
  Hold Reserve(Domain d);

 private:
  static constexpr size_t kDomains = 5;
  std::array<std::unique_ptr<RateLimiter>, kDomains> minute_, second_;
};

}  // namespace im::sim::opsgenie

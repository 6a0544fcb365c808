// Fault and delivery knobs of a simulator, changed at run time through /_sim/knobs. One
// KnobStore per simulator; every request reads a consistent copy.
#pragma once

#include <cstdint>
#include <mutex>

#include "common/error.h"
#include "common/json.h"

namespace im::sim {

struct Knobs {
  bool rate_limit = true;     // the provider's documented rate limits
  double error_rate = 0;      // fraction of API requests answered with a 500
  int64_t latency_ms = 0;     // added to every API request
  int64_t burst_429 = 0;      // the next N API requests are answered 429 (counts down)
  bool bare_429 = false;      // 429s carry no rate-limit headers and no body (PD docs warn)
  double malformed_rate = 0;  // fraction of 2xx JSON bodies cut in half
  double reset_rate = 0;  // fraction of API requests that take effect, then the connection is reset
  double webhook_duplicate_rate = 0;  // fraction of webhooks delivered twice (same id)
  double webhook_drop_rate = 0;       // fraction of webhooks never delivered
  bool webhook_out_of_order = false;  // deliver each due batch newest first
  int64_t webhook_delay_ms = 0;       // wait before the first attempt
  int64_t webhook_max_attempts = 8;   // then the delivery is given up
  // Opsgenie: an accepted (202) request is processed this long after it was accepted; its
  // request status is 404 until then.
  int64_t async_delay_ms = 0;
  // Opsgenie: a request over its domain's rate limit is held until the bucket allows it
  // instead of being answered 429 (both are documented).
  bool throttle_by_delay = false;
  // Opsgenie: false models a plan without the Incident API (/v1/incidents* answer 402).
  bool incident_api = true;
};

// Applies the fields present in `patch` ({"error_rate":0.1,...}); unknown fields or wrong types
// are kInvalidArgument naming the field, and nothing is changed then.
Result<Knobs> PatchKnobs(const Knobs& knobs, const json::object& patch);
json::object KnobsToJson(const Knobs& knobs);

class KnobStore {
 public:
  explicit KnobStore(Knobs initial = {}) : knobs_(initial) {}
  Knobs Get() const {
    std::lock_guard lock(mu_);
    return knobs_;
  }
  void Set(const Knobs& knobs) {
    std::lock_guard lock(mu_);
    knobs_ = knobs;
  }
  // Takes one request from the 429 burst; true when this request must be refused.
  bool TakeBurst() {
    std::lock_guard lock(mu_);
    if (knobs_.burst_429 <= 0) return false;
    --knobs_.burst_429;
    return true;
  }

 private:
  mutable std::mutex mu_;
  Knobs knobs_;  // GUARDED_BY(mu_)
};

}  // namespace im::sim

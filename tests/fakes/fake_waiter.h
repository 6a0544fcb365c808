// A Waiter that moves a fake clock instead of sleeping, and adds up how long it was asked to
// wait: retries, backoff and rate-limit windows run in no time and are measured exactly.
#pragma once

#include <vector>

#include "connectors/rate_budget.h"
#include "fakes/fake_clock.h"

namespace im::testing {

class FakeWaiter final : public connectors::Waiter {
 public:
  explicit FakeWaiter(FakeClock& clock) : clock_(clock) {}
  bool WaitUntil(Time t) override {
    Duration wait = t > clock_.Now() ? t - clock_.Now() : Duration::zero();
    waits.push_back(wait);
    if (wait > Duration::zero()) {
      waited += wait;
      clock_.Set(t);
    }
    return !stopping;
  }
  Duration waited{};
  std::vector<Duration> waits;  // every wait asked for, in order (zero when already due)
  bool stopping = false;        // as when the process stops: waits return false

 private:
  FakeClock& clock_;
};

}  // namespace im::testing

// One request budget per API key, shared by everything that uses the key (history import,
// polling, on-demand calls): PagerDuty allows 960 requests a minute per key. The budget spends
// from a local token bucket and corrects itself from the ratelimit-* headers the provider
// returns, so it neither wastes the allowance nor runs into 429s.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "common/clock.h"

namespace im::connectors {

// Waits until a time; real code sleeps, tests move a fake clock. Returns false instead when
// the process is stopping (at once, or as soon as it starts to stop): the caller gives up
// rather than keep a shutdown waiting through a retry backoff or a rate-limit window.
class Waiter {
 public:
  virtual ~Waiter() = default;
  [[nodiscard]] virtual bool WaitUntil(Time t) = 0;
};

class SleepingWaiter final : public Waiter {
 public:
  explicit SleepingWaiter(const Clock& clock) : clock_(clock) {}
  bool WaitUntil(Time t) override;
  // Wakes every wait and makes later ones return false at once.
  void Cancel();

 private:
  const Clock& clock_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool cancelled_ = false;  // GUARDED_BY(mu_)
};

class RateBudget {
 public:
  RateBudget(const Clock& clock, Waiter& waiter, int per_minute);

  // Blocks until a request may be sent, and spends it; false when the wait was cancelled.
  [[nodiscard]] bool Acquire();
  // What the provider said after a request: remaining requests and seconds until the window
  // resets (either may be absent).
  void Observe(std::optional<int64_t> remaining, std::optional<int64_t> reset_seconds);
  // After a 429: nothing more until `until`.
  void BlockUntil(Time until);

  int per_minute() const { return per_minute_; }
  // Share of the per-minute allowance spent in the current window, 0..1 (for metrics).
  double Usage();

 private:
  void Refill(Time now);  // REQUIRES(mu_)

  const Clock& clock_;
  Waiter& waiter_;
  const int per_minute_;
  std::mutex mu_;
  double tokens_;       // GUARDED_BY(mu_)
  Time last_refill_;    // GUARDED_BY(mu_)
  Time blocked_until_;  // GUARDED_BY(mu_)
};

// The budgets of all keys in this process, by key fingerprint.
class RateBudgets {
 public:
  RateBudgets(const Clock& clock, Waiter& waiter) : clock_(clock), waiter_(waiter) {}
  RateBudget& For(const std::string& key, int per_minute);

 private:
  const Clock& clock_;
  Waiter& waiter_;
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<RateBudget>> budgets_;  // GUARDED_BY(mu_)
};

}  // namespace im::connectors

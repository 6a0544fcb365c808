#include "connectors/rate_budget.h"

#include <algorithm>
#include <thread>

#include "common/crypto.h"

namespace im::connectors {

bool SleepingWaiter::WaitUntil(Time t) {
  Duration d = t - clock_.Now();
  std::unique_lock lock(mu_);
  if (d > Duration::zero()) cv_.wait_for(lock, d, [&] { return cancelled_; });
  return !cancelled_;
}

void SleepingWaiter::Cancel() {
  {
    std::lock_guard lock(mu_);
    cancelled_ = true;
  }
  cv_.notify_all();
}

RateBudget::RateBudget(const Clock& clock, Waiter& waiter, int per_minute)
    : clock_(clock),
      waiter_(waiter),
      per_minute_(per_minute),
      tokens_(per_minute),
      last_refill_(clock.Now()),
      blocked_until_(clock.Now()) {}

void RateBudget::Refill(Time now) {
  if (per_minute_ <= 0) return;
  double elapsed = std::chrono::duration<double>(now - last_refill_).count();
  if (elapsed <= 0) return;
  tokens_ = std::min<double>(per_minute_, tokens_ + elapsed * per_minute_ / 60.0);
  last_refill_ = now;
}

bool RateBudget::Acquire() {
  if (per_minute_ <= 0) {  // no local limit; BlockUntil after a 429 still applies
    Time until;
    {
      std::lock_guard lock(mu_);
      until = blocked_until_;
    }
    return clock_.Now() >= until || waiter_.WaitUntil(until);
  }
  for (;;) {
    Time wait_until;
    {
      std::lock_guard lock(mu_);
      Time now = clock_.Now();
      Refill(now);
      if (now >= blocked_until_ && tokens_ >= 1) {
        tokens_ -= 1;
        return true;
      }
      if (now < blocked_until_) {
        wait_until = blocked_until_;
      } else {
        auto need = std::chrono::duration<double>((1 - tokens_) * 60.0 / per_minute_);
        wait_until = now + std::chrono::duration_cast<Duration>(need) + Duration(1);
      }
    }
    if (!waiter_.WaitUntil(wait_until)) return false;
  }
}

void RateBudget::Observe(std::optional<int64_t> remaining, std::optional<int64_t> reset_seconds) {
  std::lock_guard lock(mu_);
  Time now = clock_.Now();
  Refill(now);
  if (remaining) {
    // The provider's count wins when it is lower (other processes share the key).
    tokens_ = std::min<double>(tokens_, static_cast<double>(*remaining));
    if (*remaining <= 0 && reset_seconds) {
      blocked_until_ = std::max(blocked_until_, now + std::chrono::seconds(*reset_seconds));
    }
  }
}

void RateBudget::BlockUntil(Time until) {
  std::lock_guard lock(mu_);
  blocked_until_ = std::max(blocked_until_, until);
  tokens_ = 0;
  last_refill_ = std::max(clock_.Now(), until);
}

double RateBudget::Usage() {
  if (per_minute_ <= 0) return 0;
  std::lock_guard lock(mu_);
  Refill(clock_.Now());
  return 1.0 - tokens_ / per_minute_;
}

RateBudget& RateBudgets::For(const std::string& key, int per_minute) {
  std::string id = HexEncode(Sha256(key)).substr(0, 16) + "/" + std::to_string(per_minute);
  std::lock_guard lock(mu_);
  auto& b = budgets_[id];
  if (!b) b = std::make_unique<RateBudget>(clock_, waiter_, per_minute);
  return *b;
}

}  // namespace im::connectors

// A clock that only moves when the test says so.
#pragma once

#include <atomic>

#include "common/clock.h"

namespace im::testing {

class FakeClock final : public Clock {
 public:
  explicit FakeClock(Time start) : now_(start.time_since_epoch().count()) {}
  Time Now() const override { return Time(Duration(now_.load())); }
  void Set(Time t) { now_ = t.time_since_epoch().count(); }
  void Advance(Duration d) { now_ += d.count(); }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace im::testing

// The one source of "now". Code takes a Clock& so tests can drive time by hand.
#pragma once

#include <chrono>

namespace im {

using Time = std::chrono::sys_time<std::chrono::microseconds>;
using Duration = std::chrono::microseconds;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Time Now() const = 0;
};

// The real clock; the only place in im that reads system_clock.
class SystemClock final : public Clock {
 public:
  Time Now() const override;
};

}  // namespace im

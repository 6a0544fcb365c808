#include "monitor/state_machine.h"

namespace im::monitor {

Decision Observe(const MonitorState& state, const CheckOutcome& check, const Thresholds& t,
                 bool in_maintenance) {
  Decision d{.next = state};
  MonitorState& s = d.next;
  if (check.ok) {
    s.successes++;
    // The first success after failures is a change of direction worth recording in an outage.
    d.on_timeline = s.down && s.failures > 0;
    s.failures = 0;
    s.failing_since.reset();
    if (s.down && s.successes >= t.recovery) {
      d.transition = Transition::kResolve;
      d.on_timeline = true;
      s.down = false;
      s.down_since.reset();
      s.incident = 0;
    }
    return d;
  }
  d.on_timeline = s.down && s.successes > 0;
  s.successes = 0;
  s.failures++;
  s.last_error = check.error;
  if (!s.failing_since) s.failing_since = check.at;
  if (!s.down && !in_maintenance && s.failures >= t.failure) {
    d.transition = Transition::kOpen;
    d.on_timeline = true;
    s.down = true;
    s.down_since = check.at;
  }
  return d;
}

}  // namespace im::monitor

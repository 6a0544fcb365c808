// When a monitor's checks open and resolve an outage: consecutive-failure and -success
// thresholds so one blip pages nobody, maintenance that records failures but opens nothing, and
// the rule that an incident a person resolved is not reopened by the same outage. Pure: the
// caller passes each check's outcome and persists the state it gets back.
#pragma once

#include <optional>
#include <string>

#include "common/clock.h"

namespace im::monitor {

inline constexpr int kDefaultFailureThreshold = 3;
inline constexpr int kDefaultRecoveryThreshold = 2;

struct Thresholds {
  int failure = kDefaultFailureThreshold;    // consecutive failures before an outage opens
  int recovery = kDefaultRecoveryThreshold;  // consecutive successes before it resolves
};

// What one check came to.
struct CheckOutcome {
  Time at;
  bool ok = false;
  Duration response_time{0};
  std::string error;  // "" when ok
};

// The monitor's confirmed health, kept between checks.
struct MonitorState {
  bool down = false;                  // an outage is open (thresholds crossed, not yet recovered)
  int failures = 0;                   // consecutive failed checks (also counted during maintenance)
  int successes = 0;                  // consecutive good checks
  std::optional<Time> failing_since;  // first failure of the current run of failures
  std::optional<Time> down_since;     // when the open outage was confirmed
  std::string last_error;             // of the latest failed check
  int64_t incident = 0;               // im incident of the open outage (0: none or not yet)
};

enum class Transition {
  kNone,
  kOpen,     // the failure threshold was crossed: open an incident and page
  kResolve,  // the recovery threshold was crossed during an outage: resolve and un-page
};

struct Decision {
  MonitorState next;
  Transition transition = Transition::kNone;
  // The check is worth a line on the incident's timeline: it opened, ended, or is the first
  // failure or success of a change of direction during an outage.
  bool on_timeline = false;
};

// Applies one check outcome. In maintenance, failures still count, but no outage opens; when
// maintenance ends with the threshold already crossed, the next failure opens it.
Decision Observe(const MonitorState& state, const CheckOutcome& check, const Thresholds& t,
                 bool in_maintenance);

}  // namespace im::monitor

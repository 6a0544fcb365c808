// Running one check of a monitor: HTTP(S) (libcurl), TCP connect, DNS (the system resolver),
// ICMP echo, and heartbeat (no I/O: a ping must have arrived within the interval). The parts
// that judge an answer are pure and tested apart from the network.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "common/clock.h"
#include "monitor/monitor.h"

namespace im::monitor {

struct CheckInput {
  Time now;                            // when the check starts (the Clock's)
  std::optional<Time> last_heartbeat;  // heartbeat monitors: the latest ping
  Time watching_since{};               // heartbeat: when the monitor was created or resumed
};

// Runs the check (blocking, at most the monitor's timeout plus DNS) and says how it went.
CheckOutcome RunCheck(const Monitor& m, const CheckInput& in);

// Why an HTTP answer fails the monitor, or "" when it passes: status not expected, body
// without `body_contains`, JSON at `json_path` not equal to `json_equals`, certificate
// expiring within `tls_expiry_days` of `now`.
std::string JudgeHttpAnswer(const Monitor& m, long status, const std::string& body,
                            std::optional<Time> cert_expires, Time now);

// DNS monitors: the record types asked for, a resolver "ip[:port]" (port 53 by default), and
// whether one answer as the check prints it ("192.0.2.7", "10 mail.example.com", the TXT
// strings joined) is the expected one: names compare without case or a trailing dot, and an MX
// answer also matches its name alone.
bool IsDnsRecordType(const std::string& type);
std::optional<std::pair<std::string, uint16_t>> ParseResolver(const std::string& text);
bool DnsAnswerMatches(const std::string& type, const std::string& answer,
                      const std::string& expected);

// A heartbeat monitor fails when no ping came within interval + timeout (a grace period)
// before `now`, counting from when it started watching.
CheckOutcome JudgeHeartbeat(const Monitor& m, const CheckInput& in);

}  // namespace im::monitor

// What a monitor tells its channels: one provider-neutral notification (an outage opened, or
// ended), queued durably as JSON and rendered by each channel type into its own wire form.
#pragma once

#include <optional>
#include <string>

#include "common/clock.h"
#include "common/error.h"
#include "common/json.h"
#include "core/severity.h"

namespace im::monitor {

struct Notification {
  enum class Kind { kTrigger, kResolve };
  Kind kind = Kind::kTrigger;
  // Stable for the monitor's lifetime (made from its id, not its name), so a renamed monitor
  // still resolves the alert it opened: "im-<install id>-monitor-<id>".
  std::string dedup_key;
  int64_t monitor_id = 0;
  std::string monitor_name;
  std::string monitor_type;
  std::string target;  // URL or host
  std::string status;  // "down", "up"
  std::string error;   // of the latest failed check
  Duration response_time{0};
  Duration outage_duration{0};  // so far (trigger) or in all (resolve)
  std::string region;
  std::string service;
  core::Severity severity = core::Severity::kSev2;
  int64_t incident = 0;      // im's incident number
  std::string incident_url;  // link back to im ("" when im has no public URL)
  Time at{};                 // when the check that decided it ran
};

inline std::string MonitorDedupKey(const std::string& install_id, int64_t monitor_id) {
  return "im-" + install_id + "-monitor-" + std::to_string(monitor_id);
}

json::object NotificationToJson(const Notification& n);
Result<Notification> NotificationFromJson(std::string_view text);

}  // namespace im::monitor

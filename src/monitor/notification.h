// What im tells its channels: one provider-neutral notification (a monitor's outage opened or
// ended; an incident declared, acknowledged, resolved or past its SLA; a page to one person; a
// war room to open), queued durably as JSON and rendered by each channel type into its own
// wire form.
#pragma once

#include <optional>
#include <string>
#include <vector>

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
  Time at{};                 // when the check that decided it ran (or the change was made)

  // Incident notifications (src/notify); `event` is "" for a monitor's outage.
  // "declared", "acknowledged", "resolved", "sla_breached": the incident changed;
  // "page": one person paged by im's escalation (`recipient`, `address`, `level`);
  // "war_room": open the incident's Slack channel `room` and invite `invite`.
  std::string event;
  std::string message_id;  // unique per queued message: webhook-id, email Message-ID
  std::string title;
  std::string incident_status;  // open, mitigated, resolved, closed
  std::string actor;
  std::string note;
  std::vector<std::string> mentions;  // Slack member ids or emails of the on-call people
  std::string recipient;              // page: the person's email
  std::string address;                // page: their phone, email or Slack member id
  int level = 0;                      // page: escalation level (1-based)
  std::string ack_url;                // page: a signed one-time acknowledge link
  std::string room;                   // war_room: the Slack channel name
  std::vector<std::string> invite;    // war_room: Slack member ids
  std::string war_room_url;           // set once a war room exists

  bool IsIncidentEvent() const { return !event.empty(); }
};

inline std::string MonitorDedupKey(const std::string& install_id, int64_t monitor_id) {
  return "im-" + install_id + "-monitor-" + std::to_string(monitor_id);
}

json::object NotificationToJson(const Notification& n);
Result<Notification> NotificationFromJson(std::string_view text);

}  // namespace im::monitor

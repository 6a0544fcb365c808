// The PagerDuty channel: pages through the Events API v2 (`POST /v2/enqueue`) with the
// monitor's stable dedup_key, so PagerDuty's schedules and escalation policies page the
// on-call engineer and the alert resolves when the monitor recovers.
// Config: {"integration_key": 32 chars, "events_url": "https://events.pagerduty.com",
// "auto_resolve": true}.
#pragma once

#include "monitor/channels/channel.h"

namespace im::monitor {

const ChannelType& PagerDutyChannelType();

// The Events API v2 body for `n` (exposed for tests).
Result<json::object> PagerDutyEventBody(const Notification& n, const std::string& routing_key);

}  // namespace im::monitor

// /api/v1/monitors, /api/v1/channels, the heartbeat URL of heartbeat monitors, and the drop-in
// PagerDuty Events API v2 endpoint POST /v2/enqueue (docs/monitors.md).
#pragma once

#include "engine/tokens.h"
#include "http/router.h"
#include "monitor/channels/channels.h"
#include "monitor/events_ingest.h"
#include "monitor/monitors.h"

namespace im::http::api {

struct MonitorApiContext {
  monitor::Monitors& monitors;
  monitor::Channels& channels;
  monitor::EventsIngest& events;
  engine::Tokens& tokens;
  // Called after a check queued notifications or an event was applied.
  std::function<void()> kick;
};

void AddMonitorRoutes(Router& router, MonitorApiContext& ctx);

// PagerDuty's answer to an Events API v2 request (exposed for tests): 202 with the dedup_key,
// 400 "invalid event" with the errors.
net::HttpResponse EventsV2Response(const Result<monitor::EventsIngest::Outcome>& outcome);

}  // namespace im::http::api

// Route registration of the PagerDuty simulator, one function per resource family.
#pragma once

#include "sim/common/rate_limiter.h"
#include "sim/common/sim_router.h"
#include "sim/pagerduty/state.h"

namespace im::sim::pagerduty {

void AddIncidentRoutes(SimRouter& r, State& st, RateLimiter* limiter);
void AddDirectoryRoutes(SimRouter& r, State& st, RateLimiter* limiter);
// GET /log_entries (account-wide) and /log_entries/{id} (log_entries_api.cc).
void AddLogEntryRoutes(SimRouter& r, State& st, RateLimiter* limiter);
// GET /change_events[/{id}] (change_events_api.cc).
void AddChangeEventRoutes(SimRouter& r, State& st, RateLimiter* limiter);
void AddScheduleRoutes(SimRouter& r, State& st, RateLimiter* limiter);
void AddWebhookSubscriptionRoutes(SimRouter& r, State& st, RateLimiter* limiter);
// Events API v2 (/v2/enqueue, /v2/change/enqueue): no API key; limited per routing key.
void AddEventsRoutes(SimRouter& r, State& st, RateLimiter* events_limiter);

}  // namespace im::sim::pagerduty

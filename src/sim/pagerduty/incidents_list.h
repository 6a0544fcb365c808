// GET /incidents of the PagerDuty simulator.
#pragma once

#include "net/http_message.h"
#include "sim/pagerduty/state.h"

namespace im::sim::pagerduty {

net::HttpResponse ListIncidents(State& st, const net::HttpRequest& req);

}  // namespace im::sim::pagerduty

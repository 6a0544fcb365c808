// The signed one-time acknowledge links of escalation pages (notify/ack_link.h):
// GET /ack/{token} shows the incident and a button (mail scanners that open links acknowledge
// nothing); POST /ack/{token} acknowledges. A changed link answers 403; an expired
// or a used one 409.
#pragma once

#include "engine/incidents.h"
#include "http/router.h"
#include "notify/ack_link.h"

namespace im::http::api {

void AddAckRoutes(Router& router, const notify::AckLinks& links, engine::Incidents& incidents);

}  // namespace im::http::api

// A signed PagerDuty v3 webhook delivery read into what im does with it. The body is untrusted:
// every field is checked, and a delivery im cannot apply is still described well enough to be
// recorded (deduplicated, counted) and to name the incident to fetch again from the REST API.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/json.h"
#include "store/connector_store.h"

namespace im::connectors::pagerduty {

struct PdWebhookEvent {
  enum class Kind {
    kUnreadable,  // not JSON, or no "event" object: kept raw
    kIncident,    // data is the incident (incident.triggered, .acknowledged, ...)
    kNote,        // incident.annotated: data is the note, with its incident
    kService,     // service.created|updated: data is the service
    kOther,       // any other type (responders, status updates, workflows, new types)
  };
  Kind kind = Kind::kUnreadable;
  // Id (event.id, else X-Webhook-Id, else a hash of the body: the same on every retry), type,
  // occurred_at (the receipt time when absent), resource id, received_at.
  store::WebhookEventRecord record;
  bool complete = false;  // event.id, event_type and occurred_at were all there and valid
  json::object data;      // event.data, when an object
  std::string agent_id;   // event.agent.id, when given
  // The incident the event is about, when it names one with a plausible id.
  std::string incident_id;
};

PdWebhookEvent ReadWebhookEvent(std::string_view body, std::string_view webhook_id,
                                Time received_at);

}  // namespace im::connectors::pagerduty

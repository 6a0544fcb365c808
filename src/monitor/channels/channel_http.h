// What the HTTP channel types share: a config URL checked once, the text of an incident
// notification, and an answer sorted into sent / retry later / refused for good.
#pragma once

#include <optional>
#include <string>

#include "common/clock.h"
#include "connectors/outbox_runner.h"
#include "monitor/notification.h"
#include "net/http_client.h"

namespace im::monitor {

// An http(s) URL from config field `field`; errors name the field and say what to give.
Result<std::string> ChannelUrl(const json::object& c, const char* field, const std::string& hint,
                               const std::string& fallback = "");

// "INC-12 [SEV-1] declared: Checkout down" and similar one-liners, for every event.
std::string Headline(const Notification& n);
// The lines after the headline: status, services, who, note, links.
std::string Details(const Notification& n);
// Slack's and Teams' colour for the event: red (declared, page), orange (acknowledged,
// SLA breached), green (resolved).
std::string EventColour(const Notification& n);

// 2xx: sent. 429: kResourceExhausted, `retry_after` set from Retry-After. 408, 5xx:
// kUnavailable. Other 4xx: kInvalidArgument (parked; `detail` says why).
Result<connectors::Delivery> HttpOutcome(const std::string& provider, const net::HttpResponse& resp,
                                         Time now, std::optional<Duration>& retry_after,
                                         const std::string& hint = "");

net::ClientRequest JsonPost(const std::string& url, const std::string& body);

}  // namespace im::monitor

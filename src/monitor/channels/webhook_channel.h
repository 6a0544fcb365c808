// The generic webhook channel: POSTs each notification as JSON to a URL, signed like Standard
// Webhooks (standardwebhooks.com) when a secret is set: headers webhook-id (stable across
// retries), webhook-timestamp (Unix seconds) and webhook-signature "v1,<base64 HMAC-SHA256 of
// id.timestamp.body>", the key being the base64 after "whsec_".
// Config: {"url": "https://...", "secret": "whsec_<base64>"}.
#pragma once

#include "monitor/channels/channel.h"

namespace im::monitor {

const ChannelType& WebhookChannelType();

// The JSON body sent for `n`.
json::object WebhookBody(const Notification& n);
// The webhook-signature header value for a delivery (exposed for tests and receivers).
std::string StandardWebhookSignature(const std::string& key, const std::string& id,
                                     int64_t timestamp, const std::string& body);

}  // namespace im::monitor

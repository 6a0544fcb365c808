// The Microsoft Teams channel: an incoming webhook (a Teams workflow or the classic connector
// URL) that takes a message with an Adaptive Card attachment.
// Config: {"webhook_url": "https://....webhook.office.com/..." or a workflow URL}.
#pragma once

#include "monitor/channels/channel.h"

namespace im::monitor {

const ChannelType& TeamsChannelType();

// {"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive",
// "content":{AdaptiveCard 1.4}}]}
json::object TeamsMessage(const Notification& n);

}  // namespace im::monitor

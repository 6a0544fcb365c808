// The Slack channel. Either an incoming webhook (a message to the channel the webhook was made
// for) or a bot token for the Web API (chat.postMessage to `channel`, a DM for an escalation
// page, and SEV-1 war rooms: conversations.create, conversations.invite). Messages carry the
// status colour, fields, the incident link and @-mentions of the on-call people.
// Config: {"webhook_url": "https://hooks.slack.com/services/..."} or
// {"bot_token": "xoxb-...", "channel": "C0123" or "#ops", "api_url": "https://slack.com/api"}.
#pragma once

#include "monitor/channels/channel.h"

namespace im::monitor {

const ChannelType& SlackChannelType();

// The message body (chat.postMessage or webhook) for `n`; `channel` is "" for a webhook.
json::object SlackMessage(const Notification& n, const std::string& channel);

}  // namespace im::monitor

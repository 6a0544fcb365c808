// The SMS channel, through a Twilio-compatible REST API: POST
// {api_url}/2010-04-01/Accounts/{account_sid}/Messages.json (form fields To, From, Body; HTTP
// basic auth account_sid:auth_token). A page goes to the paged person's phone; other
// notifications to the channel's `to`. Texts are cut to two segments (306 GSM-7 characters,
// or 134 when they need UCS-2).
// Config: {"account_sid": "AC…", "auth_token": "…", "from": "+1555…", "to": "+1555…",
// "api_url": "https://api.twilio.com"}.
#pragma once

#include "monitor/channels/channel.h"

namespace im::monitor {

const ChannelType& SmsChannelType();

// The text for `n`, at most two SMS segments.
std::string SmsText(const Notification& n);
// How many segments `text` takes (GSM-7: 160, then 153 each; UCS-2: 70, then 67 each).
int SmsSegments(const std::string& text);

}  // namespace im::monitor

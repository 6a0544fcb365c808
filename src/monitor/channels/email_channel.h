// The email channel: one message per notification over SMTP (STARTTLS and AUTH), plain text
// and HTML together, threaded so one incident stays one conversation: the first message of an
// incident has Message-ID <im-{install}-inc-{n}@{domain}>, and every later one (with its own
// Message-ID) names it in In-Reply-To and References. A page goes to the paged person.
// Config: {"smtp_url": "smtp://mail.example.com:587", "username", "password", "from", "to":
// "ops@example.com,boss@example.com", "starttls": true, "ca_file": ""}.
#pragma once

#include "monitor/channels/channel.h"

namespace im::monitor {

const ChannelType& EmailChannelType();

// The whole message (headers and a multipart/alternative body, CRLF line ends).
std::string EmailMessage(const Notification& n, const std::string& from,
                         const std::vector<std::string>& to, Time now);

}  // namespace im::monitor

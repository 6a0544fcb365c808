// Sending one email over SMTP (libcurl): STARTTLS when asked (required, or refused), AUTH
// with a username and password, the message given whole (headers and body, CRLF lines).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "common/error.h"

namespace im::net {

struct SmtpRequest {
  std::string url;                 // smtp://host:587 (STARTTLS) or smtps://host:465
  bool starttls = true;            // smtp:// only: require STARTTLS before AUTH and the message
  std::string ca_file;             // "" = the system's CA store
  std::string username, password;  // "" = no AUTH
  std::string from;
  std::vector<std::string> to;
  std::string message;  // RFC 5322, CRLF line ends
  std::chrono::milliseconds timeout{20000};
};

// Errors: kUnauthenticated (AUTH refused), kInvalidArgument (a 5xx answer: a recipient or
// sender refused for good), kUnavailable (cannot connect, TLS failed, a 4xx answer: try
// later), kDeadlineExceeded.
Result<void> SendMail(const SmtpRequest& request);

}  // namespace im::net

// The outbound HTTP client interface: connectors and the simulators' webhook delivery send
// requests through it, and tests swap in a loopback server or a fake.
#pragma once

#include <chrono>
#include <string>

#include "common/error.h"
#include "net/http_message.h"

namespace im::net {

struct ClientRequest {
  std::string method = "GET";
  std::string url;  // absolute: "http://127.0.0.1:8080/path?x=1"
  Headers headers;
  std::string body;
  std::chrono::milliseconds timeout{10000};  // whole request, connect included
  // Connecting alone (the TCP and TLS handshakes); 0: only `timeout` bounds it.
  std::chrono::milliseconds connect_timeout{0};
};

// Sends one request and returns whatever status the peer answered (a 500 is a response, not an
// error). Errors: kUnavailable when the peer cannot be reached or the connection broke,
// kDeadlineExceeded when `timeout` passed, kInvalidArgument for a malformed URL.
// Implementations are safe to call from several threads at once.
class HttpClient {
 public:
  virtual ~HttpClient() = default;
  virtual Result<HttpResponse> Send(const ClientRequest& request) = 0;
};

}  // namespace im::net

// Calls a router's handler in-process, as the server would (path params, decoded query), and
// records what a simulator sends out (webhooks).
#pragma once

#include <string>

#include "http/router.h"
#include "net/http_client.h"
#include "net/http_message.h"

namespace im::sim::testing {

// An HTTP client that keeps every request it is sent and answers each with `status`.
class RecordingClient final : public net::HttpClient {
 public:
  explicit RecordingClient(int answer = 200) : status(answer) {}
  Result<net::HttpResponse> Send(const net::ClientRequest& req) override {
    sent.push_back(req);
    net::HttpResponse res;
    res.status = status;
    return res;
  }
  std::vector<net::ClientRequest> sent;
  int status;  // what every receiver answers
};

inline net::HttpResponse Call(const http::Router& router, const std::string& method,
                              const std::string& target, net::Headers headers = {},
                              std::string body = "", std::string remote = "") {
  net::HttpRequest req;
  req.remote = std::move(remote);  // "ADDRESS:PORT", as the server fills it
  req.method = method;
  req.target = target;
  size_t q = target.find('?');
  req.path = target.substr(0, q);
  if (q != std::string::npos) req.query = net::ParseQuery(target.substr(q + 1));
  req.headers = std::move(headers);
  req.body = std::move(body);
  http::RouteMatch m = router.Find(method, req.path);
  if (!m.route) {
    net::HttpResponse res;
    res.status = m.path_matched ? 405 : 404;
    return res;
  }
  req.params = m.params;
  return m.route->handler(req);
}

}  // namespace im::sim::testing

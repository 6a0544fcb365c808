// Maps method + path pattern ("/api/v1/incidents/{id}/ack") to a handler. Handlers take and
// return plain net::HttpRequest/HttpResponse values and never see the HTTP library.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "net/http_message.h"

namespace im::http {

using Handler = std::function<net::HttpResponse(const net::HttpRequest&)>;
// Answers a request once, from any thread. A Responder dropped without answering answers 500,
// so a request can never be left hanging.
using Responder = std::function<void(net::HttpResponse)>;
// A handler that answers later without holding a thread while it waits (webhooks: the answer
// comes once the store's group commit is durable). It runs on a network thread and must not
// block; the request stays valid until it answers.
using AsyncHandler = std::function<void(const net::HttpRequest&, Responder)>;

struct RouteOptions {
  // A handler that may wait (on disk, on another service) runs on the worker pool rather than
  // on a network thread. Reads of the local store are quick and run inline.
  bool blocking = false;
};

struct Route {
  std::string method;
  std::string pattern;
  std::vector<std::string> segments;
  Handler handler;  // set for Add
  RouteOptions options;
  AsyncHandler async_handler;  // set for AddAsync
};

struct RouteMatch {
  const Route* route = nullptr;  // null: no route
  bool path_matched = false;     // some route has this path but another method (→ 405)
  std::map<std::string, std::string> params;
};

// Runs before every matched route's handler: an answer it returns is sent instead (access
// rules that hold for many routes, such as reads needing a login). It runs on a network thread.
using Guard =
    std::function<std::optional<net::HttpResponse>(const net::HttpRequest&, const Route&)>;

class Router {
 public:
  // Registering the same method and pattern twice is a programming error and aborts.
  void Add(std::string method, std::string pattern, Handler handler, RouteOptions options = {});
  void AddAsync(std::string method, std::string pattern, AsyncHandler handler);
  // Matches `path` ("/api/v1/incidents/INC-4"); literal segments win over parameters.
  RouteMatch Find(std::string_view method, std::string_view path) const;
  const std::vector<Route>& routes() const { return routes_; }
  void SetGuard(Guard guard) { guard_ = std::move(guard); }
  const Guard& guard() const { return guard_; }

 private:
  void Insert(Route route);
  std::vector<Route> routes_;
  Guard guard_;
};

}  // namespace im::http

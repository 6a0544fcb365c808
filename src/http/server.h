// The inbound HTTP/1.1 server (Boost.Beast, kept inside server.cc): keep-alive, a request body
// limit, read/write/idle timeouts, and a graceful stop that lets in-flight requests finish.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "common/clock.h"
#include "common/error.h"
#include "http/metrics.h"
#include "http/router.h"

namespace im::http {

struct AccessLogEntry {
  std::string remote;
  std::string method;
  std::string target;
  std::string route;  // pattern, or "" when none matched
  int status = 0;
  size_t bytes = 0;
  Duration latency{};
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0 picks a free port (tests)
  size_t body_limit = 1 << 20;
  std::chrono::seconds read_timeout{30};   // to receive a whole request once it has started
  std::chrono::seconds write_timeout{30};  // to send a response
  std::chrono::seconds idle_timeout{75};   // keep-alive connection with no request
  std::chrono::seconds shutdown_grace{15};
  int io_threads = 2;
  int worker_threads = 16;  // for blocking handlers
  std::function<void(const AccessLogEntry&)> access_log;
};

class Server {
 public:
  // `router` and `metrics` (may be null) must outlive the server.
  Server(ServerOptions options, const Router& router, Metrics* metrics);
  ~Server();

  // Binds and starts serving on background threads. After it returns, port() is the bound port.
  Result<void> Start();
  uint16_t port() const { return port_; }

  // Stops accepting, closes idle connections, lets in-flight requests finish (up to
  // shutdown_grace), then joins the threads. Safe to call twice.
  void Stop();

  // From now on SIGINT and SIGTERM are caught for RunUntilSignal instead of killing the
  // process: call it before announcing the server, so a signal sent right after the
  // announcement still stops it gracefully. Safe to call twice.
  void CatchSignals();
  // Blocks until SIGINT or SIGTERM arrives (catching them now if CatchSignals was not called),
  // then calls Stop().
  void RunUntilSignal();

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
  uint16_t port_ = 0;
};

}  // namespace im::http

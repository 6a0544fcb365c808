// Serving a simulator as `im sim PROVIDER` does: its routes on an HTTP server on host:port and
// its webhook deliveries running, until SIGINT or SIGTERM.
#pragma once

#include <functional>
#include <string>

#include "common/error.h"
#include "sim/common/webhook_queue.h"

namespace im::http {
class Router;
}

namespace im::sim {

// `add_routes` puts the simulator's routes on the server's router; `listening` gets the base
// URL once the server takes connections (signals are caught by then, so whoever reads the URL
// may signal at once). Returns when a signal arrived, or the error that kept it from starting.
Result<void> ServeUntilSignal(const std::function<void(http::Router&)>& add_routes,
                              WebhookQueue& webhooks, const std::string& host, int port,
                              const std::function<void(const std::string& url)>& listening);

}  // namespace im::sim

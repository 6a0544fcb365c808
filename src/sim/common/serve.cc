#include "sim/common/serve.h"

#include "http/router.h"
#include "http/server.h"

namespace im::sim {

Result<void> ServeUntilSignal(const std::function<void(http::Router&)>& add_routes,
                              WebhookQueue& webhooks, const std::string& host, int port,
                              const std::function<void(const std::string&)>& listening) {
  http::Router router;
  add_routes(router);
  http::Server server({.host = host, .port = static_cast<uint16_t>(port)}, router, nullptr);
  if (auto ok = server.Start(); !ok) return ok;
  webhooks.Start();
  server.CatchSignals();  // before the URL is told: whoever reads it may signal at once
  listening("http://" + host + ":" + std::to_string(server.port()));
  server.RunUntilSignal();
  webhooks.Stop();
  return Ok();
}

}  // namespace im::sim

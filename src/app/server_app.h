// The running server: the HTTP API over the store, the SLA sweep, logs and metrics, wired
// from a Config. `im serve` runs one until a signal; integration tests start one on port 0.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "app/config.h"
#include "app/connector_runtime.h"
#include "app/logging.h"
#include "app/runtime.h"
#include "connectors/outbox_sender.h"
#include "http/api/api.h"
#include "http/api/events_api.h"
#include "http/api/monitors_api.h"
#include "http/server.h"
#include "monitor/scheduler.h"
#include "net/curl_http_client.h"
#include "notify/ack_link.h"
#include "notify/escalator.h"
#include "notify/rule_book.h"

namespace im::app {

class ServerApp {
 public:
  explicit ServerApp(Runtime& runtime);
  ~ServerApp();

  // Binds (port 0 picks one) and starts serving and sweeping.
  Result<void> Start();
  uint16_t port() const { return server_ ? server_->port() : 0; }
  std::string url() const;
  // See http::Server::CatchSignals: call before announcing the URL.
  void CatchSignals();
  void RunUntilSignal();
  void Stop();
  const http::Router& router() const { return router_; }

 private:
  void SweepLoop();
  // Ends the webhook secret rotations whose new secret is in use (connectors::Manager).
  void RetireWebhookSecrets();
  // Syncs every connector whose sync_interval has passed (the first sync imports history).
  void PollLoop();
  void RenderMonitorMetrics(std::string& out);

  Runtime& rt_;
  http::Metrics metrics_;
  http::Router router_;
  std::unique_ptr<http::api::ApiContext> ctx_;
  std::unique_ptr<http::api::IncidentEvents> events_feed_;  // /api/v1/events
  std::unique_ptr<http::Server> server_;
  std::shared_ptr<spdlog::logger> http_log_;
  std::shared_ptr<spdlog::logger> sla_log_;
  std::string host_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // GUARDED_BY(mu_)
  std::thread sweeper_;
  std::unique_ptr<ConnectorRuntime> connectors_;
  std::unique_ptr<connectors::OutboxSender> outbox_;
  std::thread poller_;
  // Uptime monitors: checks on their interval, channel sends, the Events v2 endpoint.
  std::unique_ptr<net::CurlHttpClient> channel_http_;
  std::optional<connectors::SecretBox> channel_box_;
  std::unique_ptr<monitor::ChannelOutbox> channel_outbox_;
  std::unique_ptr<monitor::Channels> channels_;
  std::unique_ptr<monitor::EventsIngest> events_;
  std::unique_ptr<http::api::MonitorApiContext> monitor_ctx_;
  std::unique_ptr<monitor::Scheduler> scheduler_;
  // im's own escalation and its acknowledge links (docs/notifications.md).
  std::unique_ptr<notify::AckLinks> ack_links_;
  std::unique_ptr<notify::Escalator> escalator_;
  std::unique_ptr<notify::RuleBook> rule_book_;  // /api/v1/notify
};

}  // namespace im::app

// The running server: the HTTP API over the store, the SLA sweep, logs and metrics, wired
// from a Config. `im serve` runs one until a signal; integration tests start one on port 0.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "app/config.h"
#include "app/connector_runtime.h"
#include "app/jobs.h"
#include "app/logging.h"
#include "app/runtime.h"
#include "connectors/outbox_sender.h"
#include "http/api/api.h"
#include "http/api/events_api.h"
#include "http/api/instances_api.h"
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
  // The jobs run once across instances (app/jobs.h), each under its claim.
  void AddJobs();
  // Ends the webhook secret rotations whose new secret is in use (connectors::Manager).
  void RetireWebhookSecrets();
  // A connector's webhook follow-ups, and its sync once its sync_interval passed (the first
  // sync imports history): the job "poll:<name>".
  void PollConnector(const std::string& name);
  // Compares open incidents on both sides and repairs drift: the job "reconcile:<name>".
  void ReconcileConnector(const std::string& name);
  // On this instance alone, every second: keeps a poll and a reconcile job per connector
  // (connectors are added and removed by the CLI and other instances) and flushes the logs.
  void WatchLoop();
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
  std::unique_ptr<Jobs> jobs_;
  std::unique_ptr<http::api::InstancesApiContext> instances_ctx_;  // /api/v1/instances
  std::thread watcher_;
  std::unique_ptr<ConnectorRuntime> connectors_;
  std::unique_ptr<connectors::OutboxSender> outbox_;
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

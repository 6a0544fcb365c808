#include "app/server_app.h"

#include <fmt/format.h>

#include "app/secrets.h"
#include "common/time.h"

#include "http/api/ack_api.h"
#include "http/api/connectors_api.h"
#include "http/api/notify_api.h"
#include "http/api/openapi.h"
#include "http/dashboard/dashboard.h"
#include "http/status.h"

namespace im::app {

ServerApp::ServerApp(Runtime& rt) : rt_(rt) {
  http_log_ = rt_.logs->For("http");
  sla_log_ = rt_.logs->For("sla");
  ctx_ = std::make_unique<http::api::ApiContext>(http::api::ApiContext{
      .store = *rt_.store,
      .incidents = *rt_.incidents,
      .tokens = *rt_.tokens,
      .schedules = *rt_.schedules,
      .oncall = *rt_.oncall,
      .clock = rt_.clock,
      .render_metrics =
          [this](std::string& out) {
            auto counts = rt_.store->CountIncidents();
            if (!counts) return;
            out += "# HELP im_incidents Incidents in the store, by status and severity.\n";
            out += "# TYPE im_incidents gauge\n";
            for (const auto& [status, by_sev] : counts->by_status_severity) {
              for (const auto& [sev, n] : by_sev) {
                out += fmt::format("im_incidents{{status=\"{}\",severity=\"{}\"}} {}\n", status,
                                   sev, n);
              }
            }
            out += "# HELP im_sla_breaches_total SLA breaches recorded on incident timelines.\n";
            out += "# TYPE im_sla_breaches_total counter\n";
            out += fmt::format("im_sla_breaches_total {}\n", counts->sla_breaches);
            RenderMonitorMetrics(out);
            if (!connectors_) return;
            auto list = connectors_->store->List();
            if (!list || list->empty()) return;
            out +=
                "# HELP im_connector_outbox Outbound changes per connector: waiting to be "
                "sent, or parked after failing for good or too often.\n";
            out += "# TYPE im_connector_outbox gauge\n";
            for (const auto& c : *list) {
              auto box = connectors_->store->Outbox(c.name, rt_.clock.Now());
              if (!box) continue;
              out += fmt::format("im_connector_outbox{{connector=\"{}\",state=\"pending\"}} {}\n",
                                 c.name, box->pending);
              out += fmt::format("im_connector_outbox{{connector=\"{}\",state=\"parked\"}} {}\n",
                                 c.name, box->parked);
            }
          },
      .openapi_json = http::api::OpenApiDocument(),
      .deployments = rt_.deployments.get(),
      .deployment_secrets = &rt_.config.dora.webhook_secrets,
  });
  http::api::AddIncidentRoutes(router_, *ctx_);
  http::api::AddServiceRoutes(router_, *ctx_);
  http::api::AddOncallRoutes(router_, *ctx_);
  http::api::AddDoraRoutes(router_, *ctx_);
  http::api::AddReportRoutes(router_, *ctx_);
  http::api::AddSystemRoutes(router_, *ctx_, &metrics_);
  http::api::AddSessionRoutes(router_, *ctx_);
  events_feed_ = std::make_unique<http::api::IncidentEvents>(*ctx_, std::chrono::milliseconds(200));
  http::api::AddEventRoutes(router_, *ctx_, *events_feed_);
  http::dashboard::AddDashboardRoutes(router_);
  if (rt_.config.http_reads_need_login) {
    // Reads of /api/v1 need a token or a session; the dashboard's pages and files, the login
    // itself, heartbeat pings (GET, authenticated by their own token), the health checks,
    // /metrics and the OpenAPI document stay open.
    router_.SetGuard([this](const net::HttpRequest& req,
                            const http::Route& route) -> std::optional<net::HttpResponse> {
      if (req.method != "GET" && req.method != "HEAD") return std::nullopt;
      if (!route.pattern.starts_with("/api/v1/") || route.pattern.starts_with("/api/v1/sessions") ||
          route.pattern == "/api/v1/monitors/heartbeat/{token}") {
        return std::nullopt;
      }
      if (auto ok = http::api::AuthorizeRead(req, *rt_.tokens); !ok) {
        return http::ErrorResponse(ok.error());
      }
      return std::nullopt;
    });
  }
  channel_http_ = std::make_unique<net::CurlHttpClient>();
  if (auto box = OpenSecretBox(rt_.config); box) {
    channel_box_.emplace(std::move(*box));
    rt_.tokens->EnableSessions(channel_box_->DeriveKey("im dashboard sessions v1"));
  } else {
    http_log_->error("channels cannot open their secrets: {}", box.error().message);
  }
  const monitor::ChannelContext channel_ctx{.http = *channel_http_,
                                            .box = channel_box_ ? &*channel_box_ : nullptr,
                                            .notify = rt_.notify_store,
                                            .incidents = rt_.store,
                                            .clock = &rt_.clock};
  channel_outbox_ = std::make_unique<monitor::ChannelOutbox>(
      *rt_.monitor_store, *rt_.connector_store, channel_ctx, rt_.clock, rt_.logs->For("channel"));
  auto install_id = rt_.store->InstallId();
  channels_ = std::make_unique<monitor::Channels>(*rt_.monitor_store, *channel_outbox_, channel_ctx,
                                                  rt_.clock, install_id ? *install_id : "");
  events_ = std::make_unique<monitor::EventsIngest>(*rt_.monitor_store, rt_.clock);
  scheduler_ = std::make_unique<monitor::Scheduler>(*rt_.monitors, *channel_outbox_, rt_.clock,
                                                    rt_.logs->For("monitor"));
  monitor_ctx_ = std::make_unique<http::api::MonitorApiContext>(
      http::api::MonitorApiContext{.monitors = *rt_.monitors,
                                   .channels = *channels_,
                                   .events = *events_,
                                   .tokens = *rt_.tokens,
                                   .kick = [this] { scheduler_->KickChannels(); }});
  http::api::AddMonitorRoutes(router_, *monitor_ctx_);
  if (channel_box_) {
    ack_links_ = std::make_unique<notify::AckLinks>(channel_box_->DeriveKey("ack-link"), rt_.clock);
    http::api::AddAckRoutes(router_, *ack_links_, *rt_.incidents);
  }
  rule_book_ = std::make_unique<notify::RuleBook>(*rt_.notify_store, *rt_.monitor_store, rt_.clock,
                                                  rt_.notifier->options().config_rules);
  http::api::AddNotifyRoutes(router_, *rule_book_, *rt_.tokens);
  escalator_ = std::make_unique<notify::Escalator>(
      *rt_.store, *rt_.notify_store, *rt_.monitor_store, *rt_.oncall, ack_links_.get(), rt_.clock,
      notify::EscalatorOptions{.install_id = install_id ? *install_id : "",
                               .public_url = rt_.config.public_url,
                               .channels = rt_.notifier->options().escalation_channels},
      rt_.logs->For("escalation"));
  auto connectors = OpenConnectors(rt_);
  if (connectors) {
    connectors_ = std::move(*connectors);
    http::api::AddConnectorRoutes(router_, *connectors_->manager, *connectors_->store, rt_.clock,
                                  rt_.logs->For("webhook"), *rt_.tokens);
  } else {
    http_log_->error("connectors are disabled: {}", connectors.error().message);
  }
}

ServerApp::~ServerApp() { Stop(); }

void ServerApp::RenderMonitorMetrics(std::string& out) {
  if (!scheduler_ || !channel_outbox_) return;
  auto st = scheduler_->stats();
  out += "# HELP im_monitor_checks_total Monitor checks run by this process.\n";
  out += "# TYPE im_monitor_checks_total counter\n";
  out += fmt::format("im_monitor_checks_total {}\n", st.checks);
  out += fmt::format("im_monitor_check_failures_total {}\n", st.failures);
  out += fmt::format("im_monitor_checks_late_total {}\n", st.late_over_2s);
  out += fmt::format("im_monitor_check_lateness_max_seconds {:.3f}\n",
                     std::chrono::duration<double>(st.max_lateness).count());
  out += "# HELP im_monitor_check_lateness_seconds How long after it was due a check started.\n";
  out += "# TYPE im_monitor_check_lateness_seconds histogram\n";
  for (size_t i = 0; i < std::size(monitor::SchedulerStats::kLatenessBounds); ++i) {
    out += fmt::format("im_monitor_check_lateness_seconds_bucket{{le=\"{}\"}} {}\n",
                       monitor::SchedulerStats::kLatenessBounds[i], st.lateness_le[i]);
  }
  out += fmt::format("im_monitor_check_lateness_seconds_bucket{{le=\"+Inf\"}} {}\n",
                     st.lateness_le[6]);
  out += fmt::format("im_monitor_check_lateness_seconds_sum {:.3f}\n", st.lateness_sum_seconds);
  out += fmt::format("im_monitor_check_lateness_seconds_count {}\n", st.lateness_le[6]);
  auto health = channel_outbox_->Health();
  if (!health || health->empty()) return;
  out += "# HELP im_channel_outbox Channel notifications waiting or parked.\n";
  out += "# TYPE im_channel_outbox gauge\n";
  for (const auto& h : *health) {
    out += fmt::format("im_channel_outbox{{channel=\"{}\",state=\"pending\"}} {}\n", h.name,
                       h.pending);
    out +=
        fmt::format("im_channel_outbox{{channel=\"{}\",state=\"parked\"}} {}\n", h.name, h.parked);
    out += fmt::format("im_channel_failing{{channel=\"{}\"}} {}\n", h.name, h.failing ? 1 : 0);
  }
}

Result<void> ServerApp::Start() {
  auto listen = ParseListen(rt_.config.listen);
  if (!listen) return std::unexpected(listen.error());
  host_ = listen->first;
  const Config& c = rt_.config;
  auto log = http_log_;
  server_ = std::make_unique<http::Server>(
      http::ServerOptions{
          .host = listen->first,
          .port = listen->second,
          .body_limit = c.http_body_limit,
          .read_timeout = c.http_read_timeout,
          .write_timeout = c.http_write_timeout,
          .idle_timeout = c.http_idle_timeout,
          .io_threads = c.http_io_threads,
          .worker_threads = c.http_worker_threads,
          .access_log =
              [log](const http::AccessLogEntry& e) {
                if (!log->should_log(spdlog::level::info)) return;
                log->info("{} {} {} {} {}B {:.3f}ms", e.remote, e.method, e.target, e.status,
                          e.bytes, std::chrono::duration<double, std::milli>(e.latency).count());
              },
      },
      router_, &metrics_);
  events_feed_->Start();
  if (auto ok = server_->Start(); !ok) return ok;
  http_log_->info("listening on {}", url());
  sweeper_ = std::thread([this] { SweepLoop(); });
  for (const auto& definition : rt_.config.monitors) {
    if (auto v = rt_.monitors->Declare(definition); !v) {
      return std::unexpected(v.error().Wrap("monitors in " + rt_.config.config_file));
    }
  }
  scheduler_->Start();
  rt_.notifier->SetOnQueued([this] { scheduler_->KickChannels(); });
  if (connectors_) {
    outbox_ = std::make_unique<connectors::OutboxSender>(*connectors_->store, *connectors_->manager,
                                                         rt_.logs->For("connector"));
    rt_.incidents->SetOnQueued([this] { outbox_->Kick(); });
    outbox_->Start();
    poller_ = std::thread([this] { PollLoop(); });
  }
  return Ok();
}

std::string ServerApp::url() const {
  std::string host = host_ == "0.0.0.0" ? "127.0.0.1" : host_;
  return "http://" + host + ":" + std::to_string(port()) + "/";
}

void ServerApp::SweepLoop() {
  std::unique_lock lock(mu_);
  auto next_sweep = std::chrono::steady_clock::now();
  while (!stopping_) {
    lock.unlock();
    // The end of webhook secret rotations, here rather than in the poller, which may wait
    // minutes for an unreachable provider.
    if (connectors_) RetireWebhookSecrets();
    // Every second: escalation steps that are due (each in its own transaction).
    if (auto steps = escalator_->RunDue(); !steps) {
      sla_log_->error("escalation: {}", steps.error().message);
    } else if (*steps > 0) {
      scheduler_->KickChannels();
    }
    if (std::chrono::steady_clock::now() >= next_sweep) {
      auto n = rt_.incidents->SweepSla();
      if (!n) {
        sla_log_->error("SLA sweep failed: {}", n.error().message);
      } else if (*n > 0) {
        sla_log_->warn("recorded {} SLA breach(es)", *n);
      }
      next_sweep = std::chrono::steady_clock::now() + rt_.config.sla_sweep_interval;
    }
    rt_.logs->Flush();
    lock.lock();
    cv_.wait_for(lock, std::chrono::seconds(1), [&] { return stopping_; });
  }
  rt_.logs->Flush();
}

void ServerApp::RetireWebhookSecrets() {
  auto log = rt_.logs->For("connector");
  auto list = connectors_->store->List();
  for (const auto& stored : list ? *list : std::vector<store::StoredConnector>{}) {
    if (auto retired = connectors_->manager->RetireWebhookSecrets(stored.name); !retired) {
      log->error("connector {}: retiring old webhook secrets: {}", stored.name,
                 retired.error().message);
    } else if (*retired) {
      log->info("connector {}: the new webhook secret is in use; the old ones are dropped",
                stored.name);
    }
  }
}

void ServerApp::PollLoop() {
  auto log = rt_.logs->For("connector");
  std::map<std::string, Time> reconciled;  // connector → last reconcile
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    auto list = connectors_->store->List();
    for (const auto& stored : list ? *list : std::vector<store::StoredConnector>{}) {
      auto connector = connectors_->manager->Shared(stored.name);
      if (!connector) {
        log->error("connector {}: {}", stored.name, connector.error().message);
        continue;
      }
      // Every second: the incidents webhook events asked to fetch again.
      if (auto fetched = (*connector)->FollowUp(); !fetched) {
        log->error("connector {}: fetching what webhooks asked for: {}", stored.name,
                   fetched.error().message);
      }
      // The outbox is sent by OutboxSender, on its own thread; while a change of an incident
      // waits there, what a poll reads about that incident is not applied.
      const auto& config = (*connector)->config();
      if (config.direction == connectors::Direction::kOutbound) continue;
      Time now = rt_.clock.Now();
      // Every 5 minutes, compare open incidents on both sides and repair drift.
      if (auto& last = reconciled[stored.name]; now - last >= std::chrono::minutes(5)) {
        last = now;
        auto rec = (*connector)->Reconcile();
        if (!rec) {
          log->error("connector {} reconcile: {}", stored.name, rec.error().message);
        } else if (!rec->repaired.empty()) {
          log->warn("connector {} reconcile compared {} and repaired {}", stored.name,
                    rec->compared, rec->repaired.size());
        }
      }
      if (stored.last_sync_at && now - *stored.last_sync_at < config.sync_interval) continue;
      auto report = (*connector)->Sync({});
      if (!report) {
        log->error("connector {} sync failed: {}", stored.name, report.error().message);
      } else {
        log->info("connector {} synced {} incidents, {} log entries in {}", stored.name,
                  report->incidents, report->log_entries, FormatDuration(report->took));
      }
      std::lock_guard check(mu_);
      if (stopping_) break;
    }
    lock.lock();
    // Every second: each connector's sync interval and the reconcile are checked.
    cv_.wait_for(lock, std::chrono::seconds(1), [&] { return stopping_; });
  }
}

void ServerApp::CatchSignals() {
  if (server_) server_->CatchSignals();
}

void ServerApp::RunUntilSignal() {
  server_->RunUntilSignal();
  Stop();
}

void ServerApp::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  // Readers of /api/v1/events get their answer now: the server waits for every owed answer.
  if (events_feed_) events_feed_->Stop();
  if (server_) {
    http_log_->info("shutting down: finishing in-flight requests");
    server_->Stop();
  }
  if (sweeper_.joinable()) sweeper_.join();
  rt_.notifier->SetOnQueued(nullptr);
  if (scheduler_) scheduler_->Stop();
  // A sync or outbox send waiting out a retry backoff or the rate limit gives up now (what it
  // had not stored is fetched again, what it had not sent stays queued, on the next start).
  if (connectors_) connectors_->waiter->Cancel();
  if (poller_.joinable()) poller_.join();
  if (outbox_) {
    rt_.incidents->SetOnQueued(nullptr);  // no request is in flight any more
    outbox_->Stop();
  }
  http_log_->info("stopped");
}

}  // namespace im::app

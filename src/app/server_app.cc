#include "app/server_app.h"

#include <fmt/format.h>

#include "app/secrets.h"
#include "common/time.h"
#include "common/version.h"

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
            if (jobs_) {
              out += "# HELP im_job_runs_total Runs of each background job on this instance.\n";
              out += "# TYPE im_job_runs_total counter\n";
              for (const auto& [job, n] : jobs_->RunCounts()) {
                out += fmt::format("im_job_runs_total{{job=\"{}\"}} {}\n", job, n);
              }
              out += "# HELP im_instances_live Instances alive on this database.\n";
              out += "# TYPE im_instances_live gauge\n";
              out += fmt::format("im_instances_live {}\n", jobs_->LiveCount());
            }
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
  jobs_ = std::make_unique<Jobs>(
      *rt_.stores.jobs, rt_.clock,
      JobsOptions{
          .version = std::string(kVersion),
          .modules = rt_.config.job_modules.empty() ? JobModuleVersions() : rt_.config.job_modules,
          .heartbeat = rt_.config.instance_heartbeat,
          .ttl = rt_.config.job_claim_ttl,
          .instance_ttl = rt_.config.instance_ttl},
      rt_.logs->For("jobs"));
  instances_ctx_ = std::make_unique<http::api::InstancesApiContext>(
      http::api::InstancesApiContext{.jobs = *rt_.stores.jobs,
                                     .clock = rt_.clock,
                                     .instance_ttl = rt_.config.instance_ttl,
                                     .self = jobs_->id()});
  http::api::AddInstanceRoutes(router_, *instances_ctx_);
  // Each instance checks the monitors of its shard; retention is a job of its own.
  scheduler_ = std::make_unique<monitor::Scheduler>(
      *rt_.monitors, *channel_outbox_, rt_.clock, rt_.logs->For("monitor"),
      monitor::SchedulerOptions{.prune_every = Duration::max(), .owns = [this](int64_t id) {
                                  return jobs_->OwnsShard("monitors", id);
                                }});
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
  // Every instance on one database seals secrets with the same key, or what one sealed the
  // others cannot open: a differing IM_SECRET_KEY is refused before anything runs.
  if (channel_box_) {
    if (auto ok = CheckSecretKey(*channel_box_, *rt_.stores.jobs); !ok) return ok;
  }
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
  if (auto ok = jobs_->Start(); !ok) return ok;
  AddJobs();
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
  }
  watcher_ = std::thread([this] { WatchLoop(); });
  return Ok();
}

std::string ServerApp::url() const {
  std::string host = host_ == "0.0.0.0" ? "127.0.0.1" : host_;
  return "http://" + host + ":" + std::to_string(port()) + "/";
}

void ServerApp::AddJobs() {
  // Every second: escalation steps that are due (each in its own transaction).
  jobs_->Add({.name = "escalation", .module = "escalation", .run = [this] {
                if (auto steps = escalator_->RunDue(); !steps) {
                  sla_log_->error("escalation: {}", steps.error().message);
                } else if (*steps > 0) {
                  scheduler_->KickChannels();
                }
              }});
  jobs_->Add(
      {.name = "sla-sweep", .module = "sla", .every = rt_.config.sla_sweep_interval, .run = [this] {
         auto n = rt_.incidents->SweepSla();
         if (!n) {
           sla_log_->error("SLA sweep failed: {}", n.error().message);
         } else if (*n > 0) {
           sla_log_->warn("recorded {} SLA breach(es)", *n);
         }
       }});
  jobs_->Add(
      {.name = "retention", .module = "retention", .every = std::chrono::hours(1), .run = [this] {
         if (auto n = rt_.monitors->Prune(); !n) {
           sla_log_->error("monitors: pruning old check results: {}", n.error().message);
         }
       }});
  // Attributes the incidents added since the last run to deployments (docs/dora.md), so the
  // first DORA read after a start, an import or a burst of incidents does not do it while a
  // person waits. Every read of attributions still catches up first.
  jobs_->Add({.name = "dora-attribution",
              .module = "dora",
              .every = std::chrono::seconds(10),
              .run = [this] {
                if (auto n = rt_.deployment_store->CatchUp(); !n) {
                  rt_.logs->For("dora")->error("attributing new incidents to deployments: {}",
                                               n.error().message);
                }
              }});
  if (connectors_) {
    // The end of webhook secret rotations, apart from the polls, which may wait minutes for
    // an unreachable provider.
    jobs_->Add({.name = "webhook-secret-retire", .module = "webhook-secrets", .run = [this] {
                  RetireWebhookSecrets();
                }});
  }
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

void ServerApp::PollConnector(const std::string& name) {
  auto log = rt_.logs->For("connector");
  auto connector = connectors_->manager->Shared(name);
  if (!connector) {
    log->error("connector {}: {}", name, connector.error().message);
    return;
  }
  // The incidents webhook events asked to fetch again.
  if (auto fetched = (*connector)->FollowUp(); !fetched) {
    log->error("connector {}: fetching what webhooks asked for: {}", name, fetched.error().message);
  }
  // The outbox is sent by OutboxSender, on its own thread; while a change of an incident
  // waits there, what a poll reads about that incident is not applied.
  const auto& config = (*connector)->config();
  if (config.direction == connectors::Direction::kOutbound) return;
  auto stored = connectors_->store->Get(name);
  if (!stored) return;
  if (stored->last_sync_at && rt_.clock.Now() - *stored->last_sync_at < config.sync_interval) {
    return;
  }
  auto report = (*connector)->Sync({});
  if (!report) {
    log->error("connector {} sync failed: {}", name, report.error().message);
  } else {
    log->info("connector {} synced {} incidents, {} log entries in {}", name, report->incidents,
              report->log_entries, FormatDuration(report->took));
  }
}

void ServerApp::ReconcileConnector(const std::string& name) {
  auto log = rt_.logs->For("connector");
  auto connector = connectors_->manager->Shared(name);
  if (!connector) return;  // PollConnector says why
  if ((*connector)->config().direction == connectors::Direction::kOutbound) return;
  auto rec = (*connector)->Reconcile();
  if (!rec) {
    log->error("connector {} reconcile: {}", name, rec.error().message);
  } else if (!rec->repaired.empty()) {
    log->warn("connector {} reconcile compared {} and repaired {}", name, rec->compared,
              rec->repaired.size());
  }
}

void ServerApp::WatchLoop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    if (connectors_) {
      std::set<std::string> want;
      auto list = connectors_->store->List();
      for (const auto& stored : list ? *list : std::vector<store::StoredConnector>{}) {
        want.insert("poll:" + stored.name);
        want.insert("reconcile:" + stored.name);
      }
      auto have = jobs_->Names();
      for (const auto& name : have) {
        bool per_connector = name.starts_with("poll:") || name.starts_with("reconcile:");
        if (list && per_connector && !want.contains(name)) jobs_->Remove(name);
      }
      for (const auto& name : want) {
        if (have.contains(name)) continue;
        if (name.starts_with("poll:")) {
          std::string connector = name.substr(5);
          // Every second: each connector on its own thread, so a 90-day import of one never
          // holds up another's polling.
          jobs_->Add({.name = name, .module = "connectors", .run = [this, connector] {
                        PollConnector(connector);
                      }});
        } else {
          std::string connector = name.substr(10);
          jobs_->Add({.name = name,
                      .module = "connectors",
                      .every = std::chrono::minutes(5),
                      .run = [this, connector] { ReconcileConnector(connector); }});
        }
      }
    }
    rt_.logs->Flush();
    lock.lock();
    cv_.wait_for(lock, std::chrono::seconds(1), [&] { return stopping_; });
  }
  rt_.logs->Flush();
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
  if (watcher_.joinable()) watcher_.join();
  rt_.notifier->SetOnQueued(nullptr);
  if (scheduler_) scheduler_->Stop();
  // A sync or outbox send waiting out a retry backoff or the rate limit gives up now (what it
  // had not stored is fetched again, what it had not sent stays queued, on the next start).
  if (jobs_) jobs_->RequestStop();
  if (connectors_) connectors_->waiter->Cancel();
  if (jobs_) jobs_->Stop();  // waits for runs in progress, lets go of claims, leaves
  if (outbox_) {
    rt_.incidents->SetOnQueued(nullptr);  // no request is in flight any more
    outbox_->Stop();
  }
  http_log_->info("stopped");
}

}  // namespace im::app

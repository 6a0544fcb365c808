#include "app/runtime.h"

#include <filesystem>

#include "app/notify_config.h"
#include "store/open.h"

namespace im::app {

Result<std::unique_ptr<Runtime>> OpenRuntime(const Config& config, bool log_to_file) {
  auto rt = std::make_unique<Runtime>();
  rt->config = config;
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) {
    return Fail(ErrorCode::kUnavailable, "cannot create data directory " + config.data_dir + ": " +
                                             ec.message() + " (choose another with --data-dir)");
  }
  auto logs = Logs::Open(config.log_level, config.log_format, log_to_file ? rt->LogPath() : "");
  if (!logs) return std::unexpected(logs.error());
  rt->logs = std::move(*logs);
  auto stores = store::Open(rt->DatabaseAddress(),
                            {.attribution = {.window = {.before = config.dora.window_before,
                                                        .after = config.dora.window_after},
                                             .environment = config.dora.environment},
                             .schema = config.schema},
                            rt->clock);
  if (!stores) return std::unexpected(stores.error());
  auto install_id = stores->main->InstallId();
  if (!install_id) return std::unexpected(install_id.error());
  rt->stores = std::move(*stores);
  rt->store = rt->stores.main.get();
  rt->schedules = rt->stores.schedules.get();
  rt->deployment_store = rt->stores.deployments.get();
  rt->monitor_store = rt->stores.monitors.get();
  rt->connector_store = rt->stores.connectors.get();
  rt->notify_store = rt->stores.notify.get();
  rt->incidents = std::make_unique<engine::Incidents>(*rt->store, rt->clock, config.sla);
  rt->tokens = std::make_unique<engine::Tokens>(*rt->store, rt->clock);
  rt->oncall = std::make_unique<engine::OnCall>(*rt->schedules, rt->clock);
  rt->deployments = std::make_unique<engine::Deployments>(
      *rt->deployment_store, rt->clock,
      engine::DoraSettings{.include_low_urgency = config.dora.include_low_urgency,
                           .zone = config.dora.zone});
  rt->monitors = std::make_unique<monitor::Monitors>(
      *rt->monitor_store, *rt->store, rt->clock,
      monitor::MonitorsOptions{.install_id = *install_id,
                               .public_url = config.public_url,
                               .retention = config.monitor_retention});
  auto notify_options = ReadNotifyConfig(config.notifications);
  if (!notify_options) {
    return std::unexpected(notify_options.error().Wrap("config file " + config.config_file));
  }
  notify_options->install_id = *install_id;
  notify_options->public_url = config.public_url;
  rt->notifier = std::make_unique<notify::Notifier>(*rt->store, *rt->oncall, rt->clock,
                                                    std::move(*notify_options));
  rt->store->SetIncidentObserver(rt->notifier.get());
  return rt;
}

Result<int> SeedDemoData(Runtime& rt) {
  auto existing = rt.store->ListIncidents({.limit = 1});
  if (!existing) return std::unexpected(existing.error());
  if (!existing->empty()) return 0;
  core::Actor alice{.email = "alice@example.com"};
  core::Actor bob{.email = "bob@example.com"};
  struct Demo {
    const char* title;
    core::Severity sev;
    std::vector<std::string> services;
    std::vector<engine::Action> actions;
  };
  const Demo demos[] = {
      {"Checkout returns 502 for 30% of requests",
       core::Severity::kSev1,
       {"api", "payments"},
       {engine::Action::kAcknowledge}},
      {"Replica lag above 5 minutes", core::Severity::kSev2, {"database"}, {}},
      {"Search latency p99 doubled",
       core::Severity::kSev3,
       {"search"},
       {engine::Action::kAcknowledge, engine::Action::kResolve}},
      {"Nightly export failed",
       core::Severity::kSev4,
       {"batch"},
       {engine::Action::kResolve, engine::Action::kClose}},
  };
  int added = 0;
  for (const auto& d : demos) {
    auto r =
        rt.incidents->Declare({.title = d.title, .severity = d.sev, .services = d.services}, alice);
    if (!r) return std::unexpected(r.error());
    for (auto action : d.actions) {
      if (auto ok = rt.incidents->Apply(r->incident.number, action, bob); !ok) {
        return std::unexpected(ok.error());
      }
    }
    ++added;
  }
  return added;
}

}  // namespace im::app

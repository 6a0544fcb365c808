// im integration add events|list: routing keys for senders of PagerDuty Events API v2
// (Alertmanager, Grafana, Zabbix), which then page im at POST /v2/enqueue unchanged.
#include <iostream>

#include "cli/context.h"
#include "common/time.h"
#include "monitor/events_ingest.h"

namespace im::cli {
namespace {

struct IntegrationAddOptions {
  std::string kind, service, severity_map, name;
};

int RunIntegrationAdd(GlobalOptions& g, const IntegrationAddOptions& o) {
  if (o.kind != "events") {
    return ReportError(
        {ErrorCode::kInvalidArgument,
         "unknown integration type '" + o.kind + "': use `im integration add events --service S`"});
  }
  if (auto ok = CheckServiceNames({o.service}, "--service"); !ok) return ReportError(ok.error());
  auto rt = OpenRuntime(g);
  if (!rt) return ReportError(rt.error());
  monitor::EventsIngest ingest(*(*rt)->monitor_store, (*rt)->clock);
  auto i = ingest.AddIntegration(o.service, o.severity_map, o.name);
  if (!i) return ReportError(i.error());
  if (g.json) {
    auto map = json::Parse(i->severity_map);
    PrintJson(json::object{{"routing_key", i->routing_key},
                           {"name", i->name},
                           {"service", i->service},
                           {"severity_map", map ? *map : json::value(nullptr)},
                           {"url", "/v2/enqueue"}});
  } else {
    std::cout << i->routing_key << "\n";
    std::cerr << "send PagerDuty Events API v2 events to <im URL>/v2/enqueue with this "
                 "routing_key; incidents go to service "
              << i->service << "\n";
  }
  return 0;
}

int RunIntegrationList(GlobalOptions& g) {
  auto rt = OpenRuntime(g);
  if (!rt) return ReportError(rt.error());
  auto list = (*rt)->monitor_store->ListIntegrations();
  if (!list) return ReportError(list.error());
  if (g.json) {
    json::array a;
    for (const auto& i : *list) {
      auto map = json::Parse(i.severity_map);
      a.push_back(json::object{{"routing_key", i.routing_key},
                               {"name", i.name},
                               {"service", i.service},
                               {"severity_map", map ? *map : json::value(nullptr)},
                               {"created_at", FormatTime(i.created_at)}});
    }
    PrintJson(json::object{{"integrations", std::move(a)}});
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& i : *list) {
    rows.push_back({i.name, "events", i.service, i.routing_key, i.severity_map});
  }
  PrintTable({"NAME", "TYPE", "SERVICE", "ROUTING KEY", "SEVERITY MAP"}, rows);
  return 0;
}

}  // namespace

void AddIntegrationCommands(CLI::App& root, GlobalOptions& g) {
  auto* integ = root.add_subcommand("integration", "Routing keys for Events API v2 senders");
  integ->require_subcommand(1);
  auto o = std::make_shared<IntegrationAddOptions>();
  auto* add = integ->add_subcommand("add",
                                    "im integration add events --service S: prints a "
                                    "32-character routing key");
  add->add_option("type", o->kind, "events")->required();
  add->add_option("--service", o->service, "Service of the incidents it opens")->required();
  add->add_option("--severity-map", o->severity_map,
                  "Event severity to im's, e.g. critical=SEV-1,error=SEV-2 (default: critical "
                  "SEV-1, error SEV-2, warning SEV-3, info SEV-4)");
  add->add_option("--name", o->name, "A name for it (default events-<service>)");
  add->callback([&g, o] { g.exit_code = RunIntegrationAdd(g, *o); });
  integ->add_subcommand("list", "List integrations and their routing keys")->callback([&g] {
    g.exit_code = RunIntegrationList(g);
  });
}

}  // namespace im::cli

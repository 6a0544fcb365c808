// im services [list] | im services add NAME [--description --team --owner]
#include <iostream>

#include "cli/context.h"
#include "common/time.h"
#include "core/email.h"
#include "core/incident_json.h"

namespace im::cli {
namespace {

int RunList(GlobalOptions& g) {
  auto rt = OpenRuntime(g);
  if (!rt) return ReportError(rt.error());
  auto services = (*rt)->store->ListServices();
  if (!services) return ReportError(services.error());
  if (g.json) {
    json::array items;
    for (const auto& s : *services) items.push_back(core::ServiceToJson(s));
    PrintJson(json::object{{"services", std::move(items)}});
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& s : *services) {
    rows.push_back({s.name, s.team, s.owner, s.description, FormatTime(s.created_at)});
  }
  PrintTable({"NAME", "TEAM", "OWNER", "DESCRIPTION", "CREATED"}, rows);
  return 0;
}

int RunAdd(GlobalOptions& g, core::Service s) {
  if (auto ok = core::ValidateServiceName(s.name); !ok) return ReportError(ok.error());
  if (!s.owner.empty()) {
    if (auto ok = core::ValidateEmail(s.owner, "owner"); !ok) return ReportError(ok.error());
  }
  auto rt = OpenRuntime(g);
  if (!rt) return ReportError(rt.error());
  s.created_at = (*rt)->clock.Now();
  if (auto ok = (*rt)->store->Transact([&](store::Tx& tx) { return tx.UpsertService(s); }); !ok) {
    return ReportError(ok.error());
  }
  auto stored = (*rt)->store->GetService(s.name);
  if (!stored) return ReportError(stored.error());
  if (g.json) {
    PrintJson(core::ServiceToJson(*stored));
  } else {
    std::cout << "service " << stored->name << " saved\n";
  }
  return 0;
}

}  // namespace

void AddServiceCommands(CLI::App& root, GlobalOptions& g) {
  auto* services = root.add_subcommand("services", "The service catalog");
  auto* list = services->add_subcommand("list", "List services (the default)");
  list->callback([&g] { g.exit_code = RunList(g); });
  auto svc = std::make_shared<core::Service>();
  auto* add = services->add_subcommand("add", "Add a service or update its details");
  add->add_option("name", svc->name, "Service name")->required();
  add->add_option("--description", svc->description);
  add->add_option("--team", svc->team);
  add->add_option("--owner", svc->owner, "Owner's email");
  add->callback([&g, svc] { g.exit_code = RunAdd(g, *svc); });
  services->callback([&g, services] {
    if (services->get_subcommands().empty()) g.exit_code = RunList(g);
  });
}

}  // namespace im::cli

// im deploy record | list | link | unlink | why: deployments and their attribution by hand.
#include <iostream>

#include "cli/context.h"
#include "common/crypto.h"
#include "common/time.h"
#include "core/incident.h"
#include "dora/deployment_json.h"

namespace im::cli {
namespace {

struct RecordOptions {
  std::string service, at, status = "success", commit, committed_at, finished_at, id, url;
  std::string environment{dora::kProduction};
};

Result<Time> TimeFlag(const std::string& text, const char* flag, Time now) {
  auto t = ParseTimeRelative(text, now);
  if (!t) return std::unexpected(t.error().Wrap(flag));
  return t;
}

void PrintAttribution(int64_t incident, const std::optional<store::Attribution>& a) {
  if (!a) {
    std::cout << core::IncidentId(incident) << ": no deployment (none in the window)\n";
  } else if (a->deployment_id.empty()) {
    std::cout << core::IncidentId(incident) << ": no deployment (" << a->explanation << ")\n";
  } else {
    std::cout << core::IncidentId(incident) << " → " << a->deployment_id << " (" << a->explanation
              << ")\n";
  }
}

json::object AttributionJson(int64_t incident, const std::optional<store::Attribution>& a) {
  const bool linked = a && !a->deployment_id.empty();
  return json::object{{"incident", core::IncidentId(incident)},
                      {"deployment", linked ? json::value(a->deployment_id) : json::value(nullptr)},
                      {"manual", a && a->manual},
                      {"explanation", a ? json::value(a->explanation) : json::value(nullptr)}};
}

int RunRecord(GlobalOptions& g, const RecordOptions& o) {
  if (auto ok = CheckServiceNames({o.service}, "--service"); !ok) return ReportError(ok.error());
  auto rt = OpenRuntime(g);
  if (!rt) return ReportError(rt.error());
  const Time now = (*rt)->clock.Now();
  dora::Deployment d{.service = o.service, .environment = o.environment, .url = o.url};
  auto at = TimeFlag(o.at, "--at", now);
  if (!at) return ReportError(at.error());
  d.triggered_at = *at;
  auto status = dora::ParseDeployStatus(o.status);
  if (!status) return ReportError(status.error().Wrap("--status"));
  d.status = *status;
  d.commit_sha = o.commit;
  for (auto [text, field, flag] : {std::tuple{&o.committed_at, &d.committed_at, "--committed-at"},
                                   std::tuple{&o.finished_at, &d.finished_at, "--finished-at"}}) {
    if (text->empty()) continue;
    auto t = TimeFlag(*text, flag, now);
    if (!t) return ReportError(t.error());
    *field = *t;
  }
  // Without --id, the same service, time and commit give the same id: recording twice is a no-op.
  d.id = !o.id.empty() ? o.id
                       : "cli-" + HexEncode(Sha256(o.service + "\n" + FormatTime(d.triggered_at) +
                                                   "\n" + o.commit))
                                      .substr(0, 16);
  auto r = (*rt)->deployments->Record(d, "cli:" + (*rt)->config.actor);
  if (!r) return ReportError(r.error());
  if (g.json) {
    PrintJson(json::object{{"deployment", dora::DeploymentToJson(r->deployment)},
                           {"duplicate", !r->created},
                           {"reattributed_incidents", r->reattributed}});
  } else {
    if (!r->created) std::cerr << "note: deployment " << d.id << " was already recorded\n";
    std::cout << r->deployment.id << "\n";
  }
  return 0;
}

struct ListOptions {
  std::vector<std::string> services;
  std::string since, until, environment;
  int64_t limit = 50;
};

int RunList(GlobalOptions& g, const ListOptions& o) {
  if (auto ok = CheckLimit(o.limit); !ok) return ReportError(ok.error());
  auto rt = OpenRuntime(g);
  if (!rt) return ReportError(rt.error());
  store::DeploymentFilter f{.services = SplitCommas(o.services), .limit = o.limit};
  if (auto ok = CheckServiceNames(f.services, "--service"); !ok) return ReportError(ok.error());
  if (!o.environment.empty()) f.environment = o.environment;
  const Time now = (*rt)->clock.Now();
  for (auto [text, field, flag] :
       {std::tuple{&o.since, &f.since, "--since"}, std::tuple{&o.until, &f.until, "--until"}}) {
    if (text->empty()) continue;
    auto t = TimeFlag(*text, flag, now);
    if (!t) return ReportError(t.error());
    *field = *t;
  }
  if (auto ok = CheckWindow(f.since, f.until); !ok) return ReportError(ok.error());
  auto list = (*rt)->deployment_store->List(f);
  if (!list) return ReportError(list.error());
  if (g.json) {
    json::array items;
    for (const auto& d : *list) items.push_back(dora::DeploymentToJson(d));
    PrintJson(json::object{{"deployments", std::move(items)}});
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& d : *list) {
    rows.push_back({d.id, d.service, d.environment, FormatTime(d.triggered_at),
                    std::string(dora::DeployStatusName(d.status)), d.commit_sha.substr(0, 12)});
  }
  PrintTable({"ID", "SERVICE", "ENVIRONMENT", "TRIGGERED", "STATUS", "COMMIT"}, rows);
  return 0;
}

struct LinkOptions {
  std::string incident, deployment;
  bool automatic = false;
};

// kind: "link", "unlink" or "why".
int RunLink(GlobalOptions& g, const LinkOptions& o, const std::string& kind) {
  auto number = core::ParseIncidentId(o.incident);
  if (!number) return ReportError(number.error());
  auto rt = OpenRuntime(g);
  if (!rt) return ReportError(rt.error());
  auto& deployments = *(*rt)->deployments;
  const std::string actor = (*rt)->config.actor;
  Result<std::optional<store::Attribution>> r = std::optional<store::Attribution>();
  if (kind == "why") {
    r = deployments.AttributionOf(*number);
  } else if (kind == "unlink") {
    r = deployments.Unlink(*number, actor);
  } else if (o.automatic) {
    r = deployments.Reset(*number);
  } else if (o.deployment.empty()) {
    return ReportError({ErrorCode::kInvalidArgument,
                        "give --deployment ID to link by hand, or --auto to apply the rule"});
  } else {
    r = deployments.Link(*number, o.deployment, actor);
  }
  if (!r) return ReportError(r.error());
  if (g.json) {
    PrintJson(AttributionJson(*number, *r));
  } else {
    PrintAttribution(*number, *r);
  }
  return 0;
}

}  // namespace

void AddDeployCommands(CLI::App& root, GlobalOptions& g) {
  auto* deploy = root.add_subcommand("deploy", "Deployments, for DORA metrics (docs/dora.md)");
  deploy->require_subcommand(1);

  auto rec = std::make_shared<RecordOptions>();
  auto* record = deploy->add_subcommand("record", "Record a deployment; prints its id");
  record->add_option("--service", rec->service, "The service deployed")->required();
  record->add_option("--at", rec->at, "When it was triggered: RFC 3339, or now, -2h")->required();
  record->add_option("--status", rec->status, "success (default) or failure");
  record->add_option("--commit", rec->commit, "Commit SHA");
  record->add_option("--committed-at", rec->committed_at, "Commit or merge time, for lead time");
  record->add_option("--finished-at", rec->finished_at, "When it was live");
  record->add_option("--id", rec->id,
                     "Your id for it (default: derived from service, time, commit)");
  record->add_option("--environment", rec->environment, "Default production");
  record->add_option("--url", rec->url, "Link to the pipeline run");
  record->callback([&g, rec] { g.exit_code = RunRecord(g, *rec); });

  auto lst = std::make_shared<ListOptions>();
  auto* list = deploy->add_subcommand("list", "List deployments, newest first");
  list->add_option("--service", lst->services, "Service name(s)");
  list->add_option("--environment", lst->environment, "Only this environment");
  list->add_option("--since", lst->since, "Triggered at or after: RFC 3339 or -7d");
  list->add_option("--until", lst->until, "Triggered before");
  list->add_option("--limit", lst->limit, "At most this many (default 50)");
  list->callback([&g, lst] { g.exit_code = RunList(g, *lst); });

  for (const char* kind : {"link", "unlink", "why"}) {
    auto o = std::make_shared<LinkOptions>();
    const std::string k = kind;
    auto* cmd = deploy->add_subcommand(
        kind, k == "link"     ? "Attribute an incident to a deployment by hand (wins over the rule)"
              : k == "unlink" ? "Attribute an incident to no deployment, by hand"
                              : "Show which deployment an incident is attributed to, and why");
    cmd->add_option("--incident", o->incident, "Incident id, like INC-42")->required();
    if (k == "link") {
      cmd->add_option("--deployment", o->deployment, "Deployment id");
      cmd->add_flag("--auto", o->automatic, "Drop the link by hand and apply the rule again");
    }
    cmd->callback([&g, o, k] { g.exit_code = RunLink(g, *o, k); });
  }
}

}  // namespace im::cli

// im connector add|list|status|health|test|sync|update|remove|metrics|webhook|config|
//              map-service|list-mappings|map-escalation|list-escalations
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>

#include "app/connector_runtime.h"
#include "cli/connector_health.h"
#include "cli/connector_prompts.h"
#include "cli/context.h"
#include "cli/display.h"
#include "common/time.h"
#include "connectors/connector_config.h"
#include "connectors/registry.h"
#include "engine/connector_status.h"

namespace im::cli {
namespace {

struct Opened {
  std::unique_ptr<app::Runtime> rt;
  std::unique_ptr<app::ConnectorRuntime> cr;
};

Result<Opened> Open(GlobalOptions& g) {
  auto rt = OpenRuntime(g);
  if (!rt) return std::unexpected(rt.error());
  auto cr = app::OpenConnectors(**rt);
  if (!cr) return std::unexpected(cr.error());
  return Opened{std::move(*rt), std::move(*cr)};
}

// Echo off and on for a secret typed on the terminal.
void HideTerminalInput(bool hide) {
  termios t{};
  if (tcgetattr(STDIN_FILENO, &t) != 0) return;
  if (hide) {
    t.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  } else {
    t.c_lflag |= ECHO;
  }
  (void)tcsetattr(STDIN_FILENO, TCSANOW, &t);
}

int RunAdd(GlobalOptions& g, const std::string& type, const std::string& name,
           const std::string& config_text) {
  json::object config;
  if (config_text.empty()) {
    if (!isatty(STDIN_FILENO)) {
      return ReportError({ErrorCode::kInvalidArgument,
                          "no --config given and no terminal to ask on: pass --config '{...}'"});
    }
    // A name already taken is refused before anything is asked.
    if (auto o = Open(g); !o) {
      return ReportError(o.error());
    } else if (auto existing = o->cr->store->Get(name); existing) {
      return ReportError({ErrorCode::kAlreadyExists,
                          "connector " + name + " exists already: change it with `im connector " +
                              "update|config " + name + "`, or pick another name"});
    }
    auto asked = AskConnectorConfig(type, name, {std::cin, std::cerr, HideTerminalInput});
    if (!asked) return ReportError(asked.error());
    config = *asked;
  } else {
    auto v = json::ParseStrict(config_text);
    if (!v) return ReportError(v.error().Wrap("--config"));
    if (!v->is_object()) {
      return ReportError({ErrorCode::kInvalidArgument, "--config must be a JSON object"});
    }
    config = v->as_object();
  }
  auto o = Open(g);
  if (!o) return ReportError(o.error());
  auto added = o->cr->manager->Add(type, name, config);
  if (!added) return ReportError(added.error());
  if (g.json) {
    PrintJson(json::object{{"name", name},
                           {"type", type},
                           {"config", connectors::ConnectorConfigToJson(*added, false)}});
  } else {
    std::cout << "connector " << name << " added; check it with `im connector test " << name
              << "`, then import with `im connector sync " << name << "`\n";
  }
  return 0;
}

int RunList(GlobalOptions& g) {
  auto o = Open(g);
  if (!o) return ReportError(o.error());
  Time now = o->rt->clock.Now();
  // What `status NAME --json` says of each, so the two agree.
  auto statuses = engine::ReadConnectorStatuses(*o->cr->manager, *o->cr->store, now);
  if (!statuses) return ReportError(statuses.error());
  json::array items;
  std::vector<std::vector<std::string>> rows;
  for (const auto& st : *statuses) {
    const auto& s = st.stored;
    rows.push_back({s.name, s.type, st.state,
                    st.config ? std::string(connectors::DirectionName(st.config->direction)) : "?",
                    s.last_sync_at ? FormatAgo(*s.last_sync_at, now) : "never"});
    items.push_back(engine::ConnectorStatusJson(st, now));
  }
  if (g.json) {
    PrintJson(json::object{{"connectors", std::move(items)}});
  } else {
    PrintTable({"Name", "Type", "Status", "Direction", "Last Sync"}, rows);
  }
  return 0;
}

int RunStatus(GlobalOptions& g, const std::string& name) {
  auto o = Open(g);
  if (!o) return ReportError(o.error());
  Time now = o->rt->clock.Now();
  auto state = engine::ReadConnectorStatus(*o->cr->manager, *o->cr->store, name, now);
  if (!state) return ReportError(state.error());
  if (g.json) {
    PrintJson(engine::ConnectorStatusJson(*state, now));
    return 0;
  }
  const auto& stored = state->stored;
  const auto& outbox = state->outbox;
  std::cout << "Connector:      " << name << " (" << stored.type << ")\n"
            << "Status:         " << state->state << "\n";
  if (state->config) {
    std::cout << "Direction:      " << connectors::DirectionName(state->config->direction) << "\n";
  }
  std::cout << "Last sync:      "
            << (stored.last_sync_at ? FormatTime(*stored.last_sync_at) + " (" +
                                          FormatAgo(*stored.last_sync_at, now) + ")"
                                    : "never")
            << "\n";
  if (!stored.last_error.empty()) std::cout << "Sync error:     " << stored.last_error << "\n";
  std::cout << "History:        "
            << (stored.import_done ? "imported"
                : stored.import_checkpoint
                    ? "importing, up to " + FormatTime(*stored.import_checkpoint)
                    : "not imported yet")
            << "\n"
            << "Incidents:      " << FormatCount(state->linked) << " linked, "
            << FormatCount(state->day.incidents_synced) << " synced in 24h\n"
            << "Webhook:        "
            << (!state->config                           ? "?"
                : state->config->webhook_secrets.empty() ? "not configured"
                                                         : "configured")
            << ", last event "
            << (stored.last_webhook_at ? FormatTime(*stored.last_webhook_at) : "never") << "\n";
  if (state->config) {
    // Where the provider delivers: what to paste into its webhook settings.
    std::cout << "Endpoint:       "
              << (state->config->public_url.empty() ? std::string("https://<public_url>")
                                                    : state->config->public_url)
              << "/connectors/" << name << "/webhook\n";
  }
  std::cout << "Outbox:         " << outbox.pending << " waiting"
            << (outbox.oldest_pending ? " (oldest " + FormatTime(*outbox.oldest_pending) + ")" : "")
            << ", " << outbox.parked << " parked, " << outbox.sent_since << " sent in 24h\n";
  if (!state->sender.empty())
    std::cout << "                being sent by " << state->sender << "\n";
  for (const auto& m : state->parked) {
    std::cout << "  parked: " << core::IncidentId(m.incident) << " " << m.kind << " after "
              << m.attempts << " attempt(s): " << m.last_error << "\n";
  }
  if (outbox.parked > 0) {
    std::cout << "                fix the cause, then `im connector sync " << name
              << " --retry-parked`\n";
  }
  return 0;
}

int RunTest(GlobalOptions& g, const std::string& name) {
  auto o = Open(g);
  if (!o) return ReportError(o.error());
  auto c = o->cr->manager->Open(name);
  if (!c) return ReportError(c.error());
  auto checks = (*c)->Test();
  bool all = true;
  json::array items;
  for (const auto& check : checks) {
    all = all && check.ok;
    items.push_back(json::object{{"name", check.name}, {"ok", check.ok}, {"detail", check.detail}});
    if (!g.json)
      std::cout << (check.ok ? "✓ " : "✗ ") << check.name << ": " << check.detail << "\n";
  }
  if (g.json) PrintJson(json::object{{"ok", all}, {"checks", std::move(items)}});
  return all ? 0 : 7;
}

int RunSync(GlobalOptions& g, const std::string& name, const std::string& incident,
            bool retry_parked, bool reconcile) {
  auto o = Open(g);
  if (!o) return ReportError(o.error());
  auto c = o->cr->manager->Open(name);
  if (!c) return ReportError(c.error());
  if (retry_parked) {
    auto n = o->cr->store->RetryParked(name, o->rt->clock.Now());
    if (!n) return ReportError(n.error());
    if (!g.json) std::cout << *n << " parked change(s) queued again\n";
  }
  connectors::SyncOptions options;
  if (isatty(STDERR_FILENO) && !g.json) {
    options.progress = [](const std::string& stage, int64_t done, int64_t total) {
      int pct = total > 0 ? static_cast<int>(100 * done / total) : 100;
      std::string bar(static_cast<size_t>(pct / 4), '#');
      bar.resize(25, '.');
      std::cerr << "\r" << stage << " [" << bar << "] " << pct << "%" << std::flush;
      if (pct >= 100) std::cerr << "\n";
    };
  }
  // Changes made in im go out first (outbound and bidirectional connectors).
  auto out = (*c)->FlushOutbox();
  if (!out) return ReportError(out.error());
  // --incident takes im's id (INC-<n>) as well as the provider's: each provider incident
  // linked to it (one per PagerDuty service it was declared on) is read again.
  std::vector<std::string> provider_ids;
  if (!incident.empty()) provider_ids.push_back(incident);
  auto entry = o->cr->registry->Find((*c)->config().type);
  const std::string provider = entry ? (*entry)->display_name : "the provider";
  if (incident.size() > 4 && (incident.starts_with("INC-") || incident.starts_with("inc-"))) {
    auto number = core::ParseIncidentId(incident);
    if (!number) return ReportError(number.error().Wrap("--incident"));
    auto links = o->cr->store->LinksOf(name, *number);
    if (!links) return ReportError(links.error());
    if (links->empty()) {
      return ReportError(
          {ErrorCode::kNotFound,
           core::IncidentId(*number) + " is not linked to a " + provider +
               " incident through connector " + name + " (`im show " + core::IncidentId(*number) +
               "` says what it is synced with); give " + provider +
               "'s incident id instead, or sync everything with `im connector sync " + name + "`"});
    }
    provider_ids = *links;
  }
  connectors::SyncReport r;
  if ((*c)->config().direction != connectors::Direction::kOutbound) {
    for (size_t i = 0; i < std::max<size_t>(provider_ids.size(), 1); ++i) {
      if (!provider_ids.empty()) options.incident_id = provider_ids[i];
      auto synced = (*c)->Sync(options);
      if (!synced) {
        if (options.incident_id.empty()) return ReportError(synced.error());
        return ReportError(
            synced.error().Wrap("reading " + provider + " incident " + options.incident_id));
      }
      r.incidents += synced->incidents;
      r.log_entries += synced->log_entries;
      r.took += synced->took;
    }
  }
  std::optional<connectors::ReconcileReport> rec;
  if (reconcile) {
    auto got = (*c)->Reconcile();
    if (!got) return ReportError(got.error());
    rec = *got;
  }
  if (g.json) {
    json::object j{{"incidents", r.incidents},
                   {"log_entries", r.log_entries},
                   {"seconds", std::chrono::duration<double>(r.took).count()},
                   {"outbox", json::object{{"sent", out->sent},
                                           {"skipped", out->skipped},
                                           {"retrying", out->retrying},
                                           {"parked", out->parked},
                                           {"busy", out->busy}}}};
    if (rec) {
      json::array repaired;
      for (const auto& line : rec->repaired) repaired.emplace_back(line);
      j["reconcile"] = json::object{
          {"compared", rec->compared}, {"held", rec->held}, {"repaired", std::move(repaired)}};
    }
    PrintJson(j);
  } else {
    std::cout << "synced " << r.incidents << " incidents and " << r.log_entries
              << " log entries in " << FormatDuration(r.took) << "; outbox: ";
    if (out->busy) {
      std::cout << "sent by another im process (a running server)\n";
    } else {
      std::cout << out->sent << " sent, " << out->retrying << " to retry, " << out->parked
                << " parked\n";
    }
    if (rec) {
      std::cout << "reconcile: compared " << rec->compared << " open incidents, repaired "
                << rec->repaired.size();
      if (rec->held) std::cout << ", " << rec->held << " left to the outbox";
      std::cout << "\n";
      for (const auto& line : rec->repaired) std::cout << "  " << line << "\n";
    }
  }
  return 0;
}

}  // namespace

// Defined in connector_config_commands.cc.
void AddConnectorConfigCommands(CLI::App& connector, GlobalOptions& g);

void AddConnectorCommands(CLI::App& root, GlobalOptions& g) {
  auto* connector = root.add_subcommand("connector", "Connect incident providers, like PagerDuty");
  connector->require_subcommand(1);

  auto add = std::make_shared<std::array<std::string, 3>>();
  auto* a = connector->add_subcommand("add", "Add a connector: im connector add pagerduty NAME");
  std::string types;
  for (const auto& t : connectors::BuiltinConnectorTypes().Types()) {
    types += (types.empty() ? "" : ", ") + t;
  }
  a->add_option("type", (*add)[0], "One of: " + types)->required();
  a->add_option("name", (*add)[1], "A short name, like pd-prod")->required();
  a->add_option("--config", (*add)[2], "The config as JSON (else prompts on a terminal)");
  a->callback([&g, add] { g.exit_code = RunAdd(g, (*add)[0], (*add)[1], (*add)[2]); });

  connector->add_subcommand("list", "List connectors")->callback([&g] {
    g.exit_code = RunList(g);
  });

  for (auto [cmd, help] : {std::pair{"status", "Status, direction, last sync, errors, webhook"},
                           std::pair{"health", "Status plus live checks of the provider"},
                           std::pair{"test", "Check the connection item by item (✓/✗)"}}) {
    auto name = std::make_shared<std::string>();
    auto* sub = connector->add_subcommand(cmd, help);
    sub->add_option("name", *name)->required();
    std::string which = cmd;
    sub->callback([&g, name, which] {
      g.exit_code = which == "test"     ? RunTest(g, *name)
                    : which == "health" ? RunConnectorHealth(g, *name)
                                        : RunStatus(g, *name);
    });
  }

  auto sync_name = std::make_shared<std::string>();
  auto sync_incident = std::make_shared<std::string>();
  auto* sync = connector->add_subcommand("sync", "Import history (resumable) or catch up now");
  sync->add_option("name", *sync_name)->required();
  sync->add_option("--incident", *sync_incident,
                   "Only this incident: im's INC-<n> or the provider's id (P1ABC23)");
  auto retry_parked = std::make_shared<bool>(false);
  sync->add_flag("--retry-parked", *retry_parked, "Queue parked outbound changes again first");
  auto reconcile = std::make_shared<bool>(false);
  sync->add_flag("--reconcile", *reconcile,
                 "Then compare open incidents on both sides and repair drift");
  sync->callback([&g, sync_name, sync_incident, retry_parked, reconcile] {
    g.exit_code = RunSync(g, *sync_name, *sync_incident, *retry_parked, *reconcile);
  });

  AddConnectorConfigCommands(*connector, g);
}

}  // namespace im::cli

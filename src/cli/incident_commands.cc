// im declare | ack | resolve | close | reopen | note | incidents | show
#include <algorithm>
#include <cctype>
#include <iostream>

#include "cli/context.h"
#include "cli/display.h"
#include "common/time.h"
#include "core/incident_json.h"

namespace im::cli {
namespace {

std::string SlaCell(const core::SlaClock& c) {
  switch (c.state) {
    case core::SlaState::kMet: return "met";
    case core::SlaState::kBreached: return "BREACHED";
    case core::SlaState::kAtRisk: return "at risk";
    case core::SlaState::kOnTrack: return "on track";
  }
  return "";
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ",") + s;
  return out;
}

std::string Short(std::string s, size_t n) {
  if (s.size() > n) s = s.substr(0, n - 1) + "…";
  return s;
}

void PrintView(const engine::IncidentView& v) {
  const auto& i = v.incident;
  std::cout << core::IncidentId(i.number) << "  " << i.title << "\n"
            << "Severity:   " << core::SeverityName(i.severity) << " ("
            << core::UrgencyName(i.urgency) << " urgency)\n"
            << "Status:     " << core::StatusName(i.status) << "\n"
            << "Services:   " << Join(i.services) << "\n";
  if (!i.assignees.empty()) std::cout << "Assignees:  " << Join(i.assignees) << "\n";
  std::cout << "Declared:   " << FormatTime(i.created_at) << " by " << i.created_by << "\n";
  if (i.acknowledged_at) {
    std::cout << "Acked:      " << FormatTime(*i.acknowledged_at) << " by " << i.acknowledged_by
              << " (after " << FormatDuration(*i.acknowledged_at - i.created_at) << ")\n";
  }
  if (i.resolved_at) {
    std::cout << "Resolved:   " << FormatTime(*i.resolved_at) << " by " << i.resolved_by
              << " (after " << FormatDuration(*i.resolved_at - i.created_at) << ")\n";
  }
  if (i.closed_at)
    std::cout << "Closed:     " << FormatTime(*i.closed_at) << " by " << i.closed_by << "\n";
  std::cout << "SLA:        acknowledge " << SlaCell(v.sla.acknowledge) << " (target "
            << FormatDuration(v.sla.acknowledge.target) << "), resolve " << SlaCell(v.sla.resolve)
            << " (target " << FormatDuration(v.sla.resolve.target) << ")";
  if (v.sla.policy != "default") std::cout << ", targets of " << v.sla.policy;
  std::cout << "\n";
  if (!i.synced_with.empty()) std::cout << "Synced with: connector " << i.synced_with << "\n";
  for (const auto& [k, val] : i.custom_fields) std::cout << k << ": " << val << "\n";
  if (!i.description.empty()) std::cout << "\n" << i.description << "\n";
  std::cout << "\nTimeline\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : v.timeline) {
    rows.push_back({FormatTime(e.at), std::string(core::EntryKindName(e.kind)), e.actor,
                    e.message + " (" + e.source + ")"});
  }
  PrintTable({"TIME", "WHAT", "WHO", "DETAIL"}, rows);
}

struct DeclareOptions {
  std::string sev, title, description, urgency;
  std::vector<std::string> services, assignees, fields;
};

int RunDeclare(GlobalOptions& g, const DeclareOptions& o) {
  // What core refuses too, said in terms of the flags.
  if (std::all_of(o.title.begin(), o.title.end(),
                  [](unsigned char c) { return std::isspace(c) != 0; })) {
    return ReportError({ErrorCode::kInvalidArgument,
                        "--title is empty or only spaces: give a one-line summary, like "
                        "--title 'Checkout is down'"});
  }
  if (SplitCommas(o.services).empty()) {
    return ReportError({ErrorCode::kInvalidArgument,
                        "--service names no service: give one or more, like --service api,db"});
  }
  auto rt = OpenRuntime(g);
  if (!rt) return ReportError(rt.error());
  core::DeclareRequest r{.title = o.title, .description = o.description};
  auto sev = core::ParseSeverity(o.sev);
  if (!sev) return ReportError(sev.error());
  r.severity = *sev;
  if (!o.urgency.empty()) {
    auto u = core::ParseUrgency(o.urgency);
    if (!u) return ReportError(u.error());
    r.urgency = *u;
  }
  r.services = SplitCommas(o.services);
  r.assignees = SplitCommas(o.assignees);
  for (const auto& f : o.fields) {
    auto eq = f.find('=');
    if (eq == std::string::npos || eq == 0) {
      return ReportError(
          {ErrorCode::kInvalidArgument, "custom field '" + f + "' must be written KEY=VALUE"});
    }
    r.custom_fields[f.substr(0, eq)] = f.substr(eq + 1);
  }
  auto result = (*rt)->incidents->Declare(r, core::Actor{.email = (*rt)->config.actor});
  if (!result) return ReportError(result.error());
  for (const auto& s : result->created_services) {
    std::cerr << "note: service '" << s
              << "' was not in the catalog and has been created; describe it with "
                 "`im services add "
              << ShellWord(s) << " --team ... --owner ...`\n";
  }
  if (g.json) {
    auto view = (*rt)->incidents->Show(result->incident.number);
    if (!view) return ReportError(view.error());
    json::object o = core::IncidentToJson(view->incident, view->sla, view->timeline);
    json::array created;
    for (const auto& s : result->created_services) created.emplace_back(s);
    o["created_services"] = std::move(created);
    PrintJson(o);
  } else {
    std::cout << core::IncidentId(result->incident.number) << "\n";
  }
  return 0;
}

// A missing incident id is a usage error (exit 2) that shows the form to type.
int MissingIncident(const std::string& command) {
  std::cerr << "error: say which incident: `im " << command
            << " INC-<n>` (`im incidents` lists them)\n";
  return 2;
}

int RunAction(GlobalOptions& g, const std::string& id, engine::Action action,
              const std::string& note) {
  auto number = core::ParseIncidentId(id);
  if (!number) return ReportError(number.error());
  auto rt = OpenRuntime(g);
  if (!rt) return ReportError(rt.error());
  auto r =
      (*rt)->incidents->Apply(*number, action, core::Actor{.email = (*rt)->config.actor}, note);
  if (!r) return ReportError(r.error());
  if (g.json) {
    PrintJson(core::IncidentToJson(*r, (*rt)->incidents->Sla(*r)));
  } else {
    std::cout << core::IncidentId(r->number) << " is now " << core::StatusName(r->status) << "\n";
  }
  return 0;
}

struct ListOptions {
  std::vector<std::string> status, service, sev;
  std::string since, until;
  int64_t limit = 0;  // 0: all (no --limit given)
  bool limit_given = false;
};

int RunList(GlobalOptions& g, const ListOptions& o) {
  if (o.limit_given) {
    if (auto ok = CheckLimit(o.limit); !ok) return ReportError(ok.error());
  }
  auto rt = OpenRuntime(g);
  if (!rt) return ReportError(rt.error());
  store::IncidentFilter f{.services = SplitCommas(o.service), .limit = o.limit};
  if (auto ok = CheckServiceNames(f.services, "--service"); !ok) return ReportError(ok.error());
  for (const auto& s : SplitCommas(o.status)) {
    auto st = core::ParseStatus(s);
    if (!st) return ReportError(st.error());
    f.statuses.push_back(*st);
  }
  for (const auto& s : SplitCommas(o.sev)) {
    auto sev = core::ParseSeverity(s);
    if (!sev) return ReportError(sev.error());
    f.severities.push_back(*sev);
  }
  Time now = (*rt)->clock.Now();
  for (auto [text, field] : {std::pair{&o.since, &f.since}, std::pair{&o.until, &f.until}}) {
    if (text->empty()) continue;
    auto t = ParseTimeRelative(*text, now);
    if (!t) return ReportError(t.error());
    *field = *t;
  }
  if (auto ok = CheckWindow(f.since, f.until); !ok) return ReportError(ok.error());
  if (g.json) {
    // Streamed one incident at a time: 100,000 incidents are never all in memory at once. A
    // read that fails midway leaves the output unfinished and exits non-zero.
    std::string out = "{\"incidents\":[";
    bool first = true;
    auto ok = (*rt)->store->ForEachIncident(f, [&](const core::Incident& i) -> Result<void> {
      if (!first) out += ",";
      first = false;
      core::AppendIncidentJson(out, i, (*rt)->incidents->Sla(i));
      if (out.size() > (1 << 20)) {
        std::cout << out;
        out.clear();
      }
      return Ok();
    });
    if (!ok) {
      std::cout << out << std::flush;
      return ReportError(ok.error());
    }
    out += "]}\n";
    std::cout << out;
    return 0;
  }
  auto incidents = (*rt)->store->ListIncidents(f);
  if (!incidents) return ReportError(incidents.error());
  std::vector<std::vector<std::string>> rows;
  for (const auto& i : *incidents) {
    auto sla = (*rt)->incidents->Sla(i);
    rows.push_back({core::IncidentId(i.number), std::string(core::SeverityName(i.severity)),
                    std::string(core::StatusName(i.status)), Short(i.title, 50), Join(i.services),
                    FormatTime(i.created_at), SlaCell(sla.acknowledge), SlaCell(sla.resolve)});
  }
  PrintTable({"ID", "SEV", "STATUS", "TITLE", "SERVICES", "CREATED", "ACK SLA", "RESOLVE SLA"},
             rows);
  if (rows.empty()) std::cerr << "no incidents match\n";
  return 0;
}

int RunShow(GlobalOptions& g, const std::string& id) {
  auto number = core::ParseIncidentId(id);
  if (!number) return ReportError(number.error());
  auto rt = OpenRuntime(g);
  if (!rt) return ReportError(rt.error());
  auto view = (*rt)->incidents->Show(*number);
  if (!view) return ReportError(view.error());
  if (g.json) {
    std::string out;
    core::AppendIncidentJson(out, view->incident, view->sla, view->timeline);
    std::cout << out << "\n";
  } else {
    PrintView(*view);
  }
  return 0;
}

int RunNote(GlobalOptions& g, const std::string& id, const std::string& text) {
  auto number = core::ParseIncidentId(id);
  if (!number) return ReportError(number.error());
  auto rt = OpenRuntime(g);
  if (!rt) return ReportError(rt.error());
  auto r = (*rt)->incidents->AddNote(*number, core::Actor{.email = (*rt)->config.actor}, text);
  if (!r) return ReportError(r.error());
  if (g.json) {
    PrintJson(core::IncidentToJson(*r, (*rt)->incidents->Sla(*r)));
  } else {
    std::cout << "note added to " << core::IncidentId(r->number) << "\n";
  }
  return 0;
}

}  // namespace

void AddIncidentCommands(CLI::App& root, GlobalOptions& g) {
  auto declare_opts = std::make_shared<DeclareOptions>();
  auto* declare = root.add_subcommand("declare", "Declare an incident; prints its id (INC-<n>)");
  declare->add_option("--sev,--severity", declare_opts->sev, "SEV-1 (worst) .. SEV-4")->required();
  declare->add_option("--title", declare_opts->title, "One-line summary")->required();
  declare->add_option("--service", declare_opts->services, "Affected service(s): api or api,db")
      ->required();
  declare->add_option("--description", declare_opts->description, "Longer description");
  declare->add_option("--urgency", declare_opts->urgency, "high or low (default from severity)");
  declare->add_option("--assignee", declare_opts->assignees, "Email(s) of who works on it");
  declare->add_option("--field", declare_opts->fields, "Custom field KEY=VALUE (repeatable)");
  declare->callback([&g, declare_opts] { g.exit_code = RunDeclare(g, *declare_opts); });

  struct ActionSpec {
    const char* name;
    const char* help;
    engine::Action action;
  };
  for (auto spec :
       {ActionSpec{"ack", "Acknowledge: someone is on it (open → mitigated)",
                   engine::Action::kAcknowledge},
        ActionSpec{"resolve", "Resolve an incident", engine::Action::kResolve},
        ActionSpec{"close", "Close a resolved incident", engine::Action::kClose},
        ActionSpec{"reopen", "Reopen a resolved or closed incident", engine::Action::kReopen}}) {
    auto id = std::make_shared<std::string>();
    auto note = std::make_shared<std::string>();
    auto* cmd = root.add_subcommand(spec.name, spec.help);
    cmd->add_option("--incident,incident", *id, "Incident id, like INC-42");
    cmd->add_option("--note", *note, "Why, for the timeline");
    cmd->callback([&g, id, note, action = spec.action, name = std::string(spec.name)] {
      g.exit_code = id->empty() ? MissingIncident(name) : RunAction(g, *id, action, *note);
    });
  }

  auto note_id = std::make_shared<std::string>();
  auto note_text = std::make_shared<std::string>();
  auto* note = root.add_subcommand("note", "Add a note to an incident's timeline");
  note->add_option("--incident", *note_id, "Incident id, like INC-42")->required();
  note->add_option("text", *note_text, "The note")->required();
  note->callback([&g, note_id, note_text] { g.exit_code = RunNote(g, *note_id, *note_text); });

  auto list_opts = std::make_shared<ListOptions>();
  auto* list = root.add_subcommand("incidents", "List incidents, newest first");
  list->add_option("--status", list_opts->status, "open, mitigated, resolved, closed");
  list->add_option("--service", list_opts->service, "Service name(s)");
  list->add_option("--sev,--severity", list_opts->sev, "SEV-1..SEV-4");
  list->add_option("--since", list_opts->since, "Created at or after: RFC 3339 or -7d");
  list->add_option("--until", list_opts->until, "Created before: RFC 3339 or -1h");
  list->add_option("--limit", list_opts->limit, "At most this many (default all)");
  list->callback([&g, list, list_opts] {
    list_opts->limit_given = list->count("--limit") > 0;
    g.exit_code = RunList(g, *list_opts);
  });

  auto show_id = std::make_shared<std::string>();
  auto* show = root.add_subcommand("show", "Show an incident with its SLA state and timeline");
  show->add_option("incident,--incident", *show_id, "Incident id, like INC-42");
  show->callback([&g, show_id] {
    g.exit_code = show_id->empty() ? MissingIncident("show") : RunShow(g, *show_id);
  });
}

}  // namespace im::cli

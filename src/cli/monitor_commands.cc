// im monitor add|list|show|edit|pause|resume|remove|check: uptime monitors (docs/monitors.md).
// Flags are gathered into the monitor's JSON definition, so the CLI, the API and the YAML
// config share one validator (monitor/monitor_json.h).
#include <iostream>

#include <fmt/format.h>

#include "app/secrets.h"
#include "cli/context.h"
#include "common/time.h"
#include "core/incident.h"
#include "monitor/channels/channel_outbox.h"
#include "net/curl_http_client.h"

namespace im::cli {
namespace {

// The flags that make up a definition; only those given are put in the JSON (so `edit`
// changes just them).
struct MonitorFlags {
  std::string type, url, target, method, body, body_contains, json_path, json_equals;
  std::vector<std::string> headers, expect_status, maintenance, channels;
  std::string record_type, expected_answer, resolver, interval, timeout, service, sev, region;
  int failure_threshold = 0, recovery_threshold = 0, tls_expiry_days = 0;
  bool no_follow = false, follow = false, paused = false;
  std::string name, rename;
};

void AddDefinitionFlags(CLI::App* cmd, MonitorFlags& f) {
  cmd->add_option("--type", f.type, "http (default), tcp, dns, icmp or heartbeat");
  cmd->add_option("--url", f.url, "http: the URL to check");
  cmd->add_option("--target", f.target, "tcp: host:port; dns and icmp: the host name");
  cmd->add_option("--method", f.method, "http: GET (default), HEAD, POST, ...");
  cmd->add_option("--header", f.headers, "http: 'Name: value' (repeatable)");
  cmd->add_option("--body", f.body, "http: the request body");
  cmd->add_option("--expect-status", f.expect_status, "http: 200 or 200-299 (repeatable)");
  cmd->add_option("--body-contains", f.body_contains, "http: text the body must contain");
  cmd->add_option("--json-path", f.json_path, "http: JSON Pointer into the body, e.g. /status");
  cmd->add_option("--json-equals", f.json_equals, "http: the value --json-path must have");
  cmd->add_flag("--no-follow-redirects", f.no_follow, "http: a redirect is the answer");
  cmd->add_flag("--follow-redirects", f.follow, "http: follow redirects (default)");
  cmd->add_option("--tls-expiry-days", f.tls_expiry_days,
                  "https: fail when the certificate expires within N days (default 14, 0: off)");
  cmd->add_option("--record-type", f.record_type, "dns: A (default), AAAA, CNAME, MX, NS or TXT");
  cmd->add_option("--expected-answer", f.expected_answer,
                  "dns: an answer that must be among them (MX: '10 mx.example.com' or the name)");
  cmd->add_option("--resolver", f.resolver,
                  "dns: ask this server, 'ip' or 'ip:port' (default: the system's resolv.conf)");
  cmd->add_option("--interval", f.interval, "How often to check (default 60s, at least 10s)");
  cmd->add_option("--timeout", f.timeout, "How long a check may take (default 10s)");
  cmd->add_option("--failure-threshold", f.failure_threshold,
                  "Consecutive failures that open an incident (default 3)");
  cmd->add_option("--recovery-threshold", f.recovery_threshold,
                  "Consecutive successes that resolve it (default 2)");
  cmd->add_option("--maintenance", f.maintenance,
                  "'weekly sat,sun 02:00-04:00 Europe/Berlin' or 'once START END' (repeatable)");
  cmd->add_option("--service", f.service, "Service of the incidents it opens (default: its name)");
  cmd->add_option("--sev", f.sev, "Severity of those incidents: SEV-1..SEV-4 (default SEV-2)");
  cmd->add_option("--channel", f.channels, "Channel to page (repeatable, `im channel add`)");
  cmd->add_option("--region", f.region, "Where the checks run, shown in pages (default local)");
}

json::object DefinitionFromFlags(CLI::App* cmd, const MonitorFlags& f) {
  json::object o;
  auto given = [&](const char* flag) { return cmd->count(flag) > 0; };
  auto set = [&](const char* flag, const char* field, const std::string& v) {
    if (given(flag)) o[field] = v;
  };
  set("--type", "type", f.type);
  set("--url", "url", f.url);
  set("--target", "target", f.target);
  set("--method", "method", f.method);
  set("--body", "body", f.body);
  set("--body-contains", "body_contains", f.body_contains);
  set("--json-path", "json_path", f.json_path);
  set("--json-equals", "json_equals", f.json_equals);
  set("--record-type", "record_type", f.record_type);
  set("--expected-answer", "expected_answer", f.expected_answer);
  set("--resolver", "resolver", f.resolver);
  set("--interval", "interval", f.interval);
  set("--timeout", "timeout", f.timeout);
  set("--service", "service", f.service);
  set("--sev", "severity", f.sev);
  set("--region", "region", f.region);
  if (given("--header")) {
    json::object h;
    for (const auto& line : f.headers) {
      auto colon = line.find(':');
      std::string k = line.substr(0, colon);
      std::string v = colon == std::string::npos ? "" : line.substr(colon + 1);
      while (!v.empty() && v.front() == ' ') v.erase(0, 1);
      h[k] = v;
    }
    o["headers"] = std::move(h);
  }
  auto list = [&](const char* flag, const char* field, const std::vector<std::string>& v) {
    if (!given(flag)) return;
    json::array a;
    for (const auto& s : SplitCommas(v)) a.push_back(json::value(s));
    o[field] = std::move(a);
  };
  list("--expect-status", "expected_status", f.expect_status);
  list("--channel", "channels", f.channels);
  if (given("--maintenance")) {
    json::array a;  // not split on commas: a weekly window lists its days with them
    for (const auto& s : f.maintenance) a.push_back(json::value(s));
    o["maintenance"] = std::move(a);
  }
  if (given("--no-follow-redirects")) o["follow_redirects"] = false;
  if (given("--follow-redirects")) o["follow_redirects"] = true;
  if (given("--failure-threshold")) o["failure_threshold"] = f.failure_threshold;
  if (given("--recovery-threshold")) o["recovery_threshold"] = f.recovery_threshold;
  if (given("--tls-expiry-days")) o["tls_expiry_days"] = f.tls_expiry_days;
  return o;
}

std::string MonitorStatusWord(const monitor::MonitorView& v) {
  if (v.monitor.paused) return "paused";
  if (v.state.down) return "DOWN";
  if (!v.last_check_at) return "pending";
  return v.state.failures > 0 ? "failing" : "up";
}

std::string MonitorMs(Duration d) {
  return fmt::format("{:.0f}ms", std::chrono::duration<double, std::milli>(d).count());
}

void PrintMonitorView(const monitor::MonitorView& v, bool json) {
  if (json) {
    PrintJson(monitor::MonitorViewJson(v));
    return;
  }
  std::cout << "monitor " << v.monitor.name << " (id " << v.monitor.id << ", "
            << monitor::MonitorTypeName(v.monitor.type)
            << (v.monitor.target.empty() ? "" : " " + v.monitor.target) << ", every "
            << FormatDuration(v.monitor.interval) << ")" << (v.monitor.paused ? " paused" : "")
            << "\n";
  if (!v.heartbeat_path.empty()) {
    std::cout << "heartbeat URL: <im URL>" << v.heartbeat_path
              << "  (POST or GET it from your job, e.g. curl -fsS -X POST ...)\n";
  }
}

// Sends what checks queued for channels now (the server does this by itself).
void FlushMonitorChannels(app::Runtime& rt) {
  net::CurlHttpClient http;
  auto box = app::OpenSecretBox(rt.config);
  if (!box) {
    ReportError(box.error().Wrap("pages stay queued for im serve"));
    return;
  }
  monitor::ChannelOutbox outbox(*rt.monitor_store, *rt.connector_store,
                                monitor::ChannelContext{.http = http, .box = &*box}, rt.clock,
                                rt.logs->For("channel"));
  (void)outbox.FlushAll();  // failures stay queued, shown by `im channel list`
}

int RunMonitorAdd(GlobalOptions& g, CLI::App* cmd, const MonitorFlags& f) {
  auto rt = OpenRuntime(g);
  if (!rt) return ReportError(rt.error());
  json::object def = DefinitionFromFlags(cmd, f);
  def["name"] = f.name;
  if (f.paused) def["paused"] = true;
  auto v = (*rt)->monitors->Add(def);
  if (!v) return ReportError(v.error());
  if (g.json) {
    PrintJson(monitor::MonitorViewJson(*v));
  } else {
    std::cout << "added ";
    PrintMonitorView(*v, false);
  }
  return 0;
}

int RunMonitorEdit(GlobalOptions& g, CLI::App* cmd, const MonitorFlags& f) {
  auto rt = OpenRuntime(g);
  if (!rt) return ReportError(rt.error());
  json::object changes = DefinitionFromFlags(cmd, f);
  if (!f.rename.empty()) changes["name"] = f.rename;
  if (changes.empty()) {
    return ReportError({ErrorCode::kInvalidArgument,
                        "nothing to change: give the flags to change, e.g. --interval 30s or "
                        "--rename NEW"});
  }
  auto v = (*rt)->monitors->Edit(f.name, changes);
  if (!v) return ReportError(v.error());
  if (g.json) {
    PrintJson(monitor::MonitorViewJson(*v));
  } else {
    std::cout << "updated ";
    PrintMonitorView(*v, false);
  }
  return 0;
}

int RunMonitorList(GlobalOptions& g) {
  auto rt = OpenRuntime(g);
  if (!rt) return ReportError(rt.error());
  auto list = (*rt)->monitors->List();
  if (!list) return ReportError(list.error());
  if (g.json) {
    json::array a;
    for (const auto& v : *list) a.push_back(monitor::MonitorViewJson(v));
    PrintJson(json::object{{"monitors", std::move(a)}});
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& v : *list) {
    std::string channels;
    for (const auto& c : v.monitor.channels) channels += (channels.empty() ? "" : ",") + c;
    rows.push_back({std::to_string(v.monitor.id), v.monitor.name,
                    std::string(monitor::MonitorTypeName(v.monitor.type)), v.monitor.target,
                    MonitorStatusWord(v), FormatDuration(v.monitor.interval),
                    v.last_check_at ? FormatTime(*v.last_check_at) : "-",
                    v.state.incident ? core::IncidentId(v.state.incident) : "-", channels});
  }
  PrintTable(
      {"ID", "NAME", "TYPE", "TARGET", "STATUS", "INTERVAL", "LAST CHECK", "INCIDENT", "CHANNELS"},
      rows);
  return 0;
}

int RunMonitorShow(GlobalOptions& g, const std::string& name) {
  auto rt = OpenRuntime(g);
  if (!rt) return ReportError(rt.error());
  auto d = (*rt)->monitors->Show(name);
  if (!d) return ReportError(d.error());
  if (g.json) {
    PrintJson(monitor::MonitorDetailJson(*d));
    return 0;
  }
  const auto& v = d->view;
  const auto& m = v.monitor;
  PrintMonitorView(v, false);
  std::cout << "status: " << MonitorStatusWord(v);
  if (v.state.down_since) std::cout << " since " << FormatTime(*v.state.down_since);
  if (v.state.incident) std::cout << " (" << core::IncidentId(v.state.incident) << ")";
  std::cout << "\n";
  if (!v.state.last_error.empty()) std::cout << "last error: " << v.state.last_error << "\n";
  std::cout << "thresholds: open after " << m.thresholds.failure << " failures, resolve after "
            << m.thresholds.recovery << " successes; timeout " << FormatDuration(m.timeout) << "\n";
  std::cout << "incidents: service " << m.service << ", " << core::SeverityName(m.severity) << "\n";
  std::string channels;
  for (const auto& c : m.channels) channels += (channels.empty() ? "" : ", ") + c;
  std::cout << "channels: " << (channels.empty() ? "none" : channels) << "\n";
  for (const auto& w : m.maintenance) std::cout << "maintenance: " << w.text << "\n";
  std::cout << "\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& w : d->stats) {
    auto opt = [](const std::optional<Duration>& x) { return x ? MonitorMs(*x) : "-"; };
    rows.push_back({w.name, std::to_string(w.checks), std::to_string(w.failures),
                    w.uptime_percent ? fmt::format("{:.3f}%", *w.uptime_percent) : "-", opt(w.p50),
                    opt(w.p95), opt(w.p99)});
  }
  PrintTable({"WINDOW", "CHECKS", "FAILED", "UPTIME", "P50", "P95", "P99"}, rows);
  if (!d->recent.empty()) {
    std::cout << "\nrecent checks:\n";
    std::vector<std::vector<std::string>> recent;
    for (const auto& c : d->recent) {
      recent.push_back(
          {FormatTime(c.at), c.ok ? "ok" : "FAILED", MonitorMs(c.response_time), c.error});
    }
    PrintTable({"AT", "RESULT", "TIME", "ERROR"}, recent);
  }
  return 0;
}

int RunMonitorCheck(GlobalOptions& g, const std::string& name) {
  auto rt = OpenRuntime(g);
  if (!rt) return ReportError(rt.error());
  auto r = (*rt)->monitors->CheckNow(name);
  if (!r) return ReportError(r.error());
  if (r->queued > 0) FlushMonitorChannels(**rt);
  const char* transition = r->transition == monitor::Transition::kOpen      ? "opened"
                           : r->transition == monitor::Transition::kResolve ? "resolved"
                                                                            : "";
  if (g.json) {
    PrintJson(
        json::object{{"ok", r->outcome.ok},
                     {"error", r->outcome.error},
                     {"response_ms",
                      std::chrono::duration<double, std::milli>(r->outcome.response_time).count()},
                     {"in_maintenance", r->in_maintenance},
                     {"incident", r->incident ? json::value(core::IncidentId(r->incident))
                                              : json::value(nullptr)},
                     {"transition", *transition ? json::value(transition) : json::value(nullptr)}});
    return 0;
  }
  std::cout << (r->outcome.ok ? "ok" : "FAILED") << " in " << MonitorMs(r->outcome.response_time)
            << (r->outcome.ok ? "" : ": " + r->outcome.error)
            << (r->in_maintenance ? " (maintenance window: nobody is paged)" : "") << "\n";
  if (*transition) {
    std::cout << transition << " " << core::IncidentId(r->incident);
    if (r->queued > 0) std::cout << " (" << r->queued << " notification(s) queued)";
    std::cout << "\n";
  }
  return 0;
}

int RunMonitorPause(GlobalOptions& g, const std::string& name, bool paused) {
  auto rt = OpenRuntime(g);
  if (!rt) return ReportError(rt.error());
  auto v = (*rt)->monitors->SetPaused(name, paused);
  if (!v) return ReportError(v.error());
  if (g.json) {
    PrintJson(monitor::MonitorViewJson(*v));
  } else {
    std::cout << "monitor " << v->monitor.name << (paused ? " paused" : " resumed") << "\n";
  }
  return 0;
}

int RunMonitorRemove(GlobalOptions& g, const std::string& name) {
  auto rt = OpenRuntime(g);
  if (!rt) return ReportError(rt.error());
  if (auto ok = (*rt)->monitors->Remove(name); !ok) return ReportError(ok.error());
  if (g.json) {
    PrintJson(json::object{{"removed", name}});
  } else {
    std::cout << "removed monitor " << name << " (its incidents stay)\n";
  }
  return 0;
}

}  // namespace

void AddMonitorCommands(CLI::App& root, GlobalOptions& g) {
  auto* mon = root.add_subcommand("monitor", "Uptime monitors (docs/monitors.md)");
  mon->require_subcommand(1);

  auto add_flags = std::make_shared<MonitorFlags>();
  auto* add = mon->add_subcommand("add", "Add a monitor");
  add->add_option("name", add_flags->name, "Its name")->required();
  AddDefinitionFlags(add, *add_flags);
  add->add_flag("--paused", add_flags->paused, "Add it paused");
  add->callback([&g, add, add_flags] { g.exit_code = RunMonitorAdd(g, add, *add_flags); });

  auto edit_flags = std::make_shared<MonitorFlags>();
  auto* edit = mon->add_subcommand("edit", "Change a monitor (only the flags given)");
  edit->add_option("name", edit_flags->name, "Its name or id")->required();
  edit->add_option("--rename", edit_flags->rename, "A new name (its alerts keep their key)");
  AddDefinitionFlags(edit, *edit_flags);
  edit->callback([&g, edit, edit_flags] { g.exit_code = RunMonitorEdit(g, edit, *edit_flags); });

  mon->add_subcommand("list", "List monitors and their status")->callback([&g] {
    g.exit_code = RunMonitorList(g);
  });

  auto name = std::make_shared<std::string>();
  auto* show = mon->add_subcommand("show", "A monitor, its uptime and response times");
  show->add_option("name", *name, "Its name or id")->required();
  show->callback([&g, name] { g.exit_code = RunMonitorShow(g, *name); });
  auto* check = mon->add_subcommand("check", "Run a check now and record it");
  check->add_option("name", *name, "Its name or id")->required();
  check->callback([&g, name] { g.exit_code = RunMonitorCheck(g, *name); });
  auto* pause = mon->add_subcommand("pause", "Stop checking (no incident opens)");
  pause->add_option("name", *name, "Its name or id")->required();
  pause->callback([&g, name] { g.exit_code = RunMonitorPause(g, *name, true); });
  auto* resume = mon->add_subcommand("resume", "Check again");
  resume->add_option("name", *name, "Its name or id")->required();
  resume->callback([&g, name] { g.exit_code = RunMonitorPause(g, *name, false); });
  auto* remove = mon->add_subcommand("remove", "Remove a monitor and its check results");
  remove->add_option("name", *name, "Its name or id")->required();
  remove->callback([&g, name] { g.exit_code = RunMonitorRemove(g, *name); });
}

}  // namespace im::cli

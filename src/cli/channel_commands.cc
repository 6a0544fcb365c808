// im channel add|list|test|remove: where monitors page and incidents are announced
// (docs/monitors.md "Channels", docs/notifications.md).
#include <algorithm>
#include <iostream>
#include <map>
#include <tuple>

#include "app/secrets.h"
#include "cli/context.h"
#include "monitor/channels/channels.h"
#include "net/curl_http_client.h"

namespace im::cli {
namespace {

struct ChannelAddOptions {
  std::string type, name;
  // Every channel type's flags ("--webhook-url" → value), bound once for all types.
  std::map<std::string, std::string> flags;
  std::string rate_per_minute, burst, person_rate_per_minute;
};

// Config fields that are true/false rather than text.
bool IsBoolField(const std::string& field) {
  return field == "auto_resolve" || field == "starttls";
}

// The channel machinery of one command: its HTTP client, outbox and use cases.
struct ChannelRig {
  net::CurlHttpClient http;
  std::optional<connectors::SecretBox> box;
  std::unique_ptr<monitor::ChannelOutbox> outbox;
  std::unique_ptr<monitor::Channels> channels;

  static Result<std::unique_ptr<ChannelRig>> Open(app::Runtime& rt) {
    auto rig = std::make_unique<ChannelRig>();
    auto box = app::OpenSecretBox(rt.config);
    if (!box) return std::unexpected(box.error());
    rig->box.emplace(std::move(*box));
    monitor::ChannelContext ctx{.http = rig->http, .box = &*rig->box};
    rig->outbox = std::make_unique<monitor::ChannelOutbox>(*rt.monitor_store, *rt.connector_store,
                                                           ctx, rt.clock, rt.logs->For("channel"));
    auto install = rt.store->InstallId();
    if (!install) return std::unexpected(install.error());
    rig->channels = std::make_unique<monitor::Channels>(*rt.monitor_store, *rig->outbox, ctx,
                                                        rt.clock, *install);
    return rig;
  }
};

int RunChannelAdd(GlobalOptions& g, CLI::App* cmd, const ChannelAddOptions& o) {
  json::object config;
  const monitor::ChannelType* type = monitor::FindChannelType(o.type);
  std::map<std::string, std::string> flag_of;  // config field → flag, to name it in errors
  for (const auto& [flag, field] : type ? type->flags : decltype(type->flags){}) {
    flag_of[field] = flag;
    if (!cmd->count(flag)) continue;
    const std::string& value = o.flags.at(flag);
    if (IsBoolField(field)) {
      if (value != "true" && value != "false") {
        return ReportError({ErrorCode::kInvalidArgument, flag + ": give true or false"});
      }
      config[field] = value == "true";
    } else {
      config[field] = value;
    }
  }
  for (const auto& [flag, field, value] :
       {std::tuple{"--rate-per-minute", "rate_per_minute", &o.rate_per_minute},
        std::tuple{"--burst", "burst", &o.burst},
        std::tuple{"--person-rate-per-minute", "person_rate_per_minute",
                   &o.person_rate_per_minute}}) {
    flag_of[field] = flag;
    if (!cmd->count(flag)) continue;
    try {
      config[field] = std::stoll(*value);
    } catch (const std::exception&) {
      return ReportError({ErrorCode::kInvalidArgument, std::string(flag) + ": give a number"});
    }
  }
  // A flag of another type is a mistake worth saying.
  for (const auto& [flag, value] : o.flags) {
    if (cmd->count(flag) && type &&
        std::none_of(type->flags.begin(), type->flags.end(),
                     [&](const auto& f) { return f.first == flag; })) {
      return ReportError(
          {ErrorCode::kInvalidArgument,
           flag + " is not a flag of " + o.type + " channels; see `im channel add --help`"});
    }
  }
  auto rt = OpenRuntime(g);
  if (!rt) return ReportError(rt.error());
  auto opened = ChannelRig::Open(**rt);
  if (!opened) return ReportError(opened.error());
  ChannelRig& rig = **opened;
  auto v = rig.channels->Add(o.type, o.name, config);
  if (!v) {
    Error e = v.error();
    // Name the flag the user typed for the config field.
    for (const auto& [field, flag] : flag_of) {
      if (e.message.starts_with(field + ":")) {
        e.message = flag + e.message.substr(field.size());
        break;
      }
    }
    return ReportError(e);
  }
  if (g.json) {
    PrintJson(monitor::ChannelViewJson(*v));
  } else {
    std::cout << "added " << v->type << " channel " << v->name
              << "; attach it to a monitor (`im monitor edit MONITOR --channel " << v->name
              << "`) or a rule (`im notify rule add RULE --channel " << v->name
              << "`) and try it with `im channel test " << v->name << "`\n";
  }
  return 0;
}

int RunChannelList(GlobalOptions& g) {
  auto rt = OpenRuntime(g);
  if (!rt) return ReportError(rt.error());
  auto opened = ChannelRig::Open(**rt);
  if (!opened) return ReportError(opened.error());
  ChannelRig& rig = **opened;
  auto list = rig.channels->List();
  if (!list) return ReportError(list.error());
  if (g.json) {
    json::array a;
    for (const auto& v : *list) a.push_back(monitor::ChannelViewJson(v));
    PrintJson(json::object{{"channels", std::move(a)}});
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& v : *list) {
    rows.push_back({v.name, v.type, v.health.failing ? "FAILING" : "ok",
                    std::to_string(v.health.pending), std::to_string(v.health.parked),
                    std::to_string(v.health.sent_24h), v.health.last_error});
  }
  PrintTable({"NAME", "TYPE", "HEALTH", "PENDING", "PARKED", "SENT 24H", "LAST ERROR"}, rows);
  return 0;
}

int RunChannelTest(GlobalOptions& g, const std::string& name) {
  auto rt = OpenRuntime(g);
  if (!rt) return ReportError(rt.error());
  auto opened = ChannelRig::Open(**rt);
  if (!opened) return ReportError(opened.error());
  ChannelRig& rig = **opened;
  auto r = rig.channels->Test(name);
  if (!r) return ReportError(r.error());
  if (g.json) {
    PrintJson(json::object{{"ok", r->ok},
                           {"dedup_key", r->dedup_key},
                           {"trigger", r->trigger},
                           {"resolve", r->resolve}});
  } else {
    std::cout << "trigger (dedup_key " << r->dedup_key << "): " << r->trigger << "\n";
    if (!r->resolve.empty()) std::cout << "resolve: " << r->resolve << "\n";
  }
  if (!r->ok) {
    return ReportError(
        {ErrorCode::kUnavailable, "channel " + name + " did not take the test page: " +
                                      (r->resolve.empty() ? r->trigger : r->resolve)});
  }
  return 0;
}

int RunChannelRemove(GlobalOptions& g, const std::string& name) {
  auto rt = OpenRuntime(g);
  if (!rt) return ReportError(rt.error());
  auto opened = ChannelRig::Open(**rt);
  if (!opened) return ReportError(opened.error());
  ChannelRig& rig = **opened;
  if (auto ok = rig.channels->Remove(name); !ok) return ReportError(ok.error());
  if (g.json) {
    PrintJson(json::object{{"removed", name}});
  } else {
    std::cout << "removed channel " << name << "\n";
  }
  return 0;
}

}  // namespace

void AddChannelCommands(CLI::App& root, GlobalOptions& g) {
  auto* ch = root.add_subcommand("channel", "Notification channels monitors page");
  ch->require_subcommand(1);
  auto o = std::make_shared<ChannelAddOptions>();
  auto* add = ch->add_subcommand("add",
                                 "Add a channel: im channel add pagerduty NAME "
                                 "--integration-key KEY");
  add->add_option("type", o->type, "pagerduty, slack, teams, email, sms or webhook")->required();
  add->add_option("name", o->name, "Its name")->required();
  for (const auto& type_name : monitor::ChannelTypeNames()) {
    const monitor::ChannelType* type = monitor::FindChannelType(type_name);
    for (const auto& [flag, field] : type->flags) {
      if (o->flags.contains(flag)) continue;  // shared by several types (--webhook-url)
      o->flags[flag];
      add->add_option(flag, o->flags[flag],
                      "config field " + field + " (see docs/notifications.md)");
    }
  }
  add->add_option("--rate-per-minute", o->rate_per_minute,
                  "at most this many messages a minute to this destination (0: no limit)");
  add->add_option("--burst", o->burst, "how many may go at once before the rate applies");
  add->add_option("--person-rate-per-minute", o->person_rate_per_minute,
                  "at most this many messages a minute to one person (0: no limit)");
  add->callback([&g, add, o] { g.exit_code = RunChannelAdd(g, add, *o); });
  ch->add_subcommand("list", "List channels and their delivery health")->callback([&g] {
    g.exit_code = RunChannelList(g);
  });
  auto name = std::make_shared<std::string>();
  auto* test = ch->add_subcommand("test", "Send a test trigger and its resolve");
  test->add_option("name", *name, "The channel")->required();
  test->callback([&g, name] { g.exit_code = RunChannelTest(g, *name); });
  auto* remove = ch->add_subcommand("remove", "Remove a channel no monitor pages");
  remove->add_option("name", *name, "The channel")->required();
  remove->callback([&g, name] { g.exit_code = RunChannelRemove(g, *name); });
}

}  // namespace im::cli

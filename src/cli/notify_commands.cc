// im notify rule add|list|remove, im notify contact set|list: who hears of which incident
// change (docs/notifications.md).
#include <iostream>

#include "cli/context.h"
#include "notify/rule_book.h"

namespace im::cli {
namespace {

struct RuleAddOptions {
  std::string name, events, severities, services, teams, sources, channels, war_room;
  bool mention_oncall = false, page_oncall = false;
  int tier = 0;
};

struct ContactOptions {
  std::string email, phone, slack_user;
};

notify::RuleBook Book(app::Runtime& rt) {
  return notify::RuleBook(*rt.notify_store, *rt.monitor_store, rt.clock,
                          rt.notifier->options().config_rules);
}

std::string Joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out.empty() ? "*" : out;
}

int RunRuleAdd(GlobalOptions& g, CLI::App* cmd, const RuleAddOptions& o) {
  json::object def;
  for (const auto& [flag, field, value] :
       {std::tuple{"--on", "events", &o.events}, std::tuple{"--sev", "severities", &o.severities},
        std::tuple{"--service", "services", &o.services}, std::tuple{"--team", "teams", &o.teams},
        std::tuple{"--source", "sources", &o.sources},
        std::tuple{"--channel", "channels", &o.channels},
        std::tuple{"--war-room", "war_room", &o.war_room}}) {
    if (cmd->count(flag)) def[field] = *value;
  }
  if (o.mention_oncall) def["mention_oncall"] = true;
  if (o.page_oncall) def["page_oncall"] = true;
  if (cmd->count("--tier")) def["tier"] = o.tier;
  auto rt = OpenRuntime(g);
  if (!rt) return ReportError(rt.error());
  auto book = Book(**rt);
  auto rule = book.Add(o.name, def);
  if (!rule) {
    Error e = rule.error();
    for (const auto& [field, flag] :
         {std::pair{"events", "--on"}, std::pair{"severities", "--sev"},
          std::pair{"services", "--service"}, std::pair{"channels", "--channel"},
          std::pair{"war_room", "--war-room"}, std::pair{"tier", "--tier"}}) {
      if (e.message.starts_with(field)) {
        e.message = std::string(flag) + " (" + e.message + ")";
        break;
      }
    }
    return ReportError(e);
  }
  if (g.json) {
    PrintJson(notify::RuleToJson(*rule));
  } else {
    std::cout << "added rule " << rule->name << ": on " << Joined(rule->events) << " → "
              << Joined(rule->channels)
              << (rule->war_room.empty() ? "" : " (war room in " + rule->war_room + ")") << "\n";
  }
  return 0;
}

int RunRuleList(GlobalOptions& g) {
  auto rt = OpenRuntime(g);
  if (!rt) return ReportError(rt.error());
  auto book = Book(**rt);
  auto list = book.List();
  if (!list) return ReportError(list.error());
  if (g.json) {
    json::array a;
    for (const auto& r : *list) {
      json::object o = notify::RuleToJson(r.rule);
      o["origin"] = r.origin;
      a.push_back(std::move(o));
    }
    PrintJson(json::object{{"rules", std::move(a)}});
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& [r, origin] : *list) {
    std::vector<std::string> sevs;
    for (auto s : r.severities) sevs.emplace_back(core::SeverityName(s));
    std::string extra;
    if (r.mention_oncall) extra += "mention on-call ";
    if (r.page_oncall) extra += "page on-call ";
    if (!r.war_room.empty()) extra += "war room:" + r.war_room + " ";
    if (r.tier) extra += "tier " + std::to_string(r.tier);
    rows.push_back({r.name, Joined(r.events), Joined(sevs), Joined(r.services), Joined(r.teams),
                    Joined(r.sources), Joined(r.channels), extra, origin});
  }
  PrintTable({"NAME", "ON", "SEV", "SERVICE", "TEAM", "SOURCE", "CHANNELS", "ALSO", "FROM"}, rows);
  return 0;
}

int RunRuleRemove(GlobalOptions& g, const std::string& name) {
  auto rt = OpenRuntime(g);
  if (!rt) return ReportError(rt.error());
  auto book = Book(**rt);
  if (auto ok = book.Remove(name); !ok) return ReportError(ok.error());
  if (g.json) {
    PrintJson(json::object{{"removed", name}});
  } else {
    std::cout << "removed rule " << name << "\n";
  }
  return 0;
}

int RunContactSet(GlobalOptions& g, const ContactOptions& o) {
  auto rt = OpenRuntime(g);
  if (!rt) return ReportError(rt.error());
  auto book = Book(**rt);
  auto c = book.SetContact({.email = o.email, .phone = o.phone, .slack_user = o.slack_user});
  if (!c) {
    Error e = c.error();
    if (e.message.starts_with("phone")) e.message = "--" + e.message;
    if (e.message.starts_with("slack_user")) e.message = "--slack-user" + e.message.substr(10);
    return ReportError(e);
  }
  if (g.json) {
    PrintJson(
        json::object{{"email", c->email}, {"phone", c->phone}, {"slack_user", c->slack_user}});
  } else {
    std::cout << "contact of " << c->email << " saved\n";
  }
  return 0;
}

int RunContactList(GlobalOptions& g) {
  auto rt = OpenRuntime(g);
  if (!rt) return ReportError(rt.error());
  auto list = (*rt)->notify_store->ListContacts();
  if (!list) return ReportError(list.error());
  if (g.json) {
    json::array a;
    for (const auto& c : *list) {
      a.push_back(
          json::object{{"email", c.email}, {"phone", c.phone}, {"slack_user", c.slack_user}});
    }
    PrintJson(json::object{{"contacts", std::move(a)}});
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& c : *list) rows.push_back({c.email, c.phone, c.slack_user});
  PrintTable({"EMAIL", "PHONE", "SLACK"}, rows);
  return 0;
}

int RunContactRemove(GlobalOptions& g, const std::string& email) {
  auto rt = OpenRuntime(g);
  if (!rt) return ReportError(rt.error());
  auto book = Book(**rt);
  if (auto ok = book.RemoveContact(email); !ok) return ReportError(ok.error());
  if (g.json) {
    PrintJson(json::object{{"removed", email}});
  } else {
    std::cout << "removed the contact of " << email << "\n";
  }
  return 0;
}

}  // namespace

void AddNotifyCommands(CLI::App& root, GlobalOptions& g) {
  auto* notify = root.add_subcommand("notify", "Notification rules and people's contacts");
  notify->require_subcommand(1);
  auto* rule = notify->add_subcommand("rule", "Which incident changes reach which channels");
  rule->require_subcommand(1);
  auto o = std::make_shared<RuleAddOptions>();
  auto* add = rule->add_subcommand("add", "Add a rule");
  add->add_option("name", o->name, "Its name")->required();
  add->add_option("--on", o->events,
                  "declared,acknowledged,resolved,sla_breached (default "
                  "declared,resolved)");
  add->add_option("--sev", o->severities, "SEV-1,SEV-2,... (default all)");
  add->add_option("--service", o->services, "services (default all)");
  add->add_option("--team", o->teams, "teams of the incident's services (default all)");
  add->add_option("--source", o->sources, "im, monitor, events, pagerduty, ... (default all)");
  add->add_option("--channel", o->channels, "channels to notify (im channel list)");
  add->add_option("--war-room", o->war_room,
                  "a Slack channel (bot token) in which to open inc-<n>-<slug> on declare");
  add->add_flag("--mention-oncall", o->mention_oncall, "@-mention the service's on-call people");
  add->add_flag("--page-oncall", o->page_oncall,
                "sms/email: send to the primary on-call person instead of the channel's `to`");
  add->add_option("--tier", o->tier, "1, 2 or 3: seed 004's monitor tiers as presets");
  add->callback([&g, add, o] { g.exit_code = RunRuleAdd(g, add, *o); });
  rule->add_subcommand("list", "List rules")->callback([&g] { g.exit_code = RunRuleList(g); });
  auto name = std::make_shared<std::string>();
  auto* remove = rule->add_subcommand("remove", "Remove a rule");
  remove->add_option("name", *name, "The rule")->required();
  remove->callback([&g, name] { g.exit_code = RunRuleRemove(g, *name); });

  auto* contact = notify->add_subcommand("contact", "How a person is paged");
  contact->require_subcommand(1);
  auto c = std::make_shared<ContactOptions>();
  auto* set = contact->add_subcommand("set", "Set a person's phone and Slack member id");
  set->add_option("email", c->email, "The person, as schedules name them")->required();
  set->add_option("--phone", c->phone, "E.164, e.g. +15558675310");
  set->add_option("--slack-user", c->slack_user, "Slack member id (U…)");
  set->callback([&g, c] { g.exit_code = RunContactSet(g, *c); });
  contact->add_subcommand("list", "List contacts")->callback([&g] {
    g.exit_code = RunContactList(g);
  });
  auto who = std::make_shared<std::string>();
  auto* unset = contact->add_subcommand("remove", "Remove a person's contact methods");
  unset->add_option("email", *who, "The person")->required();
  unset->callback([&g, who] { g.exit_code = RunContactRemove(g, *who); });
}

}  // namespace im::cli

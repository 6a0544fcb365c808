#include "notify/rule_book.h"

namespace im::notify {

Result<Rule> RuleBook::Add(const std::string& name, const json::object& definition) {
  auto rule = ParseRule(name, definition);
  if (!rule) return std::unexpected(rule.error());
  for (const auto& rn : config_rules_) {
    if (rn.name == name) {
      return Fail(ErrorCode::kAlreadyExists, "rule '" + name +
                                                 "' is defined in the config file; choose "
                                                 "another name");
    }
  }
  std::vector<std::string> wanted = rule->channels;
  if (!rule->war_room.empty()) wanted.push_back(rule->war_room);
  for (size_t i = 0; i < wanted.size(); ++i) {
    auto c = channels_.GetChannel(wanted[i]);
    if (!c) {
      std::string field =
          i < rule->channels.size() ? "channels[" + std::to_string(i) + "]" : "war_room";
      return InvalidAt(field, "no channel '" + wanted[i] +
                                  "'; add it first with `im channel add TYPE " + wanted[i] +
                                  " ...` (see `im channel list`)");
    }
    if (i >= rule->channels.size() && c->type != "slack") {
      return InvalidAt("war_room", "'" + wanted[i] + "' is a " + c->type +
                                       " channel; a war room needs a Slack channel with a bot "
                                       "token");
    }
  }
  json::object stored = RuleToJson(*rule);
  stored.erase("name");
  auto ok = store_.AddRule(
      {.name = name, .definition = json::Serialize(stored), .created_at = clock_.Now()});
  if (!ok) return std::unexpected(ok.error());
  return rule;
}

Result<std::vector<ListedRule>> RuleBook::List() {
  std::vector<ListedRule> out;
  for (const auto& r : config_rules_) out.push_back({r, "config"});
  auto stored = store_.ListRules();
  if (!stored) return std::unexpected(stored.error());
  for (const auto& s : *stored) {
    auto v = json::Parse(s.definition);
    if (!v || !v->is_object()) continue;
    auto r = ParseRule(s.name, v->as_object());
    if (r) out.push_back({*r, "stored"});
  }
  return out;
}

Result<void> RuleBook::Remove(const std::string& name) {
  for (const auto& r : config_rules_) {
    if (r.name == name) {
      return Fail(ErrorCode::kFailedPrecondition,
                  "rule '" + name + "' is defined in the config file; remove it there");
    }
  }
  return store_.RemoveRule(name);
}

Result<store::Contact> RuleBook::SetContact(store::Contact c) {
  if (c.email.find('@') == std::string::npos) {
    return InvalidAt("email", "give the person's email, as on-call schedules name them");
  }
  if (!c.phone.empty()) {
    bool ok = c.phone.size() >= 8 && c.phone.size() <= 16 && c.phone[0] == '+';
    for (size_t i = 1; ok && i < c.phone.size(); ++i) ok = c.phone[i] >= '0' && c.phone[i] <= '9';
    if (!ok) return InvalidAt("phone", "give the number in E.164 form, e.g. +15558675310");
  }
  if (!c.slack_user.empty() && !(c.slack_user[0] == 'U' || c.slack_user[0] == 'W')) {
    return InvalidAt("slack_user",
                     "give the Slack member id (U… or W…: profile → ⋮ → Copy member "
                     "ID), not the display name");
  }
  c.updated_at = clock_.Now();
  if (auto ok = store_.SetContact(c); !ok) return std::unexpected(ok.error());
  return c;
}

}  // namespace im::notify

// Notification rules: on which incident changes (declared, acknowledged, resolved, SLA
// breached), for which incidents (severity, service, team, source), which channels hear of it,
// and what else happens (the on-call mentioned, a SEV-1 war room, a page to the primary on
// call). Stored as JSON (store::NotifyRule) or given in the config file; checked once here.
#pragma once

#include <string>
#include <vector>

#include "common/error.h"
#include "common/json.h"
#include "core/incident.h"

namespace im::notify {

inline constexpr const char* kEvents[] = {"declared", "acknowledged", "resolved", "sla_breached"};

struct Rule {
  std::string name;
  std::vector<std::string> events;         // of kEvents; empty = declared and resolved
  std::vector<core::Severity> severities;  // any of; empty = all
  std::vector<std::string> services;       // any of the incident's; empty = all
  std::vector<std::string> teams;          // any of its services' teams; empty = all
  std::vector<std::string> sources;        // incident.source: im, monitor, pagerduty, ...
  std::vector<std::string> channels;       // channel names (im channel add)
  bool mention_oncall = false;             // Slack: @-mention the service's on-call people
  // SMS/email channels: send to the service's primary on-call person (their contact) instead
  // of the channel's fixed recipients.
  bool page_oncall = false;
  // A Slack channel (with a bot token) in which to open the war room "inc-<n>-<slug>", the
  // on-call people and assignees invited; "" = none. Only on "declared".
  std::string war_room;
  int tier = 0;  // 1..3 when made from a preset (seed 004's tiers), else 0
};

// Checks a rule; errors name the field ("events[1]: ..."). `name` is kept from the argument.
Result<Rule> ParseRule(const std::string& name, const json::object& o);
json::object RuleToJson(const Rule& r);

// Seed 004's monitor tiers, selectable by name: tier 1 (critical production) notifies its
// channels on declare and resolve, mentions the on-call people and pages the primary on call
// by SMS; tier 2 (standard production) notifies on declare and resolve without paging; tier 3
// (development) notifies its (email) channels on declare only.
Result<Rule> TierPreset(int tier);

// Does `r` cover `event` of `incident`? `teams` are the teams of the incident's services.
bool Matches(const Rule& r, std::string_view event, const core::Incident& incident,
             const std::vector<std::string>& teams);

// "inc-42-checkout-returns-502": Slack's channel name rules (lowercase, no spaces, at most 80).
std::string WarRoomName(int64_t number, const std::string& title);

}  // namespace im::notify

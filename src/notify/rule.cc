#include "notify/rule.h"

#include <algorithm>

namespace im::notify {
namespace {

template <typename T>
bool AnyOrEmpty(const std::vector<T>& want, const std::vector<T>& have) {
  if (want.empty()) return true;
  for (const auto& h : have) {
    if (std::find(want.begin(), want.end(), h) != want.end()) return true;
  }
  return false;
}

Result<std::vector<std::string>> Strings(const json::object& o, const char* field) {
  std::vector<std::string> out;
  auto it = o.find(field);
  if (it == o.end() || it->value().is_null()) return out;
  if (it->value().is_string()) {  // "a,b" is taken as a list too
    std::string s(it->value().as_string());
    size_t start = 0;
    while (start <= s.size()) {
      size_t comma = s.find(',', start);
      std::string part =
          s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (!part.empty()) out.push_back(part);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    return out;
  }
  if (!it->value().is_array()) return InvalidAt(field, "give a list of strings");
  int i = 0;
  for (const auto& v : it->value().as_array()) {
    if (!v.is_string() || v.as_string().empty()) {
      return InvalidAt(std::string(field) + "[" + std::to_string(i) + "]",
                       "give a non-empty string");
    }
    out.emplace_back(v.as_string());
    ++i;
  }
  return out;
}

json::array Array(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

}  // namespace

Result<Rule> TierPreset(int tier) {
  switch (tier) {
    case 1:
      return Rule{.events = {"declared", "resolved"},
                  .mention_oncall = true,
                  .page_oncall = true,
                  .tier = 1};
    case 2: return Rule{.events = {"declared", "resolved"}, .tier = 2};
    case 3: return Rule{.events = {"declared"}, .tier = 3};
  }
  return InvalidAt("tier",
                   "give 1 (critical: mention and page the on-call), 2 (standard) or 3 "
                   "(development: declared only)");
}

Result<Rule> ParseRule(const std::string& name, const json::object& o) {
  if (auto ok = json::RejectUnknownFields(
          o, {"name", "events", "severities", "services", "teams", "sources", "channels",
              "mention_oncall", "page_oncall", "war_room", "tier"});
      !ok) {
    return std::unexpected(ok.error());
  }
  Rule r;
  if (auto tier = json::GetOptionalInt(o, "tier"); !tier) {
    return InvalidAt("tier", "must be a number");
  } else if (*tier && **tier != 0) {
    auto preset = TierPreset(static_cast<int>(**tier));
    if (!preset) return std::unexpected(preset.error());
    r = *preset;
  }
  r.name = name;
  if (r.name.empty() || r.name.size() > 100 ||
      r.name.find_first_of(" \t\n,/") != std::string::npos) {
    return InvalidAt("name", "give 1 to 100 characters without spaces, commas or slashes");
  }
  auto events = Strings(o, "events");
  if (!events) return std::unexpected(events.error());
  if (!events->empty()) r.events = *events;
  if (r.events.empty()) r.events = {"declared", "resolved"};
  for (size_t i = 0; i < r.events.size(); ++i) {
    if (std::find(std::begin(kEvents), std::end(kEvents), r.events[i]) == std::end(kEvents)) {
      return InvalidAt("events[" + std::to_string(i) + "]",
                       "'" + r.events[i] +
                           "' is not an event; use declared, acknowledged, resolved or "
                           "sla_breached");
    }
  }
  auto sevs = Strings(o, "severities");
  if (!sevs) return std::unexpected(sevs.error());
  for (size_t i = 0; i < sevs->size(); ++i) {
    auto s = core::ParseSeverity((*sevs)[i]);
    if (!s) {
      return InvalidAt("severities[" + std::to_string(i) + "]",
                       "'" + (*sevs)[i] + "' is not a severity; use SEV-1..SEV-4");
    }
    r.severities.push_back(*s);
  }
  for (auto [field, out] : {std::pair{"services", &r.services}, std::pair{"teams", &r.teams},
                            std::pair{"sources", &r.sources}, std::pair{"channels", &r.channels}}) {
    auto v = Strings(o, field);
    if (!v) return std::unexpected(v.error());
    *out = *v;
  }
  for (auto [field, out] :
       {std::pair{"mention_oncall", &r.mention_oncall}, std::pair{"page_oncall", &r.page_oncall}}) {
    auto b = json::GetOptionalBool(o, field);
    if (!b) return InvalidAt(field, "must be true or false");
    if (*b) *out = **b;
  }
  auto war = json::GetOptionalString(o, "war_room");
  if (!war) return InvalidAt("war_room", "give the name of a Slack channel with a bot token");
  if (*war) r.war_room = **war;
  if (r.channels.empty() && r.war_room.empty()) {
    return InvalidAt("channels",
                     "give at least one channel (see `im channel list`), or a "
                     "war_room Slack channel");
  }
  return r;
}

json::object RuleToJson(const Rule& r) {
  json::array sevs;
  for (auto s : r.severities) sevs.emplace_back(core::SeverityName(s));
  json::object o{{"name", r.name},
                 {"events", Array(r.events)},
                 {"severities", sevs},
                 {"services", Array(r.services)},
                 {"teams", Array(r.teams)},
                 {"sources", Array(r.sources)},
                 {"channels", Array(r.channels)},
                 {"mention_oncall", r.mention_oncall},
                 {"page_oncall", r.page_oncall},
                 {"war_room", r.war_room}};
  if (r.tier) o["tier"] = r.tier;
  return o;
}

bool Matches(const Rule& r, std::string_view event, const core::Incident& incident,
             const std::vector<std::string>& teams) {
  if (std::find(r.events.begin(), r.events.end(), event) == r.events.end()) return false;
  if (!AnyOrEmpty(r.severities, {incident.severity})) return false;
  if (!AnyOrEmpty(r.services, incident.services)) return false;
  if (!AnyOrEmpty(r.teams, teams)) return false;
  if (!AnyOrEmpty(r.sources, {incident.source})) return false;
  return true;
}

std::string WarRoomName(int64_t number, const std::string& title) {
  std::string slug;
  for (char c : title) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) {
      slug += static_cast<char>(std::tolower(u));
    } else if (!slug.empty() && slug.back() != '-') {
      slug += '-';
    }
  }
  std::string name = "inc-" + std::to_string(number) + "-" + slug;
  if (name.size() > 80) name.resize(80);
  while (name.ends_with("-")) name.pop_back();
  return name;
}

}  // namespace im::notify

#include "connectors/pagerduty/mapping.h"

#include <cctype>
#include <charconv>

#include "common/time.h"
#include "connectors/converge.h"

namespace im::connectors::pagerduty {
namespace {

const json::object* Obj(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_object() ? &it->value().as_object() : nullptr;
}

std::optional<Time> OptTime(const json::object& o, std::string_view key) {
  std::string s = json::StringOr(o, key);
  if (s.empty()) return std::nullopt;
  auto t = ParseTime(s);
  return t ? std::optional<Time>(*t) : std::nullopt;
}

}  // namespace

Result<PdIncident> ParseIncident(const json::object& o) {
  PdIncident p;
  p.id = json::StringOr(o, "id");
  if (p.id.empty()) return Fail(ErrorCode::kInvalidArgument, "PagerDuty incident without an id");
  if (auto it = o.find("incident_number"); it != o.end() && it->value().is_int64()) {
    p.number = it->value().as_int64();
  } else if (auto n = o.find("number"); n != o.end() && n->value().is_int64()) {
    p.number = n->value().as_int64();  // webhook payloads say "number"
  }
  p.title = json::StringOr(o, "title");
  if (p.title.empty()) p.title = json::StringOr(o, "summary");
  if (p.title.empty()) p.title = "PagerDuty incident " + p.id;
  if (p.title.size() > core::kMaxTitleLength) p.title.resize(core::kMaxTitleLength);
  p.status = json::StringOr(o, "status");
  if (p.status != "triggered" && p.status != "acknowledged" && p.status != "resolved") {
    return Fail(ErrorCode::kInvalidArgument,
                "PagerDuty incident " + p.id + " has unknown status '" + p.status + "'");
  }
  p.urgency = json::StringOr(o, "urgency");
  if (p.urgency != "low") p.urgency = "high";
  if (const auto* pr = Obj(o, "priority")) p.priority = json::StringOr(*pr, "summary");
  if (const auto* svc = Obj(o, "service")) {
    p.service_id = json::StringOr(*svc, "id");
    p.service_name = json::StringOr(*svc, "summary");
    if (p.service_name.empty()) p.service_name = json::StringOr(*svc, "name");
  }
  p.html_url = json::StringOr(o, "html_url");
  p.incident_key = json::StringOr(o, "incident_key");
  auto created = OptTime(o, "created_at");
  if (!created) {
    return Fail(ErrorCode::kInvalidArgument, "PagerDuty incident " + p.id + " has no created_at");
  }
  p.created_at = *created;
  p.resolved_at = OptTime(o, "resolved_at");
  if (auto it = o.find("acknowledgements"); it != o.end() && it->value().is_array()) {
    for (const auto& a : it->value().as_array()) {
      if (!a.is_object()) continue;
      auto at = OptTime(a.as_object(), "at");
      if (at && (!p.acknowledged_at || *at < *p.acknowledged_at)) {
        p.acknowledged_at = at;
        if (const auto* who = Obj(a.as_object(), "acknowledger")) {
          p.acknowledged_by_id = json::StringOr(*who, "id");
        }
      }
    }
  }
  if (auto it = o.find("assignments"); it != o.end() && it->value().is_array()) {
    for (const auto& a : it->value().as_array()) {
      if (!a.is_object()) continue;
      if (const auto* who = Obj(a.as_object(), "assignee"))
        p.assignee_ids.push_back(json::StringOr(*who, "id"));
    }
  } else if (auto it2 = o.find("assignees"); it2 != o.end() && it2->value().is_array()) {
    for (const auto& a : it2->value().as_array()) {
      if (a.is_object()) p.assignee_ids.push_back(json::StringOr(a.as_object(), "id"));
    }
  }
  return p;
}

Result<PdLogEntry> ParseLogEntry(const json::object& o) {
  PdLogEntry e;
  e.id = json::StringOr(o, "id");
  e.type = json::StringOr(o, "type");
  auto at = OptTime(o, "created_at");
  if (e.id.empty() || e.type.empty() || !at) {
    return Fail(ErrorCode::kInvalidArgument, "PagerDuty log entry without id, type or created_at");
  }
  e.at = *at;
  if (const auto* inc = Obj(o, "incident")) e.incident_id = json::StringOr(*inc, "id");
  if (const auto* agent = Obj(o, "agent")) {
    std::string type = json::StringOr(*agent, "type");
    if (type.starts_with("user")) e.agent_id = json::StringOr(*agent, "id");
  }
  e.note = json::StringOr(o, "note");
  if (e.note.empty()) {
    if (const auto* ch = Obj(o, "channel")) e.note = json::StringOr(*ch, "summary");
  }
  return e;
}

std::string Directory::Actor(const std::string& user_id) const {
  auto it = user_email.find(user_id);
  return it != user_email.end() ? it->second : fallback_actor;
}

std::string Directory::ServiceName(const std::string& id, const std::string& pd_name) const {
  auto it = service_name.find(id);
  if (it != service_name.end()) return it->second;
  return SanitizeServiceName(pd_name.empty() ? id : pd_name);
}

std::string SanitizeServiceName(const std::string& name) {
  // core::ValidateServiceName's set: other characters become '-', and the name starts at its
  // first letter or digit ("  Checkout" → "Checkout", "Café" → "Caf--").
  auto alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  std::string out;
  for (char c : name) {
    if (out.empty() && !alnum(c)) continue;
    bool ok = alnum(c) || c == '-' || c == '_' || c == '.' || c == '/' || c == ' ';
    out.push_back(ok ? c : '-');
  }
  if (out.size() > 100) out.resize(100);
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (out.empty()) out = "pagerduty";
  return out;
}

core::Severity SeverityFor(const std::string& priority, const std::string& urgency) {
  if (priority.size() == 2 && (priority[0] == 'P' || priority[0] == 'p') && priority[1] >= '1' &&
      priority[1] <= '9') {
    int n = std::min(priority[1] - '0', 4);
    return static_cast<core::Severity>(n);
  }
  return urgency == "low" ? core::Severity::kSev4 : core::Severity::kSev2;
}

int64_t OurIncidentNumber(std::string_view incident_key, std::string_view prefix) {
  if (!prefix.empty() && incident_key.starts_with(prefix))
    incident_key.remove_prefix(prefix.size());
  if (!incident_key.starts_with("INC-") || incident_key.size() > 4 + 18) return 0;
  int64_t n = 0;
  auto digits = incident_key.substr(4);
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  return ec == std::errc() && end == digits.data() + digits.size() && n > 0 ? n : 0;
}

store::ProviderUpdate UpdateFromIncident(const PdIncident& pd,
                                         const std::optional<core::Incident>& current,
                                         const Directory& dir, const std::string& connector,
                                         std::optional<Time> event_at) {
  ObservedIncident o{
      .provider = "PagerDuty",
      .source = "pagerduty",
      .external_id = pd.id,
      .key_prefix = "pd:" + pd.id,
      .label = "PagerDuty incident #" + std::to_string(pd.number) + " (" + pd.id + ")",
      .title = pd.title,
      .severity = SeverityFor(pd.priority, pd.urgency),
      .urgency = pd.urgency == "low" ? core::Urgency::kLow : core::Urgency::kHigh,
      .service = dir.ServiceName(pd.service_id, pd.service_name),
      .status = pd.status == "triggered"      ? core::Status::kOpen
                : pd.status == "acknowledged" ? core::Status::kMitigated
                                              : core::Status::kResolved,
      .created_at = pd.created_at,
      .acknowledged_at = pd.acknowledged_at,
      .acknowledged_by = dir.Actor(pd.acknowledged_by_id),
      .resolved_at = pd.resolved_at,
      .fallback_actor = dir.fallback_actor,
  };
  o.custom_fields["pagerduty_id"] = pd.id;
  if (pd.number) o.custom_fields["pagerduty_number"] = std::to_string(pd.number);
  if (!pd.html_url.empty()) o.custom_fields["pagerduty_url"] = pd.html_url;
  // PagerDuty's own first acknowledgement, for reports to show beside im's (which is the
  // earliest any side knows of).
  if (pd.acknowledged_at) {
    o.custom_fields["pagerduty_acknowledged_at"] = FormatTime(*pd.acknowledged_at);
  }
  for (const auto& id : pd.assignee_ids) {
    std::string who = dir.Actor(id);
    if (who != dir.fallback_actor) o.assignees.push_back(who);
  }
  return Converge(o, current, connector, event_at);
}

namespace {

// The outbox kind whose delivery PagerDuty logs as `type`.
std::string_view KindLoggedAs(std::string_view type) {
  if (type == "acknowledge_log_entry") return "acknowledge";
  if (type == "resolve_log_entry") return "resolve";
  if (type == "annotate_log_entry") return "note";
  return "";
}

// PagerDuty logs our change between the moment we made it and the moment it answered us; the
// two clocks may disagree by a little, so allow two minutes either side.
constexpr auto kSkew = std::chrono::minutes(2);

bool Within(Time at, const store::SentChange& c) {
  return at >= c.queued_at - kSkew && (c.sent_at == Time::max() || at <= c.sent_at + kSkew);
}

bool IsOurChange(const PdLogEntry& e, const std::vector<store::SentChange>& ours) {
  std::string_view kind = KindLoggedAs(e.type);
  if (kind.empty()) return false;
  if (kind == "note") return IsOurNote(e.note, e.at, ours);
  for (const auto& c : ours) {
    if (c.kind == kind && Within(e.at, c)) return true;
  }
  return false;
}

}  // namespace

bool IsOurNote(const std::string& content, Time at, const std::vector<store::SentChange>& ours) {
  // A note im sent: a note, or the note an acknowledge, resolve or reopen carried.
  for (const auto& c : ours) {
    if (!c.text.empty() && c.text == content && Within(at, c)) return true;
  }
  return false;
}

bool MayEchoOurChange(const PdLogEntry& entry) { return !KindLoggedAs(entry.type).empty(); }

store::ProviderUpdate UpdateFromLogEntry(const PdLogEntry& e, const core::Incident& current,
                                         const Directory& dir,
                                         const std::vector<store::SentChange>& ours) {
  store::ProviderUpdate u;
  if (IsOurChange(e, ours)) {
    u.skip = true;  // our own acknowledge, resolve or note, already on the timeline
    return u;
  }
  core::Incident i = current;
  std::string who = dir.Actor(e.agent_id);
  std::string key = "pd-log:" + e.id;
  // An incident declared in im sends its own acknowledge, resolve and notes to PagerDuty, whose
  // log then records them again: read back, they would be echoes. For such incidents a log
  // entry only adds what im does not have yet (an acknowledgement or resolve made in
  // PagerDuty first); notes made in PagerDuty arrive by webhook, keyed by their note id.
  if (!current.source.starts_with("pagerduty:")) {
    bool acked = current.status != core::Status::kOpen;
    bool resolved =
        current.status == core::Status::kResolved || current.status == core::Status::kClosed;
    if ((e.type == "acknowledge_log_entry" && acked) ||
        (e.type == "resolve_log_entry" && resolved) || e.type == "annotate_log_entry") {
      u.skip = true;
      return u;
    }
  }
  if (e.type == "acknowledge_log_entry") {
    if (!i.acknowledged_at || e.at < *i.acknowledged_at) {
      i.acknowledged_at = e.at;
      i.acknowledged_by = who;
    }
    auto& theirs = i.custom_fields["pagerduty_acknowledged_at"];
    if (auto known = ParseTime(theirs); !known || e.at < *known) theirs = FormatTime(e.at);
    u.entries.push_back({.at = e.at,
                         .kind = core::EntryKind::kAcknowledged,
                         .actor = who,
                         .message = "acknowledged in PagerDuty by " + who,
                         .source = "pagerduty",
                         .external_key = key});
  } else if (e.type == "resolve_log_entry") {
    if (i.resolved_at && i.resolved_by.empty()) i.resolved_by = who;
    u.entries.push_back(
        {.at = e.at,
         .kind = core::EntryKind::kResolved,
         .actor = who,
         .message = "resolved in PagerDuty by " + who + (e.note.empty() ? "" : ": " + e.note),
         .source = "pagerduty",
         .external_key = key});
  } else if (e.type == "annotate_log_entry") {
    if (e.note.empty()) {
      u.skip = true;
      return u;
    }
    u.entries.push_back({.at = e.at,
                         .kind = core::EntryKind::kNote,
                         .actor = who,
                         .message = e.note.substr(0, core::kMaxTextLength),
                         .source = "pagerduty",
                         .external_key = key});
  } else if (e.type == "escalate_log_entry" || e.type == "notify_log_entry" ||
             e.type == "assign_log_entry" || e.type == "unacknowledge_log_entry") {
    u.entries.push_back({.at = e.at,
                         .kind = core::EntryKind::kStatusChange,
                         .actor = who,
                         .message = "PagerDuty: " + e.type.substr(0, e.type.size() - 10) +
                                    (e.note.empty() ? "" : ": " + e.note),
                         .source = "pagerduty",
                         .external_key = key});
  } else {
    u.skip = true;
    return u;
  }
  u.incident = i;
  return u;
}

}  // namespace im::connectors::pagerduty

#include "connectors/opsgenie/mapping.h"

#include <cctype>

#include "common/time.h"

namespace im::connectors::opsgenie {
namespace {

Result<Time> OgTime(const json::object& o, std::string_view field) {
  auto text = json::GetString(o, field);
  if (!text) return std::unexpected(text.error());
  auto t = ParseTime(*text);
  if (!t) return Fail(ErrorCode::kInvalidArgument, std::string(field) + ": " + t.error().message);
  return *t;
}

std::optional<int64_t> OgInt(const json::object& o, std::string_view field) {
  auto it = o.find(field);
  if (it == o.end()) return std::nullopt;
  if (it->value().is_int64()) return it->value().as_int64();
  if (it->value().is_uint64()) return static_cast<int64_t>(it->value().as_uint64());
  if (it->value().is_double()) return static_cast<int64_t>(it->value().as_double());
  return std::nullopt;
}

core::Urgency OgUrgency(core::Severity s) {
  return s == core::Severity::kSev1 || s == core::Severity::kSev2 ? core::Urgency::kHigh
                                                                  : core::Urgency::kLow;
}

ObservedIncident OgBase(const std::string& kind, const std::string& id, const std::string& tiny,
                        const Settings& s, const std::string& priority, const OgDirectory& dir) {
  ObservedIncident o;
  o.provider = "Opsgenie";
  o.source = "opsgenie";
  o.external_id = kind == "alert" ? AlertKey(id) : IncidentKey(id);
  o.key_prefix = "og:" + kind + ":" + id;
  o.label = "Opsgenie " + kind + " #" + tiny + " (" + id + ")";
  o.severity = s.SeverityOf(priority);
  o.urgency = OgUrgency(o.severity);
  o.fallback_actor = dir.fallback_actor;
  o.custom_fields = {{"opsgenie_kind", kind},
                     {"opsgenie_id", id},
                     {"opsgenie_tiny_id", tiny},
                     {"opsgenie_priority", priority}};
  return o;
}

}  // namespace

Result<OgAlert> ParseAlert(const json::object& o) {
  OgAlert a;
  auto id = json::GetString(o, "id");
  if (!id || id->empty()) return Fail(ErrorCode::kInvalidArgument, "an Opsgenie alert has no id");
  a.id = *id;
  a.tiny_id = json::StringOr(o, "tinyId");
  a.alias = json::StringOr(o, "alias");
  a.message = json::StringOr(o, "message");
  a.status = json::StringOr(o, "status");
  if (auto ack = json::GetOptionalBool(o, "acknowledged"); ack && *ack) a.acknowledged = **ack;
  a.priority = json::StringOr(o, "priority");
  a.count = OgInt(o, "count").value_or(1);
  auto created = OgTime(o, "createdAt");
  if (!created) return std::unexpected(created.error().Wrap("Opsgenie alert " + a.id));
  a.created_at = *created;
  auto updated = OgTime(o, "updatedAt");
  a.updated_at = updated ? *updated : a.created_at;
  a.owner = json::StringOr(o, "owner");
  a.owner_team_id = json::StringOr(o, "ownerTeamId");
  if (auto it = o.find("report"); it != o.end() && it->value().is_object()) {
    const auto& r = it->value().as_object();
    a.ack_ms = OgInt(r, "ackTime");
    a.close_ms = OgInt(r, "closeTime");
    a.acknowledged_by = json::StringOr(r, "acknowledgedBy");
    a.closed_by = json::StringOr(r, "closedBy");
  }
  if (auto it = o.find("responders"); it != o.end() && it->value().is_array()) {
    for (const auto& r : it->value().as_array()) {
      if (r.is_object() && json::StringOr(r.as_object(), "type") == "team") {
        a.team_ids.push_back(json::StringOr(r.as_object(), "id"));
      }
    }
  }
  if (auto it = o.find("teams"); it != o.end() && it->value().is_array()) {
    for (const auto& t : it->value().as_array()) {
      if (!t.is_object()) continue;
      std::string tid = json::StringOr(t.as_object(), "id");
      if (!tid.empty() && std::find(a.team_ids.begin(), a.team_ids.end(), tid) == a.team_ids.end())
        a.team_ids.push_back(tid);
    }
  }
  if (auto it = o.find("details"); it != o.end() && it->value().is_object()) {
    a.service = json::StringOr(it->value().as_object(), "service");
  }
  return a;
}

Result<OgIncident> ParseIncident(const json::object& o) {
  OgIncident i;
  auto id = json::GetString(o, "id");
  if (!id || id->empty()) {
    return Fail(ErrorCode::kInvalidArgument, "an Opsgenie incident has no id");
  }
  i.id = *id;
  i.tiny_id = json::StringOr(o, "tinyId");
  i.message = json::StringOr(o, "message");
  i.status = json::StringOr(o, "status");
  i.priority = json::StringOr(o, "priority");
  auto created = OgTime(o, "createdAt");
  if (!created) return std::unexpected(created.error().Wrap("Opsgenie incident " + i.id));
  i.created_at = *created;
  auto updated = OgTime(o, "updatedAt");
  i.updated_at = updated ? *updated : i.created_at;
  i.owner = json::StringOr(o, "owner");
  // ownerTeam is an id in the Incident API's answers (an object in some SDK models).
  if (auto it = o.find("ownerTeam"); it != o.end()) {
    if (it->value().is_string()) i.owner_team_id = it->value().as_string();
    if (it->value().is_object()) i.owner_team_id = json::StringOr(it->value().as_object(), "id");
  }
  i.service_id = json::StringOr(o, "serviceId");
  if (auto it = o.find("responders"); it != o.end() && it->value().is_array()) {
    for (const auto& r : it->value().as_array()) {
      if (r.is_object()) i.responder_ids.push_back(json::StringOr(r.as_object(), "id"));
    }
  }
  return i;
}

void ReadTimeline(const json::array& entries, OgIncident& incident) {
  std::optional<Time> resolved, closed;
  std::string resolved_by, closed_by;
  for (const auto& v : entries) {
    if (!v.is_object()) continue;
    const auto& e = v.as_object();
    std::string type = json::StringOr(e, "type");
    auto at = OgTime(e, "eventTime");
    if (!at) continue;
    std::string actor;
    if (auto a = e.find("actor"); a != e.end() && a->value().is_object()) {
      actor = json::StringOr(a->value().as_object(), "name");
    }
    if (type == "IncidentResolved" && (!resolved || *at < *resolved)) {
      resolved = *at;
      resolved_by = actor;
    }
    if (type == "IncidentClosed" && (!closed || *at < *closed)) {
      closed = *at;
      closed_by = actor;
    }
    if (type == "NoteAdded" || type == "CustomUserEntry") {
      std::string id = json::StringOr(e, "id");
      std::string text;
      for (const char* field : {"title", "description"}) {
        auto f = e.find(field);
        if (f == e.end() || !f->value().is_object()) continue;
        std::string part = json::StringOr(f->value().as_object(), "content");
        if (part.empty() || (type == "NoteAdded" && std::string_view(field) == "title")) continue;
        text += (text.empty() ? "" : ": ") + part;
      }
      auto hidden = e.find("hidden");
      bool shown = hidden == e.end() || !hidden->value().is_bool() || !hidden->value().as_bool();
      if (!id.empty() && !text.empty() && shown) {
        incident.notes.push_back({id, actor, text, *at});
      }
    }
  }
  if (resolved) {
    incident.resolved_at = resolved;
    incident.resolved_by = resolved_by;
  } else if (closed) {
    incident.resolved_at = closed;
    incident.resolved_by = closed_by;
  }
}

std::string OgDirectory::Actor(const std::string& who) const {
  if (auto it = user_email.find(who); it != user_email.end()) return it->second;
  if (who.find('@') != std::string::npos && who.find(' ') == std::string::npos) return who;
  return fallback_actor;
}

std::string OgDirectory::TeamName(const std::string& id) const {
  auto it = team_name.find(id);
  return it == team_name.end() ? "" : it->second;
}

std::string OgServiceName(const std::string& name) {
  size_t start = 0;
  while (start < name.size() && !std::isalnum(static_cast<unsigned char>(name[start]))) ++start;
  std::string out;
  for (size_t i = start; i < name.size() && out.size() < 64; ++i) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    out += std::isalnum(c) || c == '-' || c == '_' || c == '.' ? static_cast<char>(c) : '-';
  }
  return out.empty() ? "default" : out;
}

ObservedIncident ObserveAlert(const OgAlert& a, const Settings& s, const OgDirectory& dir) {
  ObservedIncident o = OgBase("alert", a.id, a.tiny_id, s, a.priority, dir);
  o.title = a.message.empty() ? "Opsgenie alert " + a.tiny_id : a.message;
  // An alert's service: the service its details name, else its first team, else "default".
  std::string team;
  for (const auto& t : a.team_ids) {
    if (team.empty()) team = dir.TeamName(t);
  }
  if (team.empty()) team = dir.TeamName(a.owner_team_id);
  o.service = OgServiceName(!a.service.empty() ? a.service : team);
  o.created_at = a.created_at;
  if (a.ack_ms) {
    o.acknowledged_at = a.created_at + std::chrono::milliseconds(*a.ack_ms);
    o.acknowledged_by = dir.Actor(a.acknowledged_by);
    o.custom_fields["opsgenie_acknowledged_at"] = FormatTime(*o.acknowledged_at);
  }
  if (a.status == "closed") {
    o.status = core::Status::kResolved;
    o.resolved_at =
        a.created_at +
        std::chrono::milliseconds(a.close_ms.value_or(
            std::chrono::duration_cast<std::chrono::milliseconds>(a.updated_at - a.created_at)
                .count()));
    o.resolved_by = dir.Actor(a.closed_by);
  } else if (a.acknowledged) {
    o.status = core::Status::kMitigated;
  } else {
    o.status = core::Status::kOpen;
  }
  if (!a.alias.empty()) o.custom_fields["opsgenie_alias"] = a.alias;
  o.custom_fields["opsgenie_count"] = std::to_string(a.count);
  if (!team.empty()) o.custom_fields["opsgenie_team"] = team;
  return o;
}

ObservedIncident ObserveIncident(const OgIncident& i, const Settings& s, const OgDirectory& dir) {
  ObservedIncident o = OgBase("incident", i.id, i.tiny_id, s, i.priority, dir);
  o.title = i.message.empty() ? "Opsgenie incident " + i.tiny_id : i.message;
  std::string team = dir.TeamName(i.owner_team_id);
  std::string service;
  if (auto it = dir.service_name.find(i.service_id); it != dir.service_name.end()) {
    service = it->second;
  }
  o.service = OgServiceName(!service.empty() ? service : team);
  o.created_at = i.created_at;
  for (const auto& n : i.notes) {
    o.entries.push_back({.at = n.at,
                         .kind = core::EntryKind::kNote,
                         .actor = dir.Actor(n.actor),
                         .message = n.text,
                         .source = o.source,
                         .external_key = o.key_prefix + ":entry:" + n.id});
  }
  if (i.status == "resolved" || i.status == "closed") {
    o.status = core::Status::kResolved;
    o.resolved_at = i.resolved_at.value_or(i.updated_at);
    o.resolved_by = dir.Actor(i.resolved_by);
  } else {
    o.status = core::Status::kOpen;
  }
  for (const auto& r : i.responder_ids) {
    if (auto it = dir.user_email.find(r); it != dir.user_email.end()) {
      o.assignees.push_back(it->second);
    }
  }
  if (!team.empty()) o.custom_fields["opsgenie_team"] = team;
  if (!i.service_id.empty()) o.custom_fields["opsgenie_service_id"] = i.service_id;
  return o;
}

store::ProviderUpdate AcknowledgedThroughAlert(const core::Incident& incident,
                                               const ObservedIncident& alert,
                                               std::optional<Time> last_event_at) {
  store::ProviderUpdate u;
  if (!alert.acknowledged_at ||
      (incident.acknowledged_at && *incident.acknowledged_at <= *alert.acknowledged_at)) {
    u.skip = true;
    return u;
  }
  const Time at = *alert.acknowledged_at;
  const std::string who =
      alert.acknowledged_by.empty() ? alert.fallback_actor : alert.acknowledged_by;
  u.event_at = last_event_at;
  u.incident = incident;
  u.incident.acknowledged_at = at;
  u.incident.acknowledged_by = who;
  u.incident.custom_fields["opsgenie_acknowledged_at"] = FormatTime(at);
  u.incident.version = incident.version + 1;
  u.incident.updated_at = std::max(incident.updated_at, at);
  u.entries.push_back({.at = at,
                       .kind = core::EntryKind::kAcknowledged,
                       .actor = who,
                       .message = "acknowledged in Opsgenie through " + alert.label,
                       .source = alert.source,
                       .external_key = alert.key_prefix + ":ack"});
  return u;
}

}  // namespace im::connectors::opsgenie

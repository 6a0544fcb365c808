#include "core/incident_json.h"

#include "common/time.h"

namespace im::core {
namespace {

json::value OptTime(const std::optional<Time>& t) {
  return t ? json::value(FormatTime(*t)) : json::value(nullptr);
}

json::value OptText(const std::string& s) {
  return s.empty() ? json::value(nullptr) : json::value(s);
}

json::array Strings(const std::vector<std::string>& items) {
  json::array a;
  for (const auto& s : items) a.emplace_back(s);
  return a;
}

Result<std::vector<std::string>> StringList(const json::object& body, std::string_view field) {
  auto arr = json::GetOptionalArray(body, field);
  if (!arr) return std::unexpected(arr.error());
  std::vector<std::string> out;
  if (!*arr) return out;
  for (const auto& item : **arr) {
    if (!item.is_string()) {
      return Fail(ErrorCode::kInvalidArgument,
                  "field '" + std::string(field) + "' must be an array of strings");
    }
    out.emplace_back(item.as_string());
  }
  return out;
}

}  // namespace

json::object IncidentToJson(const Incident& i) {
  json::object fields;
  for (const auto& [k, v] : i.custom_fields) fields[k] = v;
  return json::object{
      {"id", IncidentId(i.number)},
      {"number", i.number},
      {"title", i.title},
      {"description", i.description},
      {"severity", SeverityName(i.severity)},
      {"urgency", UrgencyName(i.urgency)},
      {"status", StatusName(i.status)},
      {"services", Strings(i.services)},
      {"assignees", Strings(i.assignees)},
      {"custom_fields", std::move(fields)},
      {"created_at", FormatTime(i.created_at)},
      {"created_by", i.created_by},
      {"acknowledged_at", OptTime(i.acknowledged_at)},
      {"acknowledged_by", OptText(i.acknowledged_by)},
      {"resolved_at", OptTime(i.resolved_at)},
      {"resolved_by", OptText(i.resolved_by)},
      {"closed_at", OptTime(i.closed_at)},
      {"closed_by", OptText(i.closed_by)},
      {"source", i.source},
      {"synced_with", OptText(i.synced_with)},
      {"updated_at", FormatTime(i.updated_at)},
      {"version", i.version},
  };
}

json::object IncidentToJson(const Incident& incident, const SlaStatus& sla) {
  json::object o = IncidentToJson(incident);
  o["sla"] = SlaToJson(sla);
  return o;
}

json::object TimelineEntryToJson(const TimelineEntry& e) {
  return json::object{{"id", e.id},       {"at", FormatTime(e.at)}, {"kind", EntryKindName(e.kind)},
                      {"actor", e.actor}, {"message", e.message},   {"source", e.source}};
}

json::object SlaToJson(const SlaStatus& sla) {
  auto clock = [](const SlaClock& c) {
    return json::object{{"state", SlaStateName(c.state)},
                        {"target", FormatDuration(c.target)},
                        {"due_at", FormatTime(c.due)}};
  };
  return json::object{{"acknowledge", clock(sla.acknowledge)},
                      {"resolve", clock(sla.resolve)},
                      {"policy", sla.policy}};
}

json::object ServiceToJson(const Service& s) {
  return json::object{{"name", s.name},
                      {"description", s.description},
                      {"team", s.team},
                      {"owner", s.owner},
                      {"created_at", FormatTime(s.created_at)}};
}

json::object TokenToJson(const ApiToken& t) {
  return json::object{{"id", t.id},
                      {"name", t.name},
                      {"prefix", t.prefix},
                      {"created_at", FormatTime(t.created_at)},
                      {"created_by", t.created_by},
                      {"revoked_at", OptTime(t.revoked_at)},
                      {"last_used_at", OptTime(t.last_used_at)}};
}

Result<DeclareRequest> DeclareRequestFromJson(const json::object& body) {
  if (auto ok =
          json::RejectUnknownFields(body, {"title", "severity", "services", "service",
                                           "description", "urgency", "assignees", "custom_fields"});
      !ok) {
    return std::unexpected(ok.error());
  }
  DeclareRequest r;
  auto title = json::GetString(body, "title");
  if (!title) return std::unexpected(title.error());
  r.title = *title;
  auto sev = json::GetString(body, "severity");
  if (!sev) return std::unexpected(sev.error());
  auto severity = ParseSeverity(*sev);
  if (!severity) return std::unexpected(severity.error());
  r.severity = *severity;
  auto desc = json::GetOptionalString(body, "description");
  if (!desc) return std::unexpected(desc.error());
  r.description = desc->value_or("");
  auto urgency = json::GetOptionalString(body, "urgency");
  if (!urgency) return std::unexpected(urgency.error());
  if (*urgency) {
    auto u = ParseUrgency(**urgency);
    if (!u) return std::unexpected(u.error());
    r.urgency = *u;
  }
  auto services = StringList(body, "services");
  if (!services) return std::unexpected(services.error());
  r.services = *services;
  auto one = json::GetOptionalString(body, "service");
  if (!one) return std::unexpected(one.error());
  if (*one) r.services.insert(r.services.begin(), **one);
  auto assignees = StringList(body, "assignees");
  if (!assignees) return std::unexpected(assignees.error());
  r.assignees = *assignees;
  auto fields = json::GetOptionalObject(body, "custom_fields");
  if (!fields) return std::unexpected(fields.error());
  if (*fields) {
    for (const auto& kv : **fields) {
      if (!kv.value().is_string()) {
        return Fail(ErrorCode::kInvalidArgument,
                    "custom field '" + std::string(kv.key()) + "' must be a string value");
      }
      r.custom_fields[std::string(kv.key())] = kv.value().as_string();
    }
  }
  return r;
}

}  // namespace im::core

#include "core/incident_json.h"

#include "common/json_writer.h"
#include "common/time.h"

namespace im::core {
namespace {

json::value OptTime(const std::optional<Time>& t) {
  return t ? json::value(FormatTime(*t)) : json::value(nullptr);
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

void OptTime(json::Writer& w, const std::optional<Time>& t) {
  if (t) {
    w.Time(*t);
  } else {
    w.Null();
  }
}

void Strings(json::Writer& w, const std::vector<std::string>& items) {
  w.BeginArray();
  for (const auto& s : items) w.String(s);
  w.EndArray();
}

void SlaClockJson(json::Writer& w, const SlaClock& c) {
  w.BeginObject()
      .Key("state")
      .String(SlaStateName(c.state))
      .Key("target")
      .String(FormatDuration(c.target))
      .Key("due_at")
      .Time(c.due)
      .EndObject();
}

// The members of an incident's object, without the closing brace.
void OpenIncident(json::Writer& w, const Incident& i, const SlaStatus& sla) {
  w.BeginObject();
  w.Key("id").String(IncidentId(i.number));
  w.Key("number").Int(i.number);
  w.Key("title").String(i.title);
  w.Key("description").String(i.description);
  w.Key("severity").String(SeverityName(i.severity));
  w.Key("urgency").String(UrgencyName(i.urgency));
  w.Key("status").String(StatusName(i.status));
  w.Key("services");
  Strings(w, i.services);
  w.Key("assignees");
  Strings(w, i.assignees);
  w.Key("custom_fields").BeginObject();
  for (const auto& [k, v] : i.custom_fields) w.EscapedKey(k).String(v);
  w.EndObject();
  w.Key("created_at").Time(i.created_at);
  w.Key("created_by").String(i.created_by);
  w.Key("acknowledged_at");
  OptTime(w, i.acknowledged_at);
  w.Key("acknowledged_by").StringOrNull(i.acknowledged_by);
  w.Key("resolved_at");
  OptTime(w, i.resolved_at);
  w.Key("resolved_by").StringOrNull(i.resolved_by);
  w.Key("closed_at");
  OptTime(w, i.closed_at);
  w.Key("closed_by").StringOrNull(i.closed_by);
  w.Key("source").String(i.source);
  w.Key("synced_with").StringOrNull(i.synced_with);
  w.Key("updated_at").Time(i.updated_at);
  w.Key("version").Int(i.version);
  w.Key("sla").BeginObject().Key("acknowledge");
  SlaClockJson(w, sla.acknowledge);
  w.Key("resolve");
  SlaClockJson(w, sla.resolve);
  w.Key("policy").String(sla.policy).EndObject();
}

void WriteEntry(json::Writer& w, const core::TimelineEntry& e) {
  w.BeginObject()
      .Key("id")
      .Int(e.id)
      .Key("at")
      .Time(e.at)
      .Key("kind")
      .String(EntryKindName(e.kind))
      .Key("actor")
      .String(e.actor)
      .Key("message")
      .String(e.message)
      .Key("source")
      .String(e.source)
      .EndObject();
}

// Text this file wrote itself, read back as a tree. Stored text is not always UTF-8 (a title
// typed at a terminal in another encoding), and is passed through as the writer passed it.
json::object Tree(const std::string& text) {
  boost::json::parse_options opts;
  opts.allow_invalid_utf8 = true;
  return boost::json::parse(text, {}, opts).as_object();  // throws only on a writer bug
}

}  // namespace

void AppendIncidentJson(std::string& out, const Incident& incident, const SlaStatus& sla) {
  json::Writer w(out);
  OpenIncident(w, incident, sla);
  w.EndObject();
}

void AppendIncidentJson(std::string& out, const Incident& incident, const SlaStatus& sla,
                        const std::vector<core::TimelineEntry>& timeline) {
  json::Writer w(out);
  OpenIncident(w, incident, sla);
  w.Key("timeline").BeginArray();
  for (const auto& e : timeline) WriteEntry(w, e);
  w.EndArray().EndObject();
}

void AppendTimelineEntryJson(std::string& out, const core::TimelineEntry& entry) {
  json::Writer w(out);
  WriteEntry(w, entry);
}

json::object IncidentToJson(const Incident& incident, const SlaStatus& sla) {
  std::string text;
  AppendIncidentJson(text, incident, sla);
  return Tree(text);
}

json::object IncidentToJson(const Incident& incident, const SlaStatus& sla,
                            const std::vector<core::TimelineEntry>& timeline) {
  std::string text;
  AppendIncidentJson(text, incident, sla, timeline);
  return Tree(text);
}

json::object TimelineEntryToJson(const core::TimelineEntry& entry) {
  std::string text;
  AppendTimelineEntryJson(text, entry);
  return Tree(text);
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
                      {"hint", t.hint},
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

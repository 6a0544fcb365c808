// Rendering of the incident.io objects. Field names follow the OpenAPI schemas (IncidentV2,
// IncidentUpdateV2, SeverityV1/V2, IncidentStatusV1/V2, ScheduleV2, ScheduleEntryV2, UserV2).
#include "sim/incidentio/json.h"

#include <cstdio>
#include <random>

#include "common/crypto.h"
#include "common/time.h"
#include "sim/common/json_response.h"

namespace im::sim::incidentio {
json::object UserJson(const User& u) {
  return {{"id", u.id}, {"name", u.name}, {"email", u.email}, {"role", u.role}};
}

json::object UserWithRolesJson(const User& u) {
  json::object o = UserJson(u);
  bool owner = u.role == "owner";
  o["base_role"] = json::object{{"id", owner ? "01OWNER" : "01RESPONDER"},
                                {"name", owner ? "Owner" : "Responder"},
                                {"slug", owner ? "owner" : "responder"}};
  o["custom_roles"] = json::array{};
  o["seats"] = json::object{{"on_call", "full_access"}, {"response", "full_access"}};
  o["is_active"] = true;
  return o;
}

json::object SeverityJson(const Severity& s, Time at) {
  return {{"id", s.id},
          {"name", s.name},
          {"description", s.description},
          {"rank", s.rank},
          {"created_at", FormatTime(at)},
          {"updated_at", FormatTime(at)}};
}

json::object StatusJson(const Status& s, Time at) {
  json::object o = SeverityJson({s.id, s.name, s.description, s.rank}, at);
  o["category"] = s.category;
  return o;
}

json::object CatalogEntryJson(const World& w, const CatalogEntry& e) {
  return {{"id", e.id},
          {"catalog_type_id", kServiceTypeId},
          {"name", e.name},
          {"aliases", json::array{}},
          {"rank", 0},
          {"attribute_values", json::object{}},
          {"created_at", FormatTime(w.configured_at)},
          {"updated_at", FormatTime(w.configured_at)}};
}

json::object EscalationPathJson(const EscalationPath& p) {
  json::array path;
  for (size_t i = 0; i < p.levels.size(); ++i) {
    json::array targets;
    for (const auto& [type, id] : p.levels[i].targets) {
      targets.push_back(json::object{{"id", id}, {"type", type}, {"urgency", "high"}});
    }
    path.push_back(json::object{
        {"id", p.id + "-N" + std::to_string(i + 1)},
        {"type", "level"},
        {"level", json::object{{"targets", std::move(targets)},
                               {"time_to_ack_seconds", p.levels[i].time_to_ack_seconds}}}});
  }
  if (p.repeat_times > 0 && !p.levels.empty()) {
    path.push_back(json::object{
        {"id", p.id + "-R"},
        {"type", "repeat"},
        {"repeat", json::object{{"to_node", p.id + "-N1"}, {"repeat_times", p.repeat_times}}}});
  }
  return {{"id", p.id}, {"name", p.name}, {"path", std::move(path)}, {"team_ids", json::array{}}};
}

json::object ServiceTypeJson(const World& w) {
  return {{"id", kServiceTypeId},
          {"name", "Service"},
          {"description", "The services we run"},
          {"type_name", "Custom[\"Service\"]"},
          {"semantic_type", "service"},
          {"ranked", false},
          {"schema", json::object{{"attributes", json::array{}}, {"version", 1}}},
          {"icon", "box"},
          {"categories", json::array{"service"}},
          {"color", "blue"},
          {"is_editable", true},
          {"annotations", json::object{}},
          {"estimated_count", w.services.size()},
          {"created_at", FormatTime(w.configured_at)},
          {"updated_at", FormatTime(w.configured_at)}};
}

json::array CustomFieldEntriesJson(const World& w, const Incident& inc) {
  json::array values;
  for (const auto& id : inc.service_ids) {
    if (const CatalogEntry* e = w.FindService(id)) {
      values.push_back(json::object{
          {"value_catalog_entry",
           json::object{{"id", e->id}, {"name", e->name}, {"aliases", json::array{}}}}});
    }
  }
  if (values.empty()) return {};
  return json::array{
      json::object{{"custom_field", json::object{{"id", kServicesFieldId},
                                                 {"name", "Affected services"},
                                                 {"description", "Which services are affected"},
                                                 {"field_type", "multi_select"},
                                                 {"options", json::array{}}}},
                   {"values", std::move(values)}}};
}

json::object IncidentJson(const World& w, const Incident& inc) {
  Time cfg = w.configured_at;
  const Status* st = w.FindStatus(inc.status_id);
  const Severity* sev = w.FindSeverity(inc.severity_id);
  const User* creator = w.FindUser(inc.creator_id);
  json::object creator_json;
  if (inc.creator_kind == "api_key") {
    creator_json["api_key"] = json::object{{"id", inc.creator_id}, {"name", "API key"}};
  } else if (creator) {
    creator_json["user"] = UserJson(*creator);
  }
  json::object o{
      {"id", inc.id},
      {"reference", inc.reference},
      {"name", inc.name},
      {"summary", inc.summary},
      {"permalink", "https://app.incident.io/sim/incidents/" + inc.reference.substr(4)},
      {"created_at", FormatTime(inc.created_at)},
      {"updated_at", FormatTime(inc.updated_at)},
      {"creator", std::move(creator_json)},
      {"incident_status", st ? json::value(StatusJson(*st, cfg)) : json::value(nullptr)},
      {"mode", inc.mode},
      {"visibility", inc.visibility},
      {"incident_role_assignments", json::array{}},
      {"custom_field_entries", CustomFieldEntriesJson(w, inc)},
      {"incident_timestamp_values", json::array{}},
      {"duration_metrics", json::array{}},
      {"slack_team_id", "T02A1FSLE8J"},
      {"slack_channel_id", "C" + (inc.id.size() > 16 ? inc.id.substr(16) : inc.id)},
      {"slack_channel_name", "inc-" + inc.reference.substr(4)},
      {"has_debrief", false},
  };
  if (sev) o["severity"] = SeverityJson(*sev, cfg);
  return o;
}

json::object UpdateJson(const World& w, const Update& u) {
  Time cfg = w.configured_at;
  json::object o{{"id", u.id},
                 {"incident_id", u.incident_id},
                 {"created_at", FormatTime(u.created_at)},
                 {"message", u.message}};
  if (!u.merged_into_incident_id.empty()) o["merged_into_incident_id"] = u.merged_into_incident_id;
  if (const Status* s = w.FindStatus(u.status_id)) o["new_incident_status"] = StatusJson(*s, cfg);
  if (const Severity* s = w.FindSeverity(u.severity_id)) o["new_severity"] = SeverityJson(*s, cfg);
  const User* by = w.FindUser(u.updater_id);
  o["updater"] = by ? json::object{{"user", UserJson(*by)}} : json::object{};
  return o;
}

json::object EntryJson(const World& w, const Entry& e) {
  // Scheduled entries are projections of the rotation, so they carry no entry_id; the
  // fingerprint is stable across requests for the same shift (ScheduleEntryV2).
  std::string shift = e.rotation_id + "/" + e.layer_id + "/" + e.user_id + "/" +
                      std::to_string(ToUnixMicros(e.start)) + "/" +
                      std::to_string(ToUnixMicros(e.end));
  json::object o{{"start_at", FormatTime(e.start)},
                 {"end_at", FormatTime(e.end)},
                 {"rotation_id", e.rotation_id},
                 {"layer_id", e.layer_id},
                 {"fingerprint", HexEncode(Sha256(shift)).substr(0, 32)}};
  if (const User* u = w.FindUser(e.user_id)) o["user"] = UserJson(*u);
  return o;
}

json::object ScheduleJson(const World& w, const Schedule& s, Time now) {
  json::array rotations, current, next;
  for (const auto& r : s.rotations) {
    json::array users;
    for (const auto& id : r.user_ids) {
      if (const User* u = w.FindUser(id)) users.push_back(UserJson(*u));
    }
    rotations.push_back(
        {{"id", r.id},
         {"name", r.name},
         {"handover_start_at", FormatTime(r.handover_start_at)},
         {"handovers",
          json::array{json::object{{"interval", r.interval}, {"interval_type", r.interval_type}}}},
         {"layers", json::array{json::object{{"id", r.id + "-L1"}, {"name", "Layer 1"}}}},
         {"users", std::move(users)},
         {"working_intervals", json::array{}},
         {"scheduling_mode", "sequential"}});
    auto shifts = RotationEntries(r, now, now + std::chrono::seconds(HandoverSeconds(r)) * 2);
    if (!shifts.empty()) current.push_back(EntryJson(w, shifts[0]));
    if (shifts.size() > 1) next.push_back(EntryJson(w, shifts[1]));
  }
  return {{"id", s.id},
          {"name", s.name},
          {"timezone", s.timezone},
          {"team_ids", json::array{}},
          {"permalink", "https://app.incident.io/sim/on-call/schedules/" + s.id},
          {"created_at", FormatTime(s.created_at)},
          {"updated_at", FormatTime(s.created_at)},
          {"annotations", json::object{}},
          {"config", {{"rotations", std::move(rotations)}}},
          {"current_shifts", std::move(current)},
          {"next_shifts", std::move(next)}};
}

std::string NewRequestId() {
  // A fresh UUID-shaped id per answer, as incident.io gives each request its own.
  std::random_device rd;
  uint32_t a = rd(), b = rd(), c = rd(), d = rd();
  char out[40];
  std::snprintf(out, sizeof out, "%08x-%04x-4%03x-%04x-%04x%08x", a, b >> 16, b & 0xfff,
                0x8000 | (c >> 18), c & 0xffff, d);
  return out;
}

net::HttpResponse ErrorResponse(int status, std::string_view type, std::string_view message,
                                std::string_view code) {
  return JsonResponse(
      status, json::object{{"type", type},
                           {"status", status},
                           {"request_id", NewRequestId()},
                           {"errors", json::array{json::object{{"code", code.empty() ? type : code},
                                                               {"message", message}}}}});
}

net::HttpResponse NotFound() {
  return ErrorResponse(404, "not_found", "The requested resource could not be found");
}

}  // namespace im::sim::incidentio

// Rendering of alerts, incidents and their satellites (see the header).
#include "sim/opsgenie/json.h"

#include "sim/opsgenie/response.h"

namespace im::sim::opsgenie {
namespace {

int64_t MillisBetween(Time from, Time to) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count();
}

json::array Strings(const std::vector<std::string>& v) {
  json::array out;
  for (const auto& s : v) out.push_back(json::value(s));
  return out;
}

json::object Details(const std::map<std::string, std::string>& m) {
  json::object out;
  for (const auto& [k, v] : m) out[k] = v;
  return out;
}

}  // namespace

json::object ResponderJson(const Participant& p) { return {{"type", p.type}, {"id", p.id}}; }

json::object AlertJson(const World& w, const Alert& a, bool full) {
  json::array responders, teams;
  for (const auto& r : a.responders) {
    responders.push_back(ResponderJson(r));
    if (r.type == "team") teams.push_back(json::object{{"id", r.id}});
  }
  json::object o{
      {"id", a.id},
      {"tinyId", a.tiny_id},
      {"alias", a.alias},
      {"message", a.message},
      {"status", a.status},
      {"acknowledged", a.acknowledged},
      {"isSeen", a.is_seen},
      {"tags", Strings(a.tags)},
      {"snoozed", a.snoozed},
      {"count", a.count},
      {"lastOccurredAt", FormatMillis(a.last_occurred_at)},
      {"createdAt", FormatMillis(a.created_at)},
      {"updatedAt", FormatMillis(a.updated_at)},
      {"source", a.source},
      {"owner", a.owner},
      {"priority", a.priority},
      {"responders", std::move(responders)},
      {"teams", std::move(teams)},
      {"integration",
       {{"id", w.integration.id}, {"name", w.integration.name}, {"type", w.integration.type}}}};
  if (!a.owner_team_id.empty()) o["ownerTeamId"] = a.owner_team_id;
  // report: milliseconds from createdAt to the first acknowledgement and to the close
  // (providers.md §4.2: the documented sample's small values are elapsed times).
  json::object report;
  if (a.acked_at) {
    report["ackTime"] = MillisBetween(a.created_at, *a.acked_at);
    report["acknowledgedBy"] = a.acked_by;
  }
  if (a.closed_at) {
    report["closeTime"] = MillisBetween(a.created_at, *a.closed_at);
    report["closedBy"] = a.closed_by;
  }
  if (!report.empty()) o["report"] = std::move(report);
  if (full) {
    o["actions"] = Strings(a.actions);
    o["entity"] = a.entity;
    o["description"] = a.description;
    o["details"] = Details(a.details);
  }
  return o;
}

json::object RequestStatusJson(const World& w, const Request& r) {
  json::object o{{"success", r.success},
                 {"action", r.action},
                 {"processedAt", FormatMillis(r.due)},
                 {"integrationId", w.integration.id},
                 {"isSuccess", r.success},
                 {"status", r.status}};
  if (r.domain == "incident") {
    o["incidentId"] = r.incident_id;
  } else {
    o["alertId"] = r.alert_id;
    o["alias"] = r.alias;
  }
  return o;
}

std::string LineOffset(const LogLine& l) {
  return std::to_string(EpochMillis(l.at)) + "_" + std::to_string(l.seq);
}

json::object LogJson(const LogLine& l) {
  return {{"log", l.text},
          {"type", l.type},
          {"owner", l.owner},
          {"createdAt", FormatMillis(l.at)},
          {"offset", LineOffset(l)}};
}

json::object NoteJson(const LogLine& l) {
  return {{"note", l.text},
          {"owner", l.owner},
          {"createdAt", FormatMillis(l.at)},
          {"offset", LineOffset(l)}};
}

json::object IncidentJson(const World& w, const Incident& i) {
  (void)w;
  json::array responders;
  for (const auto& r : i.responders) responders.push_back(ResponderJson(r));
  return {{"id", i.id},
          {"serviceId", i.service_id},
          {"tinyId", i.tiny_id},
          {"message", i.message},
          {"status", i.status},
          {"isSeen", i.is_seen},
          {"tags", Strings(i.tags)},
          {"createdAt", FormatMillis(i.created_at)},
          {"updatedAt", FormatMillis(i.updated_at)},
          {"source", i.source},
          {"owner", i.owner},
          {"priority", i.priority},
          {"responders", std::move(responders)},
          {"ownerTeam", i.owner_team_id},
          {"extraProperties", Details(i.details)}};
}

json::object TimelineEntryJson(const TimelineEntry& e) {
  return {{"id", e.id},
          {"group", e.group},
          {"type", e.type},
          {"eventTime", FormatMillis(e.event_time)},
          {"hidden", e.hidden},
          {"actor", {{"name", e.actor_name}, {"type", e.actor_type}}},
          {"title", {{"type", "plain_text"}, {"content", e.title}}},
          {"description", {{"type", "plain_text"}, {"content", e.content}}}};
}

json::object WebhookJson(const World& w, const std::string& action, const Alert& a,
                         const std::string& user, const std::string& note) {
  const User* u = w.FindUser(user);
  json::object alert{{"alertId", a.id},
                     {"message", a.message},
                     {"tags", Strings(a.tags)},
                     {"tinyId", a.tiny_id},
                     {"entity", a.entity},
                     {"alias", a.alias},
                     {"createdAt", EpochMillis(a.created_at)},
                     {"updatedAt", EpochMillis(a.updated_at)},
                     {"username", user.empty() ? "System" : user},
                     {"userId", u ? u->id : ""},
                     {"priority", a.priority},
                     {"source", a.source}};
  if (action == "Create") {  // only Create carries these, cut at 1,000 characters
    alert["description"] = a.description.substr(0, 1000);
    alert["details"] = Details(a.details);
  }
  if (!note.empty()) alert["note"] = note;
  return {{"action", action},
          {"alert", std::move(alert)},
          {"source", {{"name", a.source}, {"type", "API"}}},
          {"integrationName", w.integration.name},
          {"integrationId", w.integration.id},
          {"integrationType", w.integration.type}};
}

}  // namespace im::sim::opsgenie

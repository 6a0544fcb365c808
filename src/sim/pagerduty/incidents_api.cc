// /incidents/...: get, create, update (status, assignments, urgency, priority, escalation,
// resolution), notes, log entries and alerts. Writes need the From header.
#include <algorithm>

#include "common/time.h"
#include "sim/common/json_response.h"
#include "sim/pagerduty/incidents_list.h"
#include "sim/pagerduty/log_entry_view.h"
#include "sim/pagerduty/rest.h"
#include "sim/pagerduty/routes.h"

namespace im::sim::pagerduty {
namespace {

using Response = net::HttpResponse;

Response Create(State& st, const net::HttpRequest& req) {
  auto body = BodyObject(req, "incident");
  if (auto* err = std::get_if<Response>(&body)) return std::move(*err);
  const json::object& in = std::get<json::object>(body);
  std::lock_guard lock(st.mu);
  auto from = RequireFrom(st.world, req);
  if (auto* err = std::get_if<Response>(&from)) return std::move(*err);
  const User* user = std::get<const User*>(from);
  auto type = json::GetString(in, "type");
  if (!type || *type != "incident") return InvalidInput("incident.type must be \"incident\"");
  auto title = json::GetString(in, "title");
  if (!title || title->empty()) return InvalidInput("incident.title is required");
  auto service = json::GetObject(in, "service");
  if (!service) return InvalidInput("incident.service is required");
  auto service_id = json::GetString(**service, "id");
  if (!service_id || !st.world.FindService(*service_id)) {
    return InvalidInput("incident.service must reference an existing service");
  }
  auto urgency = json::GetOptionalString(in, "urgency");
  std::string urg = urgency && *urgency ? **urgency : "high";
  if (urg != "high" && urg != "low") return InvalidInput("urgency must be high or low");
  auto key = json::GetOptionalString(in, "incident_key");
  std::string incident_key = key && *key ? **key : "";
  if (in.contains("assignments") && in.contains("escalation_policy")) {
    return InvalidInput("assignments and escalation_policy cannot both be given");
  }
  if (!incident_key.empty()) {
    for (const auto& inc : st.world.incidents) {
      if (inc.service_id == *service_id && inc.incident_key == incident_key &&
          inc.status != "resolved") {
        return InvalidInput("Open incident with key '" + incident_key + "' already exists");
      }
    }
  }
  Incident& inc = st.CreateLocked(*service_id, *title, urg, incident_key,
                                  {"user_reference", user->id}, st.clock.Now());
  if (auto prio = json::GetOptionalObject(in, "priority"); prio && *prio) {
    if (auto id = json::GetString(**prio, "id")) inc.priority_id = *id;
  }
  return JsonResponse(201, json::object{{"incident", IncidentJson(st.world, st.urls, inc)}});
}

Response Update(State& st, const net::HttpRequest& req) {
  auto body = BodyObject(req, "incident");
  if (auto* err = std::get_if<Response>(&body)) return std::move(*err);
  const json::object& in = std::get<json::object>(body);
  std::lock_guard lock(st.mu);
  auto from = RequireFrom(st.world, req);
  if (auto* err = std::get_if<Response>(&from)) return std::move(*err);
  Agent by{"user_reference", std::get<const User*>(from)->id};
  Incident* inc = st.world.FindIncident(req.Param("id"));
  if (!inc) return NotFound();
  auto type = json::GetString(in, "type");
  if (!type || (*type != "incident_reference" && *type != "incident")) {
    return InvalidInput("incident.type must be \"incident_reference\"");
  }
  Time now = st.clock.Now();
  auto status = json::GetOptionalString(in, "status");
  auto urgency = json::GetOptionalString(in, "urgency");
  auto resolution = json::GetOptionalString(in, "resolution");
  auto title = json::GetOptionalString(in, "title");
  auto level = json::GetOptionalInt(in, "escalation_level");
  if (!status || !urgency || !resolution || !title || !level) {
    return InvalidInput("status, urgency, resolution and title must be strings");
  }
  if (*status && **status != "triggered" && **status != "acknowledged" && **status != "resolved") {
    return InvalidInput("status must be triggered, acknowledged or resolved");
  }
  if (*urgency && **urgency != "high" && **urgency != "low") {
    return InvalidInput("urgency must be high or low");
  }
  if (*title) inc->title = **title;
  if (*urgency) st.SetUrgencyLocked(*inc, by, now, **urgency);
  if (in.contains("priority")) {
    std::string pid;
    const json::value& p = in.at("priority");
    if (p.is_object() && p.as_object().contains("id") && p.as_object().at("id").is_string()) {
      pid = std::string(p.as_object().at("id").get_string());
    }
    st.SetPriorityLocked(*inc, by, now, pid);
  }
  if (auto assignments = json::GetOptionalArray(in, "assignments"); assignments && *assignments) {
    std::vector<std::string> ids;
    for (const auto& a : **assignments) {
      const json::value* id = a.is_object() ? a.as_object().if_contains("assignee") : nullptr;
      const json::value* uid = id && id->is_object() ? id->as_object().if_contains("id") : nullptr;
      if (!uid || !uid->is_string() || !st.world.FindUser(uid->get_string())) {
        return InvalidInput("assignments[].assignee must reference an existing user");
      }
      ids.emplace_back(uid->get_string());
    }
    st.ReassignLocked(*inc, by, now, ids);
  }
  if (*level) st.EscalateLocked(*inc, by, now, static_cast<int>(**level));
  if (*status) {
    const std::string& s = **status;
    if (s == "acknowledged") st.AcknowledgeLocked(*inc, by, now);
    if (s == "resolved") st.ResolveLocked(*inc, by, now, resolution->value_or(""));
    if (s == "triggered") {
      if (!st.ReopenLocked(*inc, by, now)) st.UnacknowledgeLocked(*inc, by, now);
    }
  }
  inc->updated_at = now;
  return JsonResponse(200, json::object{{"incident", IncidentJson(st.world, st.urls, *inc)}});
}

Response AddNote(State& st, const net::HttpRequest& req) {
  auto body = BodyObject(req, "note");
  if (auto* err = std::get_if<Response>(&body)) return std::move(*err);
  auto content = json::GetString(std::get<json::object>(body), "content");
  if (!content || content->empty()) return InvalidInput("note.content is required");
  std::lock_guard lock(st.mu);
  auto from = RequireFrom(st.world, req);
  if (auto* err = std::get_if<Response>(&from)) return std::move(*err);
  Incident* inc = st.world.FindIncident(req.Param("id"));
  if (!inc) return NotFound();
  if (inc->notes.size() >= 2000) return InvalidInput("An incident can have at most 2000 notes");
  Note& n = st.AnnotateLocked(*inc, std::get<const User*>(from)->id, *content, st.clock.Now());
  // The REST v2 spec documents 200 for a created note.
  return JsonResponse(200, json::object{{"note", NoteJson(st.world, st.urls, n)}});
}

// GET handlers on one incident: `render` gets the locked world and the incident.
template <typename Render>
Response WithIncident(State& st, const net::HttpRequest& req, Render render) {
  std::lock_guard lock(st.mu);
  Incident* inc = st.world.FindIncident(req.Param("id"));
  if (!inc) return NotFound();
  return render(*inc);
}

Response LogEntries(State& st, const net::HttpRequest& req) {
  auto page = ParsePage(req);
  if (auto* err = std::get_if<Response>(&page)) return std::move(*err);
  auto view = ParseLogEntryView(req);
  if (auto* err = std::get_if<Response>(&view)) return std::move(*err);
  const LogEntryView& v = std::get<LogEntryView>(view);
  return WithIncident(st, req, [&](const Incident& inc) {
    std::vector<const LogEntry*> entries;
    for (auto it = inc.log.rbegin(); it != inc.log.rend(); ++it) {  // newest first
      if (v.overview && !ShownInOverview(*it)) continue;
      entries.push_back(&*it);
    }
    return ListResponse("log_entries", entries, std::get<Page>(page), [&](const LogEntry* e) {
      return json::value(RenderLogEntry(st.world, st.urls, inc, *e, v));
    });
  });
}

}  // namespace

void AddIncidentRoutes(SimRouter& r, State& st, RateLimiter* limiter) {
  SimRoute read{.limiter = limiter}, write{.write = true, .limiter = limiter};
  r.Add(
      "GET", "/incidents", [&st](const auto& req) { return ListIncidents(st, req); }, read);
  r.Add(
      "POST", "/incidents", [&st](const auto& req) { return Create(st, req); }, write);
  r.Add(
      "GET", "/incidents/{id}",
      [&st](const auto& req) {
        return WithIncident(st, req, [&](const Incident& inc) {
          return JsonResponse(200,
                              json::object{{"incident", IncidentJson(st.world, st.urls, inc)}});
        });
      },
      read);
  r.Add(
      "PUT", "/incidents/{id}", [&st](const auto& req) { return Update(st, req); }, write);
  r.Add(
      "GET", "/incidents/{id}/notes",
      [&st](const auto& req) {
        return WithIncident(st, req, [&](const Incident& inc) {
          json::array notes;
          for (const auto& n : inc.notes) notes.push_back(NoteJson(st.world, st.urls, n));
          return JsonResponse(200, json::object{{"notes", std::move(notes)}});
        });
      },
      read);
  r.Add(
      "POST", "/incidents/{id}/notes", [&st](const auto& req) { return AddNote(st, req); }, write);
  r.Add(
      "GET", "/incidents/{id}/log_entries", [&st](const auto& req) { return LogEntries(st, req); },
      read);
  r.Add(
      "GET", "/incidents/{id}/alerts",
      [&st](const auto& req) {
        auto page = ParsePage(req);
        if (auto* err = std::get_if<Response>(&page)) return std::move(*err);
        return WithIncident(st, req, [&](const Incident& inc) {
          return ListResponse("alerts", inc.alerts, std::get<Page>(page), [&](const Alert& a) {
            return json::value(AlertJson(st.world, st.urls, inc, a));
          });
        });
      },
      read);
}

}  // namespace im::sim::pagerduty

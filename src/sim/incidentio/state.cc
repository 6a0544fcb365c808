// Incident changes of the incident.io simulator and their webhooks.
#include "sim/incidentio/state.h"

#include <algorithm>

#include "common/time.h"
#include "sim/incidentio/generator.h"
#include "sim/incidentio/json.h"

namespace im::sim::incidentio {

Incident& State::DeclareLocked(std::string name, std::string severity_id, const std::string& by,
                               Time at, const std::function<void(Incident&)>& prepare) {
  Incident& inc = DeclareIncident(world, rng, at, std::move(name), std::move(severity_id), by);
  if (prepare) prepare(inc);
  EmitIncidentLocked(inc, "incident_created_v2", IncidentJson(world, inc));
  return inc;
}

bool State::ChangeStatusLocked(Incident& inc, const std::string& status_id, const std::string& by,
                               Time at, std::string message) {
  std::string previous = inc.status_id;
  if (!ChangeStatus(world, inc, status_id, by, at, message)) return false;
  const Status* from = world.FindStatus(previous);
  const Status* to = world.FindStatus(status_id);
  json::object payload{{"incident", IncidentJson(world, inc)}, {"message", message}};
  if (to) payload["new_status"] = StatusJson(*to, world.configured_at);
  if (from) payload["previous_status"] = StatusJson(*from, world.configured_at);
  if (inc.visibility != "private") {
    EmitLocked("public_incident.incident_status_updated_v2", inc.id, std::move(payload));
  }
  EmitIncidentLocked(inc, "incident_updated_v2", IncidentJson(world, inc));
  return true;
}

void State::TouchLocked(Incident& inc, Time at) {
  inc.updated_at = at;
  EmitIncidentLocked(inc, "incident_updated_v2", IncidentJson(world, inc));
}

std::string State::AddFollowUpLocked(Incident& inc, std::string title, const std::string& by,
                                     Time at) {
  const std::string id = world.NewId();
  if (inc.visibility == "private") {
    EmitLocked("private_incident.follow_up_created_v2", inc.id, json::object{{"id", id}});
    return id;
  }
  json::object creator;
  if (const User* u = world.FindUser(by)) creator["user"] = UserJson(*u);
  EmitLocked("public_incident.follow_up_created_v2", inc.id,
             json::object{{"id", id},
                          {"incident_id", inc.id},
                          {"title", std::move(title)},
                          {"description", ""},
                          {"status", "outstanding"},
                          {"labels", json::array{}},
                          {"creator", std::move(creator)},
                          {"created_at", FormatTime(at)},
                          {"updated_at", FormatTime(at)}});
  return id;
}

void State::ChangeScheduleUsersLocked(Schedule& s, const std::vector<std::string>& user_ids,
                                      Time at) {
  auto on_call = [&] {
    std::vector<std::string> ids;
    for (const auto& r : s.rotations) {
      for (const auto& e : RotationEntries(r, at, at + std::chrono::seconds(1))) {
        if (std::find(ids.begin(), ids.end(), e.user_id) == ids.end()) ids.push_back(e.user_id);
      }
    }
    return ids;
  };
  auto users = [&](const std::vector<std::string>& ids) {
    json::array out;
    for (const auto& id : ids) {
      if (const User* u = world.FindUser(id)) out.push_back(UserJson(*u));
    }
    return out;
  };
  const auto before = on_call();
  for (auto& r : s.rotations) {
    r.user_ids = user_ids;
    r.handover_start_at = at;
  }
  const auto after = on_call();
  json::object schedule{{"id", s.id},
                        {"name", s.name},
                        {"timezone", s.timezone},
                        {"team_ids", json::array{}},
                        {"created_at", FormatTime(s.created_at)},
                        {"updated_at", FormatTime(at)}};
  EmitLocked("schedule.updated_v1", s.id, schedule);
  if (before != after) {
    EmitLocked("schedule.shift_change_v1", s.id,
               json::object{{"schedule", std::move(schedule)},
                            {"previous_users", users(before)},
                            {"current_users", users(after)}});
  }
}

void State::EmitIncidentLocked(const Incident& inc, const std::string& event,
                               json::object payload) {
  if (inc.visibility == "private") {
    EmitLocked("private_incident." + event, inc.id, json::object{{"id", inc.id}});
  } else {
    EmitLocked("public_incident." + event, inc.id, std::move(payload));
  }
}

void State::EmitLocked(const std::string& event_type, const std::string& resource,
                       json::object payload) {
  if (!webhooks) return;
  json::object body{{"event_type", event_type}, {event_type, std::move(payload)}};
  WebhookMessage m;
  m.id = "msg_" + world.NewId();
  m.resource = resource;
  m.body = json::Serialize(body);
  webhooks->Enqueue(std::move(m));
}

}  // namespace im::sim::incidentio

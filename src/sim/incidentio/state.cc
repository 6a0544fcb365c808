// Incident changes of the incident.io simulator and their webhooks.
#include "sim/incidentio/state.h"

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

// The steps of an incident's life (see the header).
#include "sim/pagerduty/lifecycle.h"

namespace im::sim::pagerduty {
namespace {

void StatusChanged(Incident& inc, std::string status, Time at, const Agent& by) {
  inc.status = std::move(status);
  inc.last_status_change_at = inc.updated_at = at;
  inc.last_status_change_by = by;
}

}  // namespace

LogEntry NewLogEntry(World& w, std::string type, Time at, Agent agent) {
  LogEntry e;
  e.id = w.NewId('R', 26);
  e.type = std::move(type);
  e.created_at = at;
  e.agent = std::move(agent);
  e.channel = e.agent.type == "service_reference" ? "auto" : "web_ui";
  return e;
}

void TriggerIncident(World& w, Incident& inc, const std::vector<std::string>& assignees) {
  Time at = inc.created_at;
  Agent service{"service_reference", inc.service_id};
  inc.alerts.push_back({w.NewId('Q', 14), "triggered", inc.title,
                        inc.urgency == "high" ? "critical" : "warning", inc.incident_key, at});
  inc.log.push_back(NewLogEntry(w, "trigger_log_entry", at, service));
  if (!assignees.empty()) AssignIncident(w, inc, at, service, assignees);
  StatusChanged(inc, "triggered", at, service);
}

void AssignIncident(World& w, Incident& inc, Time at, const Agent& by,
                    const std::vector<std::string>& user_ids) {
  LogEntry assign = NewLogEntry(w, "assign_log_entry", at, by);
  assign.assignee_ids = user_ids;
  inc.log.push_back(std::move(assign));
  for (const auto& id : user_ids) inc.assignments.push_back({at, id});
  inc.updated_at = at;
}

void AcknowledgeIncident(World& w, Incident& inc, Time at, const Agent& by) {
  inc.log.push_back(NewLogEntry(w, "acknowledge_log_entry", at, by));
  inc.acknowledgements.push_back({at, by.id});
  StatusChanged(inc, "acknowledged", at, by);
}

void UnacknowledgeIncident(World& w, Incident& inc, Time at, const Agent& by) {
  inc.log.push_back(NewLogEntry(w, "unacknowledge_log_entry", at, by));
  inc.acknowledgements.clear();
  StatusChanged(inc, "triggered", at, by);
}

void ResolveIncident(World& w, Incident& inc, Time at, const Agent& by, std::string resolution) {
  LogEntry e = NewLogEntry(w, "resolve_log_entry", at, by);
  e.note = resolution;
  inc.log.push_back(std::move(e));
  inc.resolution = std::move(resolution);
  inc.resolved_at = at;
  inc.acknowledgements.clear();
  inc.assignments.clear();
  for (auto& a : inc.alerts) a.status = "resolved";
  StatusChanged(inc, "resolved", at, by);
}

void ReopenIncident(World& w, Incident& inc, Time at, const Agent& by,
                    const std::string& assignee) {
  inc.log.push_back(NewLogEntry(w, "trigger_log_entry", at, by));
  inc.resolved_at.reset();
  inc.resolution.clear();
  inc.assignments = {{at, assignee}};
  for (auto& a : inc.alerts) a.status = "triggered";
  StatusChanged(inc, "triggered", at, by);
}

void AnnotateIncident(World& w, Incident& inc, Time at, const std::string& user_id,
                      std::string content) {
  Note n{w.NewId('P', 14), user_id, std::move(content), at};
  LogEntry e = NewLogEntry(w, "annotate_log_entry", at, {"user_reference", user_id});
  e.note = n.content;
  inc.notes.push_back(std::move(n));
  inc.log.push_back(std::move(e));
  inc.updated_at = at;
}

}  // namespace im::sim::pagerduty

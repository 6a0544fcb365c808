// Incident actions and webhook emission of the PagerDuty simulator.
#include "sim/pagerduty/state.h"

#include <algorithm>

#include "common/time.h"

namespace im::sim::pagerduty {
namespace {

LogEntry NewEntry(World& w, std::string type, Time at, const Agent& by) {
  LogEntry e;
  e.id = w.NewId('R', 26);
  e.type = std::move(type);
  e.created_at = at;
  e.agent = by;
  e.channel = by.type == "service_reference" ? "api" : "web_ui";
  return e;
}

void Touch(Incident& inc, Time at, const Agent& by, bool status_change) {
  inc.updated_at = at;
  if (status_change) {
    inc.last_status_change_at = at;
    inc.last_status_change_by = by;
  }
}

std::string FirstOnCallUser(const World& w, const Incident& inc) {
  for (const auto& ep : w.escalation_policies) {
    if (ep.id != inc.escalation_policy_id) continue;
    for (const auto& rule : ep.rules) {
      for (const auto& t : rule.targets) {
        if (t.type == "user_reference") return t.id;
      }
    }
  }
  return w.users.empty() ? "" : w.users.front().id;
}

}  // namespace

json::object WebhookIncidentData(const World& w, const Urls& urls, const Incident& inc) {
  json::array assignees;
  for (const auto& a : inc.assignments) assignees.push_back(UserRef(w, urls, a.user_id));
  json::value priority = nullptr;
  for (const auto& p : w.priorities) {
    if (p.id == inc.priority_id)
      priority = Reference(urls, "priority_reference", p.id, p.name, "priorities");
  }
  json::object full = IncidentJson(w, urls, inc);
  json::value reopened = nullptr;
  for (const auto& e : inc.log) {
    if (e.type == "trigger_log_entry" && e.created_at != inc.created_at) {
      reopened = FormatTime(e.created_at);
    }
  }
  return {{"id", inc.id},
          {"type", "incident"},
          {"self", full["self"]},
          {"html_url", full["html_url"]},
          {"number", inc.number},
          {"status", inc.status},
          {"incident_key", inc.incident_key},
          {"created_at", FormatTime(inc.created_at)},
          {"reopened_at", reopened},
          {"title", inc.title},
          {"incident_type", {{"name", "incident_default"}}},
          {"service", full["service"]},
          {"assignees", std::move(assignees)},
          {"escalation_policy", full["escalation_policy"]},
          {"teams", full["teams"]},
          {"priority", std::move(priority)},
          {"urgency", inc.urgency},
          {"conference_bridge", nullptr},
          {"resolve_reason", nullptr}};
}

Incident& State::CreateLocked(const std::string& service_id, std::string title, std::string urgency,
                              std::string incident_key, const Agent& by, Time at) {
  const Service* svc = world.FindService(service_id);
  Incident inc;
  inc.id = world.NewId('Q', 14);
  inc.number = world.next_number++;
  inc.title = std::move(title);
  inc.urgency = std::move(urgency);
  inc.service_id = service_id;
  inc.escalation_policy_id = svc ? svc->escalation_policy_id : "";
  inc.incident_key = incident_key.empty() ? world.NewId('k', 32) : std::move(incident_key);
  inc.created_at = inc.updated_at = inc.last_status_change_at = at;
  inc.last_status_change_by = by;
  inc.alerts.push_back({world.NewId('Q', 14), "triggered", inc.title,
                        inc.urgency == "high" ? "critical" : "warning", inc.incident_key, at});
  inc.log.push_back(NewEntry(world, "trigger_log_entry", at, by));
  std::string assignee = FirstOnCallUser(world, inc);
  LogEntry assign = NewEntry(world, "assign_log_entry", at, {"service_reference", service_id});
  assign.assignee_ids = {assignee};
  inc.log.push_back(assign);
  inc.assignments = {{at, assignee}};
  world.AddIncident(std::move(inc));
  Incident& stored = world.incidents.back();
  EmitLocked("incident.triggered", stored, by, at);
  return stored;
}

bool State::AcknowledgeLocked(Incident& inc, const Agent& by, Time at) {
  if (inc.status == "resolved") ReopenLocked(inc, by, at);
  if (inc.status == "acknowledged") return false;
  inc.log.push_back(NewEntry(world, "acknowledge_log_entry", at, by));
  inc.status = "acknowledged";
  std::string user = by.type == "user_reference" ? by.id : FirstOnCallUser(world, inc);
  inc.acknowledgements.push_back({at, user});
  Touch(inc, at, by, true);
  EmitLocked("incident.acknowledged", inc, by, at);
  return true;
}

bool State::UnacknowledgeLocked(Incident& inc, const Agent& by, Time at) {
  if (inc.status != "acknowledged") return false;
  inc.log.push_back(NewEntry(world, "unacknowledge_log_entry", at, by));
  inc.status = "triggered";
  inc.acknowledgements.clear();
  Touch(inc, at, by, true);
  EmitLocked("incident.unacknowledged", inc, by, at);
  return true;
}

bool State::ResolveLocked(Incident& inc, const Agent& by, Time at, std::string resolution) {
  if (inc.status == "resolved") return false;
  LogEntry e = NewEntry(world, "resolve_log_entry", at, by);
  e.note = resolution;
  inc.log.push_back(e);
  inc.resolution = std::move(resolution);
  inc.status = "resolved";
  inc.resolved_at = at;
  inc.acknowledgements.clear();
  inc.assignments.clear();
  for (auto& a : inc.alerts) a.status = "resolved";
  Touch(inc, at, by, true);
  EmitLocked("incident.resolved", inc, by, at);
  return true;
}

bool State::ReopenLocked(Incident& inc, const Agent& by, Time at) {
  if (inc.status != "resolved") return false;
  inc.log.push_back(NewEntry(world, "trigger_log_entry", at, by));
  inc.status = "triggered";
  inc.resolved_at.reset();
  inc.resolution.clear();
  inc.assignments = {{at, FirstOnCallUser(world, inc)}};
  for (auto& a : inc.alerts) a.status = "triggered";
  Touch(inc, at, by, true);
  EmitLocked("incident.reopened", inc, by, at);
  return true;
}

Note& State::AnnotateLocked(Incident& inc, const std::string& user_id, std::string content,
                            Time at) {
  Agent by{"user_reference", user_id};
  LogEntry e = NewEntry(world, "annotate_log_entry", at, by);
  e.note = content;
  inc.log.push_back(e);
  inc.notes.push_back({world.NewId('P', 14), user_id, std::move(content), at});
  Touch(inc, at, by, false);
  json::object data = NoteJson(world, urls, inc.notes.back());
  data["type"] = "incident_note";
  data["incident"] = Reference(urls, "incident_reference", inc.id, inc.title, "incidents");
  data["trimmed"] = false;
  EmitLocked("incident.annotated", inc, by, at, std::move(data));
  return inc.notes.back();
}

void State::ReassignLocked(Incident& inc, const Agent& by, Time at,
                           const std::vector<std::string>& user_ids) {
  LogEntry e = NewEntry(world, "assign_log_entry", at, by);
  e.assignee_ids = user_ids;
  inc.log.push_back(e);
  inc.assignments.clear();
  for (const auto& id : user_ids) inc.assignments.push_back({at, id});
  Touch(inc, at, by, false);
  EmitLocked("incident.reassigned", inc, by, at);
}

void State::EscalateLocked(Incident& inc, const Agent& by, Time at, int level) {
  inc.escalation_level = level;
  inc.log.push_back(NewEntry(world, "escalate_log_entry", at, by));
  Touch(inc, at, by, false);
  EmitLocked("incident.escalated", inc, by, at);
}

void State::SetPriorityLocked(Incident& inc, const Agent& by, Time at,
                              const std::string& priority_id) {
  inc.priority_id = priority_id;
  Touch(inc, at, by, false);
  EmitLocked("incident.priority_updated", inc, by, at);
}

void State::SetUrgencyLocked(Incident& inc, const Agent& by, Time at, const std::string& urgency) {
  if (inc.urgency == urgency) return;
  inc.urgency = urgency;
  inc.log.push_back(NewEntry(world, "urgency_change_log_entry", at, by));
  Touch(inc, at, by, false);
}

void State::DeliveryOutcomeLocked(const std::string& id, bool delivered, Time at) {
  for (auto& sub : world.subscriptions) {
    if (sub.id != id) continue;
    if (delivered) {
      sub.consecutive_drops = 0;
    } else if (++sub.consecutive_drops >= 3) {
      sub.consecutive_drops = 0;
      sub.disabled_until = at + std::chrono::hours(24);
      if (webhooks) webhooks->Discard(sub.id);
    }
  }
}

void State::EmitLocked(const std::string& event_type, const Incident& inc, const Agent& by, Time at,
                       std::optional<json::object> data) {
  if (!webhooks) return;
  const Service* svc = world.FindService(inc.service_id);
  std::string body = json::Serialize(
      json::object{{"event",
                    {{"id", world.NewId('0', 26)},
                     {"event_type", event_type},
                     {"resource_type", "incident"},
                     {"occurred_at", FormatTime(std::chrono::floor<std::chrono::milliseconds>(at))},
                     {"agent", AgentRef(world, urls, by)},
                     {"client", nullptr},
                     {"data", data ? std::move(*data) : WebhookIncidentData(world, urls, inc)}}}});
  std::string id = world.NewId('0', 26);
  webhooks->Enqueue({id, inc.id, body, "", {}, "PSIMHOOK"});
  for (const auto& sub : world.subscriptions) {
    if (!sub.active || sub.TemporarilyDisabled(at)) continue;
    bool wanted = sub.events.empty() ||
                  std::find(sub.events.begin(), sub.events.end(), event_type) != sub.events.end();
    bool in_scope = sub.filter_type == "account_reference" ||
                    (sub.filter_type == "service_reference" && sub.filter_id == inc.service_id) ||
                    (sub.filter_type == "team_reference" && svc &&
                     std::find(svc->team_ids.begin(), svc->team_ids.end(), sub.filter_id) !=
                         svc->team_ids.end());
    if (wanted && in_scope) {
      webhooks->Enqueue({world.NewId('0', 26), inc.id, body, sub.url, {sub.secret}, sub.id});
    }
  }
}

}  // namespace im::sim::pagerduty

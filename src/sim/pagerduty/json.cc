// Rendering of the PagerDuty objects. Field names follow the REST API v2 schemas.
#include "sim/pagerduty/json.h"

#include "common/time.h"
#include "sim/common/json_response.h"

namespace im::sim::pagerduty {
namespace {

json::value TimeOrNull(const std::optional<Time>& t) {
  return t ? json::value(FormatTime(*t)) : json::value(nullptr);
}

json::array Refs(const World& w, const Urls& urls, const std::vector<std::string>& team_ids) {
  json::array out;
  for (const auto& id : team_ids) {
    std::string name;
    for (const auto& t : w.teams) {
      if (t.id == id) name = t.name;
    }
    out.push_back(Reference(urls, "team_reference", id, name, "teams"));
  }
  return out;
}

std::string EpName(const World& w, std::string_view id) {
  for (const auto& e : w.escalation_policies) {
    if (e.id == id) return e.name;
  }
  return "";
}

}  // namespace

json::object Reference(const Urls& urls, std::string_view type, std::string_view id,
                       std::string_view summary, std::string_view collection) {
  std::string path = std::string(collection) + "/" + std::string(id);
  json::object o;
  o.reserve(5);
  o.emplace("id", id);
  o.emplace("type", type);
  o.emplace("summary", summary);
  o.emplace("self", urls.api + "/" + path);
  o.emplace("html_url", urls.web + "/" + path);
  return o;
}

json::value UserRef(const World& w, const Urls& urls, std::string_view id) {
  const User* u = w.FindUser(id);
  return Reference(urls, "user_reference", id, u ? u->name : "", "users");
}

json::value ServiceRef(const World& w, const Urls& urls, std::string_view id) {
  const Service* s = w.FindService(id);
  return Reference(urls, "service_reference", id, s ? s->name : "", "services");
}

json::value AgentRef(const World& w, const Urls& urls, const Agent& agent) {
  if (agent.id.empty()) return nullptr;
  return agent.type == "service_reference" ? ServiceRef(w, urls, agent.id)
                                           : UserRef(w, urls, agent.id);
}

json::object IncidentJson(const World& w, const Urls& urls, const Incident& inc) {
  json::array assignments, acks;
  for (const auto& a : inc.assignments) {
    json::object one;
    one.emplace("at", FormatTime(a.at));
    one.emplace("assignee", UserRef(w, urls, a.user_id));
    assignments.emplace_back(std::move(one));
  }
  for (const auto& a : inc.acknowledgements) {
    json::object one;
    one.emplace("at", FormatTime(a.at));
    one.emplace("acknowledger", UserRef(w, urls, a.user_id));
    acks.emplace_back(std::move(one));
  }
  json::value priority = nullptr;
  for (const auto& p : w.priorities) {
    if (p.id == inc.priority_id) priority = PriorityJson(urls, p);
  }
  const Service* svc = w.FindService(inc.service_id);
  int64_t triggered = inc.status == "resolved" ? 0 : 1;
  // Built field by field: an initializer list would copy every nested reference and array.
  json::object o;
  o.reserve(30);
  o.emplace("id", inc.id);
  o.emplace("type", "incident");
  o.emplace("summary", "[#" + std::to_string(inc.number) + "] " + inc.title);
  o.emplace("self", urls.api + "/incidents/" + inc.id);
  o.emplace("html_url", urls.web + "/incidents/" + inc.id);
  o.emplace("incident_number", inc.number);
  o.emplace("title", inc.title);
  o.emplace("created_at", FormatTime(inc.created_at));
  o.emplace("updated_at", FormatTime(inc.updated_at));
  o.emplace("status", inc.status);
  o.emplace("incident_key", inc.incident_key);
  o.emplace("service", ServiceRef(w, urls, inc.service_id));
  o.emplace("assignments", std::move(assignments));
  o.emplace("assigned_via", "escalation_policy");
  o.emplace("last_status_change_at", FormatTime(inc.last_status_change_at));
  o.emplace("last_status_change_by", AgentRef(w, urls, inc.last_status_change_by));
  o.emplace("resolved_at", TimeOrNull(inc.resolved_at));
  o.emplace("first_trigger_log_entry", Reference(urls, "trigger_log_entry_reference",
                                                 inc.log.front().id, "Triggered", "log_entries"));
  json::object counts;
  counts.emplace("all", 1);
  counts.emplace("triggered", triggered);
  counts.emplace("resolved", 1 - triggered);
  o.emplace("alert_counts", std::move(counts));
  o.emplace("is_mergeable", true);
  o.emplace("incident_type", json::object{{"name", "incident_default"}});
  o.emplace("escalation_policy",
            Reference(urls, "escalation_policy_reference", inc.escalation_policy_id,
                      EpName(w, inc.escalation_policy_id), "escalation_policies"));
  o.emplace("teams", Refs(w, urls, svc ? svc->team_ids : std::vector<std::string>{}));
  o.emplace("pending_actions", json::array{});
  o.emplace("acknowledgements", std::move(acks));
  o.emplace("alert_grouping", nullptr);
  o.emplace("priority", std::move(priority));
  o.emplace("resolve_reason", nullptr);
  o.emplace("incidents_responders", json::array{});
  o.emplace("responder_requests", json::array{});
  o.emplace("urgency", inc.urgency);
  return o;
}

json::object LogEntryJson(const World& w, const Urls& urls, const Incident& inc,
                          const LogEntry& e) {
  std::string verb = e.type.substr(0, e.type.find("_log_entry"));
  const Service* svc = w.FindService(inc.service_id);
  json::object o{
      {"id", e.id},
      {"type", e.type},
      {"summary", verb + " of incident #" + std::to_string(inc.number)},
      {"self", urls.api + "/log_entries/" + e.id},
      {"html_url", nullptr},
      {"created_at", FormatTime(e.created_at)},
      {"agent", AgentRef(w, urls, e.agent)},
      {"channel", {{"type", e.channel}}},
      {"service", ServiceRef(w, urls, inc.service_id)},
      {"incident", Reference(urls, "incident_reference", inc.id,
                             "[#" + std::to_string(inc.number) + "] " + inc.title, "incidents")},
      {"teams", Refs(w, urls, svc ? svc->team_ids : std::vector<std::string>{})},
      {"contexts", json::array{}},
      {"event_details", {{"description", inc.title}}}};
  if (!e.note.empty()) o["note"] = e.note;
  if (!e.assignee_ids.empty()) {
    json::array a;
    for (const auto& id : e.assignee_ids) a.push_back(UserRef(w, urls, id));
    o["assignees"] = std::move(a);
  }
  return o;
}

json::object NoteJson(const World& w, const Urls& urls, const Note& n) {
  return {{"id", n.id},
          {"user", UserRef(w, urls, n.user_id)},
          {"channel", {{"summary", "The PagerDuty website or APIs"}}},
          {"content", n.content},
          {"created_at", FormatTime(n.created_at)},
          {"updated_at", FormatTime(n.created_at)}};
}

json::object AlertJson(const World& w, const Urls& urls, const Incident& inc, const Alert& a) {
  return {{"id", a.id},
          {"type", "alert"},
          {"summary", a.summary},
          {"self", urls.api + "/incidents/" + inc.id + "/alerts/" + a.id},
          {"html_url", urls.web + "/alerts/" + a.id},
          {"created_at", FormatTime(a.created_at)},
          {"status", a.status},
          {"alert_key", a.alert_key},
          {"service", ServiceRef(w, urls, inc.service_id)},
          {"incident", Reference(urls, "incident_reference", inc.id, inc.title, "incidents")},
          {"severity", a.severity},
          {"suppressed", false},
          {"body", {{"type", "alert_body"}, {"details", json::object{}}}}};
}

json::object ServiceJson(const World& w, const Urls& urls, const Service& s) {
  json::object o = Reference(urls, "service", s.id, s.name, "services");
  o["name"] = s.name;
  o["description"] = s.description;
  o["status"] = s.status;
  o["auto_resolve_timeout"] = 14400;
  o["acknowledgement_timeout"] = 1800;
  o["created_at"] = FormatTime(s.created_at);
  o["escalation_policy"] = Reference(urls, "escalation_policy_reference", s.escalation_policy_id,
                                     EpName(w, s.escalation_policy_id), "escalation_policies");
  o["teams"] = Refs(w, urls, s.team_ids);
  o["integrations"] = json::array{};
  o["alert_creation"] = "create_alerts_and_incidents";
  o["incident_urgency_rule"] = {{"type", "constant"}, {"urgency", "high"}};
  // A string in the spec: the newest incident's creation, left out while there is none.
  for (auto it = w.incidents.rbegin(); it != w.incidents.rend(); ++it) {
    if (it->service_id == s.id) {
      o["last_incident_timestamp"] = FormatTime(it->created_at);
      break;
    }
  }
  return o;
}

json::object UserJson(const World& w, const Urls& urls, const User& u) {
  json::object o = Reference(urls, "user", u.id, u.name, "users");
  o["name"] = u.name;
  o["email"] = u.email;
  o["time_zone"] = u.time_zone;
  o["color"] = "purple";
  o["role"] = u.role;
  o["job_title"] = u.job_title;
  o["description"] = "";
  o["invitation_sent"] = false;
  o["teams"] = Refs(w, urls, u.team_ids);
  o["contact_methods"] = json::array{};
  o["notification_rules"] = json::array{};
  return o;
}

json::object TeamJson(const Urls& urls, const Team& t) {
  json::object o = Reference(urls, "team", t.id, t.name, "teams");
  o["name"] = t.name;
  o["description"] = t.description;
  return o;
}

json::object PriorityJson(const Urls& urls, const Priority& p) {
  json::object o = Reference(urls, "priority", p.id, p.name, "priorities");
  o["name"] = p.name;
  o["description"] = p.description;
  return o;
}

json::object EscalationPolicyJson(const World& w, const Urls& urls, const EscalationPolicy& ep) {
  json::array rules, services;
  for (const auto& r : ep.rules) {
    json::array targets;
    for (const auto& t : r.targets) {
      bool user = t.type == "user_reference";
      std::string name;
      if (user) {
        if (const User* u = w.FindUser(t.id)) name = u->name;
      } else {
        for (const auto& s : w.schedules) {
          if (s.id == t.id) name = s.name;
        }
      }
      targets.push_back(Reference(urls, t.type, t.id, name, user ? "users" : "schedules"));
    }
    rules.push_back({{"id", r.id},
                     {"escalation_delay_in_minutes", r.delay_minutes},
                     {"targets", std::move(targets)},
                     {"escalation_rule_assignment_strategy", "assign_to_everyone"}});
  }
  for (const auto& s : w.services) {
    if (s.escalation_policy_id == ep.id) services.push_back(ServiceRef(w, urls, s.id));
  }
  json::object o = Reference(urls, "escalation_policy", ep.id, ep.name, "escalation_policies");
  o["name"] = ep.name;
  o["description"] = ep.description;
  o["num_loops"] = ep.num_loops;
  o["on_call_handoff_notifications"] = "if_has_services";
  o["escalation_rules"] = std::move(rules);
  o["services"] = std::move(services);
  o["teams"] = Refs(w, urls, ep.team_ids);
  return o;
}

json::object SubscriptionJson(const Urls& urls, const WebhookSubscription& s, bool with_secret,
                              Time now) {
  json::array events;
  for (const auto& e : s.events) events.push_back(json::value(e));
  json::object filter{{"type", s.filter_type}};
  if (!s.filter_id.empty()) filter["id"] = s.filter_id;
  return {{"id", s.id},
          {"type", "webhook_subscription"},
          {"active", s.active},
          {"delivery_method",
           {{"type", "http_delivery_method"},
            {"url", s.url},
            {"secret", with_secret ? json::value(s.secret) : json::value(nullptr)},
            {"temporarily_disabled", s.TemporarilyDisabled(now)},
            {"custom_headers", json::array{}}}},
          {"description", s.description},
          {"events", std::move(events)},
          {"filter", std::move(filter)},
          {"self", urls.api + "/webhook_subscriptions/" + s.id}};
}

net::HttpResponse ErrorResponse(int status, int code, std::string_view message,
                                const std::vector<std::string>& errors) {
  json::object err{{"message", message}, {"code", code}};
  if (!errors.empty()) {
    json::array a;
    for (const auto& e : errors) a.push_back(json::value(e));
    err["errors"] = std::move(a);
  }
  return JsonResponse(status, json::object{{"error", std::move(err)}});
}

net::HttpResponse NotFound() { return ErrorResponse(404, 2100, "Not Found"); }

net::HttpResponse InvalidInput(std::string error) {
  return ErrorResponse(400, 2001, "Invalid Input Provided", {std::move(error)});
}

}  // namespace im::sim::pagerduty

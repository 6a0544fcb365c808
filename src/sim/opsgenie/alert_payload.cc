// Reading of alert and incident request bodies (see the header).
#include "sim/opsgenie/alert_payload.h"

#include "sim/common/json_response.h"
#include "sim/opsgenie/routes.h"

namespace im::sim::opsgenie {
namespace {

using Response = net::HttpResponse;

Response Invalid(const Call& call, const std::string& field, const std::string& message) {
  return ErrorReply(call, 422, message, {{field, message}});
}

// A string field cut to `max` characters; nullopt with `error` set on a wrong type.
std::optional<std::string> Text(const json::object& b, const char* field, size_t max,
                                const Call& call, std::optional<Response>& error) {
  auto v = json::GetOptionalString(b, field);
  if (!v) {
    error = Invalid(call, field, std::string(field) + " should be a string");
    return std::nullopt;
  }
  std::string s = v->value_or("");
  if (s.size() > max) s.resize(max);
  return s;
}

std::optional<std::vector<std::string>> StringList(const json::object& b, const char* field,
                                                   const Call& call,
                                                   std::optional<Response>& error) {
  std::vector<std::string> out;
  auto list = json::GetOptionalArray(b, field);
  if (!list) {
    error = Invalid(call, field, std::string(field) + " should be a list of strings");
    return std::nullopt;
  }
  if (!*list) return out;
  for (const auto& v : **list) {
    if (!v.is_string()) {
      error = Invalid(call, field, std::string(field) + " should be a list of strings");
      return std::nullopt;
    }
    out.emplace_back(v.get_string());
  }
  return out;
}

std::optional<std::map<std::string, std::string>> Details(const json::object& b, const Call& call,
                                                          std::optional<Response>& error) {
  std::map<std::string, std::string> out;
  auto obj = json::GetOptionalObject(b, "details");
  if (!obj) {
    error = Invalid(call, "details", "details should be an object");
    return std::nullopt;
  }
  if (!*obj) return out;
  for (const auto& [k, v] : **obj) {
    out[std::string(k)] = v.is_string() ? std::string(v.get_string()) : json::Serialize(v);
  }
  return out;
}

std::optional<std::vector<Participant>> Responders(const World& w, const json::object& b,
                                                   const Call& call,
                                                   std::optional<Response>& error) {
  std::vector<Participant> out;
  auto list = json::GetOptionalArray(b, "responders");
  auto bad = [&](const std::string& why) {
    error = Invalid(call, "responders", why);
    return std::nullopt;
  };
  if (!list) return bad("responders should be a list");
  if (!*list) return out;
  for (const auto& v : **list) {
    if (!v.is_object()) return bad("a responder should be an object");
    const auto& o = v.get_object();
    auto type = json::GetOptionalString(o, "type");
    auto id = json::GetOptionalString(o, "id");
    auto name = json::GetOptionalString(o, "name");
    auto username = json::GetOptionalString(o, "username");
    if (!type || !*type || !id || !name || !username) return bad("a responder needs a type");
    Participant p{**type, id->value_or("")};
    if (p.type != "team" && p.type != "user" && p.type != "escalation" && p.type != "schedule") {
      return bad("responder type should be one of team, user, escalation, schedule");
    }
    if (p.id.empty()) {  // resolve a name to the id Opsgenie stores
      std::string key = p.type == "user" ? username->value_or("") : name->value_or("");
      if (p.type == "user") {
        if (const User* u = w.FindUser(key)) p.id = u->id;
      } else if (p.type == "team") {
        if (const Team* t = w.FindTeam(key, true)) p.id = t->id;
      } else if (p.type == "escalation") {
        if (const Escalation* e = w.FindEscalation(key, true)) p.id = e->id;
      } else {
        for (const auto& s : w.schedules) {
          if (s.name == key) p.id = s.id;
        }
      }
      if (p.id.empty()) return bad("responder " + p.type + " '" + key + "' does not exist");
    }
    out.push_back(std::move(p));
  }
  return out;
}

bool ValidPriority(const std::string& p) {
  return p == "P1" || p == "P2" || p == "P3" || p == "P4" || p == "P5";
}

}  // namespace

std::variant<json::object, Response> BodyObject(const net::HttpRequest& req, const Call& call,
                                                bool optional) {
  if (optional && req.body.find_first_not_of(" \t\r\n") == std::string::npos) {
    return json::object{};
  }
  auto body = ParseObjectBody(req.body);
  if (!body) return ErrorReply(call, 400, "Invalid JSON body: " + body.error().message);
  return std::move(*body);
}

std::variant<AlertDraft, Response> ReadAlertDraft(const World& w, const json::object& b,
                                                  const Call& call) {
  std::optional<Response> error;
  AlertDraft d;
  auto message = Text(b, "message", 130, call, error);
  auto alias = Text(b, "alias", 512, call, error);
  auto description = Text(b, "description", 15000, call, error);
  auto entity = Text(b, "entity", 512, call, error);
  auto source = Text(b, "source", 100, call, error);
  auto user = Text(b, "user", 100, call, error);
  auto note = Text(b, "note", 25000, call, error);
  auto priority = Text(b, "priority", 2, call, error);
  auto tags = StringList(b, "tags", call, error);
  auto actions = StringList(b, "actions", call, error);
  auto details = Details(b, call, error);
  auto responders = Responders(w, b, call, error);
  if (error) return std::move(*error);
  if (message->empty()) return Invalid(call, "message", "Message can not be empty.");
  if (!priority->empty() && !ValidPriority(*priority)) {
    return Invalid(call, "priority", "Priority should be one of [P1, P2, P3, P4, P5]");
  }
  d.message = *message;
  d.alias = *alias;
  d.description = *description;
  d.entity = *entity;
  d.source = *source;
  d.user = *user;
  d.note = *note;
  d.priority = priority->empty() ? "P3" : *priority;
  d.tags = std::move(*tags);
  d.actions = std::move(*actions);
  d.details = std::move(*details);
  d.responders = std::move(*responders);
  return d;
}

std::variant<IncidentDraft, Response> ReadIncidentDraft(const World& w, const json::object& b,
                                                        const Call& call) {
  std::optional<Response> error;
  IncidentDraft d;
  auto message = Text(b, "message", 130, call, error);
  auto description = Text(b, "description", 15000, call, error);
  auto service = Text(b, "serviceId", 100, call, error);
  auto priority = Text(b, "priority", 2, call, error);
  auto note = Text(b, "note", 25000, call, error);
  auto tags = StringList(b, "tags", call, error);
  auto details = Details(b, call, error);
  auto responders = Responders(w, b, call, error);
  if (error) return std::move(*error);
  if (message->empty()) return Invalid(call, "message", "Message can not be empty.");
  if (service->empty()) return Invalid(call, "serviceId", "Service id can not be empty.");
  if (!w.FindService(*service)) {
    return Invalid(call, "serviceId", "Service with id [" + *service + "] does not exist");
  }
  if (!priority->empty() && !ValidPriority(*priority)) {
    return Invalid(call, "priority", "Priority should be one of [P1, P2, P3, P4, P5]");
  }
  d.message = *message;
  d.description = *description;
  d.service_id = *service;
  d.priority = priority->empty() ? "P3" : *priority;
  d.note = *note;
  d.tags = std::move(*tags);
  d.details = std::move(*details);
  d.responders = std::move(*responders);
  return d;
}

std::variant<ActionFields, Response> ReadActionFields(const json::object& b, const Call& call,
                                                      bool note_required) {
  std::optional<Response> error;
  auto user = Text(b, "user", 100, call, error);
  auto source = Text(b, "source", 100, call, error);
  auto note = Text(b, "note", 25000, call, error);
  if (error) return std::move(*error);
  if (note_required && note->empty()) return Invalid(call, "note", "Note can not be empty.");
  return ActionFields{*user, *source, *note};
}

std::variant<ActionRequest, net::HttpResponse> ReadActionRequest(
    const net::HttpRequest& req, const Call& call, const std::vector<std::string>& id_types,
    const std::string& action) {
  auto type = IdentifierType(req, call, id_types);
  if (auto* err = std::get_if<net::HttpResponse>(&type)) return std::move(*err);
  auto body = BodyObject(req, call, action != "AddNote");
  if (auto* err = std::get_if<net::HttpResponse>(&body)) return std::move(*err);
  auto fields = ReadActionFields(std::get<json::object>(body), call, action == "AddNote");
  if (auto* err = std::get_if<net::HttpResponse>(&fields)) return std::move(*err);
  return ActionRequest{std::get<std::string>(std::move(type)),
                       std::get<ActionFields>(std::move(fields))};
}

}  // namespace im::sim::opsgenie

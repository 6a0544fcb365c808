// Checked reading of Opsgenie request bodies (CreateAlertPayload, action payloads,
// CreateIncidentPayload): a wrong type or a missing required field becomes the 422 Opsgenie
// answers, an unparsable body the 400. Over-long texts are cut to Opsgenie's documented limits
// (message 130, alias 512, description 15,000, entity 512, source 100 characters).
#pragma once

#include <string>
#include <variant>

#include "common/json.h"
#include "net/http_message.h"
#include "sim/opsgenie/actions.h"
#include "sim/opsgenie/response.h"

namespace im::sim::opsgenie {

// The body as an object; an empty body is {} when `optional`.
std::variant<json::object, net::HttpResponse> BodyObject(const net::HttpRequest& req,
                                                         const Call& call, bool optional);

// Responders by id, or by name (team, escalation, schedule) or username (user).
std::variant<AlertDraft, net::HttpResponse> ReadAlertDraft(const World& w, const json::object& b,
                                                           const Call& call);
std::variant<IncidentDraft, net::HttpResponse> ReadIncidentDraft(const World& w,
                                                                 const json::object& b,
                                                                 const Call& call);

// `user`, `source` and `note` of an action payload (AlertActionPayload); `note_required` for
// /notes.
struct ActionFields {
  std::string user, source, note;
};
std::variant<ActionFields, net::HttpResponse> ReadActionFields(const json::object& b,
                                                               const Call& call,
                                                               bool note_required);

// What an alert or incident action request (`POST .../{identifier}/<action>`) carries: how its
// identifier is meant (`identifierType`, one of `id_types`) and the payload's fields. The body
// may be empty except for "AddNote", whose note is required.
struct ActionRequest {
  std::string id_type;
  ActionFields fields;
};
std::variant<ActionRequest, net::HttpResponse> ReadActionRequest(
    const net::HttpRequest& req, const Call& call, const std::vector<std::string>& id_types,
    const std::string& action);

}  // namespace im::sim::opsgenie

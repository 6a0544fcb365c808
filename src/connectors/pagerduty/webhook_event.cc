// Reading a v3 webhook delivery (see the header). Shapes: providers.md §2 and
// ../shared/specs/pagerduty/examples/webhook-v3-*.json.
#include "connectors/pagerduty/webhook_event.h"

#include <cctype>

#include "common/crypto.h"
#include "common/time.h"

namespace im::connectors::pagerduty {
namespace {

// PagerDuty ids are short alphanumerics (PGR0VU2, Q0SDD3HB6SGFTI); anything else in a signed
// body is not fetched.
bool PlausibleId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

const json::object* MemberObject(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_object() ? &it->value().as_object() : nullptr;
}

// The incident a non-incident `data` names: data.incident, or the first role assignment's.
std::string NamedIncident(const json::object& data) {
  if (const auto* inc = MemberObject(data, "incident")) return json::StringOr(*inc, "id");
  auto it = data.find("incident_role_assignments");
  if (it != data.end() && it->value().is_array()) {
    for (const auto& a : it->value().as_array()) {
      if (!a.is_object()) continue;
      if (const auto* inc = MemberObject(a.as_object(), "incident")) {
        return json::StringOr(*inc, "id");
      }
    }
  }
  return "";
}

}  // namespace

PdWebhookEvent ReadWebhookEvent(std::string_view body, std::string_view webhook_id,
                                Time received_at) {
  PdWebhookEvent out;
  store::WebhookEventRecord& r = out.record;
  r.webhook_id = std::string(webhook_id.substr(0, 200));
  r.received_at = received_at;
  r.occurred_at = received_at;
  // Without an event id the delivery's own id, else the body's hash: both are the same on
  // every retry of one delivery, so retries stay duplicates.
  r.event_id = !r.webhook_id.empty() ? r.webhook_id : "sha256:" + HexEncode(Sha256(body));
  auto parsed = json::Parse(body);
  json::object* event = nullptr;
  if (parsed && parsed->is_object()) {
    auto it = parsed->as_object().find("event");
    if (it != parsed->as_object().end() && it->value().is_object()) {
      event = &it->value().as_object();
    }
  }
  if (!event) return out;  // kUnreadable

  std::string id = json::StringOr(*event, "id");
  if (!id.empty() && id.size() <= 200) r.event_id = id;
  r.event_type = json::StringOr(*event, "event_type").substr(0, 200);
  auto occurred = ParseTime(json::StringOr(*event, "occurred_at"));
  if (occurred) r.occurred_at = *occurred;
  out.complete = !id.empty() && id.size() <= 200 && !r.event_type.empty() && occurred;
  if (const auto* agent = MemberObject(*event, "agent")) {
    out.agent_id = json::StringOr(*agent, "id");
  }
  if (auto it = event->find("data"); it != event->end() && it->value().is_object()) {
    out.data = std::move(it->value().as_object());  // the parsed body is ours to take from
  }
  const std::string data_type = json::StringOr(out.data, "type");
  std::string about;
  if (r.event_type.starts_with("incident.")) {
    // An incident event's data is the incident itself unless it says it is something else
    // (a note, a responder, a task...), which then names its incident.
    bool is_incident = data_type == "incident" || (data_type.empty() && !out.data.empty() &&
                                                   !MemberObject(out.data, "incident"));
    if (is_incident) {
      out.kind = PdWebhookEvent::Kind::kIncident;
      about = json::StringOr(out.data, "id");
    } else {
      out.kind = r.event_type == "incident.annotated" && data_type == "incident_note"
                     ? PdWebhookEvent::Kind::kNote
                     : PdWebhookEvent::Kind::kOther;
      about = NamedIncident(out.data);
    }
  } else if ((r.event_type == "service.created" || r.event_type == "service.updated") &&
             (data_type == "service" || data_type.empty()) &&
             PlausibleId(json::StringOr(out.data, "id"))) {
    out.kind = PdWebhookEvent::Kind::kService;
    r.resource_id = json::StringOr(out.data, "id");
  } else {
    out.kind = PdWebhookEvent::Kind::kOther;
    about = NamedIncident(out.data);
  }
  if (PlausibleId(about)) {
    out.incident_id = about;
    r.resource_id = about;
  }
  return out;
}

}  // namespace im::connectors::pagerduty

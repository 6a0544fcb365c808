#include "monitor/notification.h"

#include "common/time.h"

namespace im::monitor {

json::object NotificationToJson(const Notification& n) {
  json::object o{
      {"kind", n.kind == Notification::Kind::kTrigger ? "trigger" : "resolve"},
      {"dedup_key", n.dedup_key},
      {"monitor_id", n.monitor_id},
      {"monitor_name", n.monitor_name},
      {"monitor_type", n.monitor_type},
      {"target", n.target},
      {"status", n.status},
      {"error", n.error},
      {"response_time_ms",
       std::chrono::duration_cast<std::chrono::milliseconds>(n.response_time).count()},
      {"outage_seconds",
       std::chrono::duration_cast<std::chrono::seconds>(n.outage_duration).count()},
      {"region", n.region},
      {"service", n.service},
      {"severity", core::SeverityName(n.severity)},
      {"incident", n.incident},
      {"incident_url", n.incident_url},
      {"at", FormatTime(n.at)},
  };
  if (n.IsIncidentEvent()) {
    auto list = [](const std::vector<std::string>& v) {
      json::array a;
      for (const auto& s : v) a.emplace_back(s);
      return a;
    };
    o["event"] = n.event;
    o["message_id"] = n.message_id;
    o["title"] = n.title;
    o["incident_status"] = n.incident_status;
    o["actor"] = n.actor;
    o["note"] = n.note;
    o["mentions"] = list(n.mentions);
    o["recipient"] = n.recipient;
    o["address"] = n.address;
    o["level"] = n.level;
    o["ack_url"] = n.ack_url;
    o["room"] = n.room;
    o["invite"] = list(n.invite);
    o["war_room_url"] = n.war_room_url;
  }
  return o;
}

Result<Notification> NotificationFromJson(std::string_view text) {
  auto v = json::Parse(text);
  if (!v || !v->is_object()) {
    return Fail(ErrorCode::kInternal, "a queued notification is not a JSON object");
  }
  const auto& o = v->as_object();
  Notification n;
  n.kind = json::StringOr(o, "kind") == "resolve" ? Notification::Kind::kResolve
                                                  : Notification::Kind::kTrigger;
  n.dedup_key = json::StringOr(o, "dedup_key");
  auto num = [&](const char* f) -> int64_t {
    auto i = json::GetOptionalInt(o, f);
    return i && *i ? **i : 0;
  };
  n.monitor_id = num("monitor_id");
  n.monitor_name = json::StringOr(o, "monitor_name");
  n.monitor_type = json::StringOr(o, "monitor_type");
  n.target = json::StringOr(o, "target");
  n.status = json::StringOr(o, "status");
  n.error = json::StringOr(o, "error");
  n.response_time = std::chrono::milliseconds(num("response_time_ms"));
  n.outage_duration = std::chrono::seconds(num("outage_seconds"));
  n.region = json::StringOr(o, "region");
  n.service = json::StringOr(o, "service");
  if (auto s = core::ParseSeverity(json::StringOr(o, "severity"))) n.severity = *s;
  n.incident = num("incident");
  n.incident_url = json::StringOr(o, "incident_url");
  if (auto t = ParseTime(json::StringOr(o, "at"))) n.at = *t;
  n.event = json::StringOr(o, "event");
  if (n.IsIncidentEvent()) {
    auto list = [&](const char* f) {
      std::vector<std::string> out;
      if (auto it = o.find(f); it != o.end() && it->value().is_array()) {
        for (const auto& v : it->value().as_array()) {
          if (v.is_string()) out.emplace_back(v.as_string());
        }
      }
      return out;
    };
    n.message_id = json::StringOr(o, "message_id");
    n.title = json::StringOr(o, "title");
    n.incident_status = json::StringOr(o, "incident_status");
    n.actor = json::StringOr(o, "actor");
    n.note = json::StringOr(o, "note");
    n.mentions = list("mentions");
    n.recipient = json::StringOr(o, "recipient");
    n.address = json::StringOr(o, "address");
    n.level = static_cast<int>(num("level"));
    n.ack_url = json::StringOr(o, "ack_url");
    n.room = json::StringOr(o, "room");
    n.invite = list("invite");
    n.war_room_url = json::StringOr(o, "war_room_url");
  }
  if (n.dedup_key.empty()) return Fail(ErrorCode::kInternal, "a queued notification has no key");
  return n;
}

}  // namespace im::monitor

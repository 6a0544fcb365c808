#include "monitor/notification.h"

#include "common/time.h"

namespace im::monitor {

json::object NotificationToJson(const Notification& n) {
  return json::object{
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
  if (n.dedup_key.empty()) return Fail(ErrorCode::kInternal, "a queued notification has no key");
  return n;
}

}  // namespace im::monitor

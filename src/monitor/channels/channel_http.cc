#include "monitor/channels/channel_http.h"

#include "common/time.h"
#include "connectors/rest_client.h"

namespace im::monitor {

Result<std::string> ChannelUrl(const json::object& c, const char* field, const std::string& hint,
                               const std::string& fallback) {
  auto v = json::GetOptionalString(c, field);
  if (!v) return InvalidAt(field, "must be a string");
  std::string url = *v ? **v : fallback;
  if (url.empty()) return InvalidAt(field, "is required: " + hint);
  if (!url.starts_with("http://") && !url.starts_with("https://")) {
    return InvalidAt(field, "'" + url + "' is not an http(s) URL: " + hint);
  }
  return url;
}

std::string Headline(const Notification& n) {
  std::string id = core::IncidentId(n.incident);
  std::string sev = "[" + std::string(core::SeverityName(n.severity)) + "] ";
  if (n.event == "page") {
    return "PAGE " + sev + id + " " + n.title + " (level " + std::to_string(n.level) + ")";
  }
  if (n.event == "war_room") return "War room for " + id + " " + sev + n.title;
  if (n.event == "digest") return n.title;
  std::string what = n.event == "sla_breached" ? "SLA breached" : n.event;
  if (!n.IsIncidentEvent()) {
    what = n.kind == Notification::Kind::kTrigger ? "monitor down" : "monitor recovered";
  }
  return id + " " + sev + what + ": " + (n.title.empty() ? n.monitor_name : n.title);
}

std::string Details(const Notification& n) {
  std::string out = "Status: " + (n.incident_status.empty() ? n.status : n.incident_status);
  if (!n.service.empty()) out += "\nService: " + n.service;
  if (!n.actor.empty() && n.actor != "system") out += "\nBy: " + n.actor;
  if (!n.note.empty()) out += "\nNote: " + n.note;
  if (!n.error.empty()) out += "\nError: " + n.error;
  if (!n.war_room_url.empty()) out += "\nWar room: " + n.war_room_url;
  if (!n.incident_url.empty()) out += "\n" + n.incident_url;
  if (!n.ack_url.empty()) out += "\nAcknowledge: " + n.ack_url;
  return out;
}

std::string EventColour(const Notification& n) {
  if (n.event == "resolved" || (!n.IsIncidentEvent() && n.kind == Notification::Kind::kResolve)) {
    return "#2eb67d";
  }
  if (n.event == "acknowledged" || n.event == "sla_breached") return "#ecb22e";
  return "#e01e5a";
}

Result<connectors::Delivery> HttpOutcome(const std::string& provider, const net::HttpResponse& resp,
                                         Time now, std::optional<Duration>& retry_after,
                                         const std::string& hint) {
  if (resp.status >= 200 && resp.status < 300) return connectors::Delivery::kSent;
  std::string what =
      provider + " answered HTTP " + std::to_string(resp.status) + ": " + resp.body.substr(0, 300);
  if (resp.status == 429) {
    retry_after = connectors::RetryAfter(resp, now);
    if (!retry_after) retry_after = std::chrono::seconds(30);
    return Fail(ErrorCode::kResourceExhausted,
                what + " (rate limited; retrying after " +
                    FormatDuration(std::chrono::duration_cast<std::chrono::seconds>(*retry_after)) +
                    ")");
  }
  if (resp.status == 408 || resp.status >= 500) {
    return Fail(ErrorCode::kUnavailable, what + " (retrying)");
  }
  if (resp.status == 401 || resp.status == 403) {
    return Fail(ErrorCode::kUnauthenticated,
                what + ", not retried" + (hint.empty() ? "" : ": " + hint));
  }
  return Fail(ErrorCode::kInvalidArgument,
              what + ", not retried" + (hint.empty() ? "" : ": " + hint));
}

net::ClientRequest JsonPost(const std::string& url, const std::string& body) {
  return net::ClientRequest{.method = "POST",
                            .url = url,
                            .headers = {{"Content-Type", "application/json; charset=utf-8"},
                                        {"Accept", "application/json"}},
                            .body = body,
                            .timeout = std::chrono::seconds(10),
                            .connect_timeout = std::chrono::seconds(3)};
}

}  // namespace im::monitor

#include "monitor/channels/pagerduty_channel.h"

#include "common/time.h"
#include "connectors/pagerduty/events_client.h"

namespace im::monitor {
namespace {

namespace pd = connectors::pagerduty;

std::string PdSeverity(core::Severity s) {
  switch (s) {
    case core::Severity::kSev1: return "critical";
    case core::Severity::kSev2: return "error";
    case core::Severity::kSev3: return "warning";
    case core::Severity::kSev4: return "info";
  }
  return "error";
}

std::string PdHostOf(const std::string& target) {
  auto start = target.find("://");
  std::string rest = start == std::string::npos ? target : target.substr(start + 3);
  return rest.substr(0, rest.find('/'));
}

Result<json::object> ParsePagerDutyConfig(const json::object& c) {
  if (auto ok = json::RejectUnknownFields(c, {"integration_key", "events_url", "auto_resolve"});
      !ok) {
    return std::unexpected(ok.error());
  }
  auto key = json::GetOptionalString(c, "integration_key");
  if (!key || !*key || (*key)->size() != 32) {
    return InvalidAt("integration_key",
                     "give the 32-character Integration Key of an Events API v2 integration "
                     "(PagerDuty: Service → Integrations → Add → Events API V2)");
  }
  auto url = json::GetOptionalString(c, "events_url");
  if (!url) return InvalidAt("events_url", "must be a string");
  std::string events_url = *url ? **url : "https://events.pagerduty.com";
  while (events_url.ends_with("/")) events_url.pop_back();
  if (!events_url.starts_with("http://") && !events_url.starts_with("https://")) {
    return InvalidAt("events_url", "'" + events_url +
                                       "' is not an http(s) URL; leave it out for "
                                       "https://events.pagerduty.com (EU: "
                                       "https://events.eu.pagerduty.com)");
  }
  auto auto_resolve = json::GetOptionalBool(c, "auto_resolve");
  if (!auto_resolve) return InvalidAt("auto_resolve", "must be true or false");
  return json::object{{"integration_key", **key},
                      {"events_url", events_url},
                      {"auto_resolve", *auto_resolve ? **auto_resolve : true}};
}

class PagerDutyChannel final : public Channel {
 public:
  PagerDutyChannel(json::object config, ChannelContext& ctx)
      : key_(json::StringOr(config, "integration_key")),
        url_(json::StringOr(config, "events_url") + "/v2/enqueue"),
        auto_resolve_(config["auto_resolve"].is_bool() ? config["auto_resolve"].as_bool() : true),
        http_(ctx.http) {}

  Result<connectors::Delivery> Send(const Notification& n) override {
    // Of an incident's notifications, PagerDuty takes the declare (trigger) and the resolve.
    if (n.IsIncidentEvent() && n.event != "declared" && n.event != "resolved") {
      return connectors::Delivery::kSkipped;
    }
    if (n.kind == Notification::Kind::kResolve && !auto_resolve_) {
      return connectors::Delivery::kSkipped;
    }
    auto body = PagerDutyEventBody(n, key_);
    if (!body) return std::unexpected(body.error());
    net::ClientRequest req{
        .method = "POST",
        .url = url_,
        .headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}},
        .body = json::Serialize(*body),
        .timeout = std::chrono::seconds(10),
        .connect_timeout = std::chrono::seconds(3)};
    auto resp = http_.Send(req);
    if (!resp) return std::unexpected(resp.error().Wrap("PagerDuty Events API"));
    if (resp->status >= 200 && resp->status < 300) return connectors::Delivery::kSent;
    std::string detail = resp->body.substr(0, 500);
    std::string what = "PagerDuty Events API answered HTTP " + std::to_string(resp->status);
    if (resp->status == 429) {
      return Fail(ErrorCode::kResourceExhausted,
                  what +
                      " (too many events for this integration key): retrying in about 30 s "
                      "with the same dedup_key");
    }
    if (resp->status >= 500) {
      return Fail(ErrorCode::kUnavailable, what + ": retrying in about 30 s: " + detail);
    }
    // 400 and other refusals: sending the same event again cannot help.
    return Fail(
        ErrorCode::kInvalidArgument,
        what + ", not retried: " + detail + " (check the integration key with `im channel test`)");
  }

 private:
  std::string key_, url_;
  bool auto_resolve_;
  net::HttpClient& http_;
};

}  // namespace

Result<json::object> PagerDutyEventBody(const Notification& n, const std::string& routing_key) {
  pd::AlertEvent e{.routing_key = routing_key,
                   .action = n.kind == Notification::Kind::kTrigger ? "trigger" : "resolve",
                   .dedup_key = n.dedup_key};
  if (n.kind == Notification::Kind::kTrigger) {
    e.summary = n.monitor_name + " is down" + (n.error.empty() ? "" : ": " + n.error);
    e.source = n.target.empty() ? n.monitor_name : PdHostOf(n.target);
    e.severity = PdSeverity(n.severity);
    e.timestamp = n.at;
    e.component = n.service;
    e.group = n.region;
    e.event_class = n.monitor_type + " check";
    e.custom_details = json::object{
        {"monitor", n.monitor_name},
        {"url", n.target},
        {"status", n.status},
        {"response_time_ms",
         std::chrono::duration_cast<std::chrono::milliseconds>(n.response_time).count()},
        {"outage_duration",
         FormatDuration(std::chrono::duration_cast<std::chrono::seconds>(n.outage_duration))},
        {"region", n.region},
        {"error", n.error},
        {"im_incident", "INC-" + std::to_string(n.incident)},
        {"im_link", n.incident_url},
    };
    e.client = "im";
    e.client_url = n.incident_url;
    if (!n.incident_url.empty()) {
      e.links.push_back({.href = n.incident_url, .text = "INC-" + std::to_string(n.incident)});
    }
    if (n.target.starts_with("http"))
      e.links.push_back({.href = n.target, .text = "Monitored URL"});
  }
  std::vector<std::string> warnings;
  return pd::AlertEventBody(e, warnings);
}

const ChannelType& PagerDutyChannelType() {
  static const ChannelType type{
      .name = "pagerduty",
      .flags = {{"--integration-key", "integration_key"},
                {"--events-url", "events_url"},
                {"--auto-resolve", "auto_resolve"}},
      .parse_config = ParsePagerDutyConfig,
      .redact =
          [](const json::object& c) {
            json::object out = c;
            std::string key = json::StringOr(c, "integration_key");
            out["integration_key"] = "****" + (key.size() >= 4 ? key.substr(key.size() - 4) : "");
            return out;
          },
      .secret_fields = {"integration_key"},
      .open = [](const json::object& config, ChannelContext& ctx) -> std::unique_ptr<Channel> {
        return std::make_unique<PagerDutyChannel>(config, ctx);
      },
      // PagerDuty: a 429 or 5xx means the event was not taken; about 30 s apart for the first
      // tries, then growing, so a long PagerDuty outage delays a page but never drops it.
      .backoff = [](int attempts) -> Duration {
        if (attempts <= 3) return std::chrono::seconds(30);
        return connectors::OutboxBackoff(attempts - 2);
      },
  };
  return type;
}

}  // namespace im::monitor

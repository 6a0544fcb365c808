#include "monitor/channels/teams_channel.h"

#include "monitor/channels/channel_http.h"

namespace im::monitor {
namespace {

class TeamsChannel final : public Channel {
 public:
  TeamsChannel(json::object config, ChannelContext& ctx)
      : url_(json::StringOr(config, "webhook_url")), ctx_(ctx) {}

  Result<connectors::Delivery> Send(const Notification& n) override {
    if (n.event == "war_room" || n.event == "page" || (n.event == "digest" && n.level > 0)) {
      return connectors::Delivery::kSkipped;
    }
    auto resp = ctx_.http.Send(JsonPost(url_, json::Serialize(TeamsMessage(n))));
    if (!resp) return std::unexpected(resp.error().Wrap("Teams incoming webhook"));
    // Classic connectors answer 200 with an error text instead of "1" when throttled.
    if (resp->status == 200 && resp->body.find("429") != std::string::npos) {
      retry_after_ = std::chrono::seconds(30);
      return Fail(ErrorCode::kResourceExhausted, "Teams webhook throttled: " + resp->body);
    }
    return HttpOutcome("Teams incoming webhook", *resp, ChannelNow(ctx_), retry_after_,
                       "check the webhook URL in the Teams channel's connectors or workflows");
  }

 private:
  std::string url_;
  ChannelContext& ctx_;
};

}  // namespace

json::object TeamsMessage(const Notification& n) {
  std::string colour = EventColour(n) == "#2eb67d"   ? "Good"
                       : EventColour(n) == "#ecb22e" ? "Warning"
                                                     : "Attention";
  json::array facts;
  auto fact = [&](const char* title, const std::string& value) {
    if (!value.empty()) facts.push_back(json::object{{"title", title}, {"value", value}});
  };
  fact("Severity", std::string(core::SeverityName(n.severity)));
  fact("Status", n.incident_status.empty() ? n.status : n.incident_status);
  fact("Service", n.service);
  if (n.actor != "system") fact("By", n.actor);
  std::string oncall;
  for (const auto& m : n.mentions) oncall += (oncall.empty() ? "" : ", ") + m;
  fact("On call", oncall);
  fact("Note", n.note);
  json::array body{json::object{{"type", "TextBlock"},
                                {"size", "Medium"},
                                {"weight", "Bolder"},
                                {"color", colour},
                                {"wrap", true},
                                {"text", Headline(n)}},
                   json::object{{"type", "FactSet"}, {"facts", facts}}};
  json::object card{{"$schema", "http://adaptivecards.io/schemas/adaptive-card.json"},
                    {"type", "AdaptiveCard"},
                    {"version", "1.4"},
                    {"body", body}};
  if (!n.incident_url.empty()) {
    card["actions"] = json::array{json::object{{"type", "Action.OpenUrl"},
                                               {"title", "Open " + core::IncidentId(n.incident)},
                                               {"url", n.incident_url}}};
  }
  return json::object{
      {"type", "message"},
      {"attachments",
       json::array{json::object{{"contentType", "application/vnd.microsoft.card.adaptive"},
                                {"contentUrl", nullptr},
                                {"content", card}}}}};
}

const ChannelType& TeamsChannelType() {
  static const ChannelType type{
      .name = "teams",
      .flags = {{"--webhook-url", "webhook_url"}},
      .parse_config = [](const json::object& c) -> Result<json::object> {
        if (auto ok = json::RejectUnknownFields(c, {"webhook_url"}); !ok) {
          return std::unexpected(ok.error());
        }
        auto url = ChannelUrl(c, "webhook_url",
                              "give the incoming webhook URL of the Teams channel (Workflows → "
                              "Post to a channel when a webhook request is received)");
        if (!url) return std::unexpected(url.error());
        return json::object{{"webhook_url", *url}};
      },
      .redact =
          [](const json::object& c) {
            json::object out = c;
            std::string v = json::StringOr(c, "webhook_url");
            out["webhook_url"] = "****" + (v.size() >= 4 ? v.substr(v.size() - 4) : "");
            return out;
          },
      .secret_fields = {"webhook_url"},
      .open = [](const json::object& config, ChannelContext& ctx) -> std::unique_ptr<Channel> {
        return std::make_unique<TeamsChannel>(config, ctx);
      },
      .backoff = [](int attempts) -> Duration { return connectors::OutboxBackoff(attempts); },
      // Teams incoming webhooks: at most 4 requests a second per webhook.
      .default_rate_per_minute = 240,
      .default_burst = 4,
  };
  return type;
}

}  // namespace im::monitor

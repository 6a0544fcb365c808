#include "monitor/channels/webhook_channel.h"

#include "common/crypto.h"
#include "common/time.h"
#include "monitor/channels/channel_http.h"

namespace im::monitor {
namespace {

Result<json::object> ParseWebhookConfig(const json::object& c) {
  if (auto ok = json::RejectUnknownFields(c, {"url", "secret"}); !ok) {
    return std::unexpected(ok.error());
  }
  auto url = ChannelUrl(c, "url", "give the URL that receives the JSON POSTs");
  if (!url) return std::unexpected(url.error());
  json::object out{{"url", *url}};
  auto secret = json::GetOptionalString(c, "secret");
  if (!secret) return InvalidAt("secret", "must be a string");
  if (*secret) {
    const std::string& s = **secret;
    auto key = Base64Decode(s.starts_with("whsec_") ? s.substr(6) : s);
    if (!s.starts_with("whsec_") || !key || key->size() < 24 || key->size() > 64) {
      return InvalidAt("secret",
                       "give whsec_ followed by the base64 of 24 to 64 random bytes "
                       "(e.g. whsec_$(openssl rand -base64 32))");
    }
    out["secret"] = s;
  }
  return out;
}

class WebhookChannel final : public Channel {
 public:
  WebhookChannel(json::object config, ChannelContext& ctx)
      : url_(json::StringOr(config, "url")), ctx_(ctx) {
    std::string secret = json::StringOr(config, "secret");
    if (secret.starts_with("whsec_")) key_ = Base64Decode(secret.substr(6)).value_or("");
  }

  Result<connectors::Delivery> Send(const Notification& n) override {
    std::string body = json::Serialize(WebhookBody(n));
    net::ClientRequest req = JsonPost(url_, body);
    Time now = ChannelNow(ctx_);
    std::string id = "msg_" + (n.message_id.empty() ? n.dedup_key : n.message_id);
    int64_t ts = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    req.headers.emplace_back("webhook-id", id);
    req.headers.emplace_back("webhook-timestamp", std::to_string(ts));
    if (!key_.empty()) {
      req.headers.emplace_back("webhook-signature", StandardWebhookSignature(key_, id, ts, body));
    }
    auto resp = ctx_.http.Send(req);
    if (!resp) return std::unexpected(resp.error().Wrap("webhook " + url_));
    return HttpOutcome("webhook " + url_, *resp, now, retry_after_);
  }

 private:
  std::string url_, key_;
  ChannelContext& ctx_;
};

}  // namespace

std::string StandardWebhookSignature(const std::string& key, const std::string& id,
                                     int64_t timestamp, const std::string& body) {
  return "v1," + Base64Encode(HmacSha256(key, id + "." + std::to_string(timestamp) + "." + body));
}

json::object WebhookBody(const Notification& n) {
  std::string type = n.IsIncidentEvent()
                         ? "incident." + n.event
                         : (n.kind == Notification::Kind::kTrigger ? "monitor.down" : "monitor.up");
  return json::object{
      {"type", type}, {"timestamp", FormatTime(n.at)}, {"data", NotificationToJson(n)}};
}

const ChannelType& WebhookChannelType() {
  static const ChannelType type{
      .name = "webhook",
      .flags = {{"--url", "url"}, {"--secret", "secret"}},
      .parse_config = ParseWebhookConfig,
      .redact =
          [](const json::object& c) {
            json::object out = c;
            if (c.contains("secret")) out["secret"] = "****";
            return out;
          },
      .secret_fields = {"secret"},
      .open = [](const json::object& config, ChannelContext& ctx) -> std::unique_ptr<Channel> {
        return std::make_unique<WebhookChannel>(config, ctx);
      },
      .backoff = [](int attempts) -> Duration { return connectors::OutboxBackoff(attempts); },
  };
  return type;
}

}  // namespace im::monitor

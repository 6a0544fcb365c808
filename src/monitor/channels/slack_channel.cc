#include "monitor/channels/slack_channel.h"

#include "common/time.h"
#include "monitor/channels/channel_http.h"

namespace im::monitor {
namespace {

const char* kWebhookHint =
    "give the Incoming Webhook URL from Slack (api.slack.com/apps → your app → Incoming "
    "Webhooks), or a bot token with --bot-token and --slack-channel";

Result<json::object> ParseSlackConfig(const json::object& c) {
  if (auto ok = json::RejectUnknownFields(c, {"webhook_url", "bot_token", "channel", "api_url"});
      !ok) {
    return std::unexpected(ok.error());
  }
  json::object out;
  bool has_webhook = c.contains("webhook_url");
  bool has_token = c.contains("bot_token");
  if (has_webhook == has_token) {
    return InvalidAt("webhook_url",
                     std::string("give exactly one of webhook_url and bot_token: ") + kWebhookHint);
  }
  if (has_webhook) {
    auto url = ChannelUrl(c, "webhook_url", kWebhookHint);
    if (!url) return std::unexpected(url.error());
    out["webhook_url"] = *url;
    return out;
  }
  auto token = json::GetOptionalString(c, "bot_token");
  if (!token || !*token || !(**token).starts_with("xox")) {
    return InvalidAt("bot_token",
                     "give the app's Bot User OAuth Token (it starts with xoxb-; "
                     "scopes chat:write, channels:manage, channels:read)");
  }
  auto channel = json::GetOptionalString(c, "channel");
  if (!channel) return InvalidAt("channel", "must be a string");
  auto api =
      ChannelUrl(c, "api_url", "leave it out for https://slack.com/api", "https://slack.com/api");
  if (!api) return std::unexpected(api.error());
  std::string base = *api;
  while (base.ends_with("/")) base.pop_back();
  out["bot_token"] = **token;
  out["channel"] = *channel ? **channel : "";
  out["api_url"] = base;
  return out;
}

std::string Mention(const std::string& who) {
  // Member ids (U…, W…) become mentions; people Slack does not know by id are named.
  if (!who.empty() && (who[0] == 'U' || who[0] == 'W') && who.find('@') == std::string::npos) {
    return "<@" + who + ">";
  }
  return who;
}

// Slack Web API error codes (api.slack.com/methods/chat.postMessage "Errors").
Error WebApiError(const std::string& method, const std::string& code) {
  std::string what = "Slack " + method + " answered ok:false error " + code;
  static const char* kAuth[] = {"invalid_auth",          "not_authed",    "account_inactive",
                                "token_revoked",         "token_expired", "missing_scope",
                                "not_allowed_token_type"};
  for (const char* a : kAuth) {
    if (code == a) {
      return {ErrorCode::kUnauthenticated,
              what +
                  ", not retried: check the bot token and its scopes (chat:write, "
                  "channels:manage, channels:read)"};
    }
  }
  static const char* kRetry[] = {"internal_error", "fatal_error", "service_unavailable",
                                 "request_timeout", "ratelimited"};
  for (const char* r : kRetry) {
    if (code == r) return {ErrorCode::kUnavailable, what + " (retrying)"};
  }
  return {ErrorCode::kInvalidArgument,
          what +
              ", not retried (channel_not_found / not_in_channel: invite the app to the "
              "channel, or fix --slack-channel)"};
}

class SlackChannel final : public Channel {
 public:
  SlackChannel(json::object config, ChannelContext& ctx)
      : webhook_(json::StringOr(config, "webhook_url")),
        token_(json::StringOr(config, "bot_token")),
        channel_(json::StringOr(config, "channel")),
        api_(json::StringOr(config, "api_url")),
        ctx_(ctx) {}

  Result<connectors::Delivery> Send(const Notification& n) override {
    if (n.event == "war_room") return WarRoom(n);
    if (!webhook_.empty()) {
      // No DMs by webhook (a page, or a digest of pages to one person).
      if (n.event == "page" || (n.event == "digest" && n.level > 0)) {
        return connectors::Delivery::kSkipped;
      }
      auto resp = ctx_.http.Send(JsonPost(webhook_, json::Serialize(SlackMessage(n, ""))));
      if (!resp) return std::unexpected(resp.error().Wrap("Slack incoming webhook"));
      return HttpOutcome("Slack incoming webhook", *resp, Now(), retry_after_,
                         "check the webhook URL (a removed webhook answers 404 no_service)");
    }
    std::string to =
        n.event == "page" || (n.event == "digest" && n.level > 0) ? n.address : channel_;
    if (to.empty()) {
      return Fail(
          ErrorCode::kInvalidArgument,
          "slack channel has no --slack-channel to post to; add the channel again with one");
    }
    auto answer = Call("chat.postMessage", SlackMessage(n, to));
    if (!answer) return std::unexpected(answer.error());
    return connectors::Delivery::kSent;
  }

 private:
  Time Now() const { return ChannelNow(ctx_); }

  // One Web API call: POST JSON with the bot token; ok:false is an error named by its code.
  Result<json::object> Call(const std::string& method, const json::object& body,
                            std::string* error_code = nullptr) {
    net::ClientRequest req = JsonPost(api_ + "/" + method, json::Serialize(body));
    req.headers.emplace_back("Authorization", "Bearer " + token_);
    auto resp = ctx_.http.Send(req);
    if (!resp) return std::unexpected(resp.error().Wrap("Slack " + method));
    if (resp->status != 200) {
      auto outcome = HttpOutcome("Slack " + method, *resp, Now(), retry_after_);
      if (!outcome) return std::unexpected(outcome.error());
    }
    auto v = json::Parse(resp->body);
    if (!v || !v->is_object()) {
      return Fail(ErrorCode::kUnavailable, "Slack " + method + " answered something not JSON");
    }
    const json::object& o = v->as_object();
    auto ok = o.find("ok");
    if (ok != o.end() && ok->value().is_bool() && ok->value().as_bool()) return o;
    std::string code = json::StringOr(o, "error");
    if (error_code) *error_code = code;
    return std::unexpected(WebApiError(method, code));
  }

  // Opens the incident's war room once: the claim in the store names the one message (of any
  // process) that creates it; a retry finds the channel by name when the answer was lost.
  Result<connectors::Delivery> WarRoom(const Notification& n) {
    if (token_.empty()) {
      return Fail(ErrorCode::kFailedPrecondition,
                  "a war room needs a Slack channel with a bot token (--bot-token), not a "
                  "webhook; change the rule's war_room");
    }
    if (!ctx_.notify || !ctx_.incidents) {
      return Fail(ErrorCode::kUnavailable, "war rooms are opened by `im serve`");
    }
    const std::string key = "war_room:" + core::IncidentId(n.incident);
    Time now = Now();
    auto claim = ctx_.notify->TakeClaim(key, n.message_id, now, std::chrono::minutes(2));
    if (!claim) return std::unexpected(claim.error());
    if (claim->owner != n.message_id) {
      if (!claim->value.empty()) return connectors::Delivery::kSkipped;  // it exists
      return Fail(ErrorCode::kUnavailable,
                  "another message is opening the war room of " + core::IncidentId(n.incident));
    }
    std::string id = claim->value.substr(0, claim->value.find('|'));
    if (id.empty()) {
      std::string code;
      auto created = Call("conversations.create",
                          json::object{{"name", n.room}, {"is_private", false}}, &code);
      if (created) {
        id = json::StringOr(*created, "channel");
        if (auto it = created->find("channel"); it != created->end() && it->value().is_object()) {
          id = json::StringOr(it->value().as_object(), "id");
        }
      } else if (code == "name_taken") {
        auto found = FindChannel(n.room);  // our earlier try made it; its answer was lost
        if (!found) return std::unexpected(found.error());
        id = *found;
      } else {
        return std::unexpected(created.error());
      }
      if (auto ok = ctx_.notify->SetClaimValue(key, n.message_id, id + "|" + n.room); !ok) {
        return std::unexpected(ok.error());
      }
    }
    if (!n.invite.empty()) {
      std::string users;
      for (const auto& u : n.invite) users += (users.empty() ? "" : ",") + u;
      std::string code;
      auto invited =
          Call("conversations.invite", json::object{{"channel", id}, {"users", users}}, &code);
      if (!invited && code != "already_in_channel" && code != "cant_invite_self") {
        return std::unexpected(invited.error());
      }
    }
    Notification intro = n;
    intro.event = "declared";
    if (auto posted = Call("chat.postMessage", SlackMessage(intro, id)); !posted) {
      return std::unexpected(posted.error());
    }
    std::string link = api_.substr(0, api_.rfind("/api")) + "/app_redirect?channel=" + id;
    if (api_ == "https://slack.com/api") link = "https://slack.com/app_redirect?channel=" + id;
    core::TimelineEntry e{.at = now,
                          .kind = core::EntryKind::kSynced,
                          .actor = "system",
                          .message = "War room #" + n.room + " opened: " + link,
                          .source = "slack",
                          .external_key = key};
    auto recorded = ctx_.incidents->Transact([&](store::Tx& tx) -> Result<void> {
      if (auto ok = tx.AppendTimeline(n.incident, {e}); !ok) return ok;
      auto inc = tx.GetIncident(n.incident);
      if (!inc) return std::unexpected(inc.error());
      inc->custom_fields["war_room"] = "#" + n.room + " " + link;
      return tx.UpdateIncident(*inc);
    });
    if (!recorded) return std::unexpected(recorded.error());
    return connectors::Delivery::kSent;
  }

  // The id of the public channel named `name` (conversations.list, cursor pages).
  Result<std::string> FindChannel(const std::string& name) {
    std::string cursor;
    for (int page = 0; page < 100; ++page) {
      json::object body{{"limit", 200}, {"exclude_archived", true}};
      if (!cursor.empty()) body["cursor"] = cursor;
      auto listed = Call("conversations.list", body);
      if (!listed) return std::unexpected(listed.error());
      if (auto it = listed->find("channels"); it != listed->end() && it->value().is_array()) {
        for (const auto& c : it->value().as_array()) {
          if (c.is_object() && json::StringOr(c.as_object(), "name") == name) {
            return json::StringOr(c.as_object(), "id");
          }
        }
      }
      cursor.clear();
      if (auto it = listed->find("response_metadata");
          it != listed->end() && it->value().is_object()) {
        cursor = json::StringOr(it->value().as_object(), "next_cursor");
      }
      if (cursor.empty()) break;
    }
    return Fail(ErrorCode::kFailedPrecondition,
                "Slack says #" + name +
                    " exists (name_taken) but it is not a public channel "
                    "the app can see; rename or unarchive it");
  }

  std::string webhook_, token_, channel_, api_;
  ChannelContext& ctx_;
};

}  // namespace

json::object SlackMessage(const Notification& n, const std::string& channel) {
  std::string text = Headline(n);
  std::string mentions;
  for (const auto& m : n.mentions) mentions += (mentions.empty() ? "" : " ") + Mention(m);
  if (!mentions.empty()) text += " " + mentions;
  json::array fields;
  auto field = [&](const char* title, const std::string& value) {
    if (!value.empty())
      fields.push_back(json::object{{"title", title}, {"value", value}, {"short", true}});
  };
  field("Severity", std::string(core::SeverityName(n.severity)));
  field("Status", n.incident_status.empty() ? n.status : n.incident_status);
  field("Service", n.service);
  if (!mentions.empty()) field("On call", mentions);
  if (n.actor != "system") field("By", n.actor);
  field("Note", n.note);
  if (!n.ack_url.empty())
    field("Acknowledge", "<" + n.ack_url + "|Acknowledge " + core::IncidentId(n.incident) + ">");
  json::object attachment{
      {"color", EventColour(n)},
      {"title", core::IncidentId(n.incident) + ": " + (n.title.empty() ? n.monitor_name : n.title)},
      {"fields", fields},
      {"fallback", text},
      {"ts", std::chrono::duration_cast<std::chrono::seconds>(n.at.time_since_epoch()).count()}};
  if (!n.incident_url.empty()) attachment["title_link"] = n.incident_url;
  json::object body{{"text", text}, {"attachments", json::array{attachment}}};
  if (!channel.empty()) body["channel"] = channel;
  return body;
}

const ChannelType& SlackChannelType() {
  static const ChannelType type{
      .name = "slack",
      .flags = {{"--webhook-url", "webhook_url"},
                {"--bot-token", "bot_token"},
                {"--slack-channel", "channel"},
                {"--api-url", "api_url"}},
      .parse_config = ParseSlackConfig,
      .redact =
          [](const json::object& c) {
            json::object out = c;
            for (const char* f : {"webhook_url", "bot_token"}) {
              std::string v = json::StringOr(c, f);
              if (!v.empty()) out[f] = "****" + (v.size() >= 4 ? v.substr(v.size() - 4) : "");
            }
            return out;
          },
      .secret_fields = {"webhook_url", "bot_token"},
      .open = [](const json::object& config, ChannelContext& ctx) -> std::unique_ptr<Channel> {
        return std::make_unique<SlackChannel>(config, ctx);
      },
      .backoff = [](int attempts) -> Duration { return connectors::OutboxBackoff(attempts); },
      // Slack: about one message a second per channel, short bursts allowed.
      .default_rate_per_minute = 60,
      .default_burst = 5,
      .default_person_rate_per_minute = 4,
  };
  return type;
}

}  // namespace im::monitor

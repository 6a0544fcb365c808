// PagerDuty's v3 webhook subscriptions (REST /webhook_subscriptions) as `im connector webhook`
// manages them (connectors/webhook_setup.h): list those delivering to our URL, create one (its
// signing secret is in this answer only), enable one again, delete one.
#include "connectors/pagerduty/pagerduty_connector.h"

namespace im::connectors::pagerduty {
namespace {

// What im subscribes to: the events it applies, and the ones it records and follows with a
// fetch of the incident (docs/pagerduty.md, "Webhooks").
const std::vector<std::string> kSubscribedEvents = {"incident.triggered",
                                                    "incident.acknowledged",
                                                    "incident.unacknowledged",
                                                    "incident.resolved",
                                                    "incident.reopened",
                                                    "incident.reassigned",
                                                    "incident.escalated",
                                                    "incident.delegated",
                                                    "incident.priority_updated",
                                                    "incident.annotated",
                                                    "incident.responder.added",
                                                    "incident.responder.replied",
                                                    "incident.status_update_published",
                                                    "service.created",
                                                    "service.updated"};

Result<WebhookSubscriptionInfo> ReadSubscription(const json::object& o) {
  auto delivery = json::GetObject(o, "delivery_method");
  if (!delivery) return std::unexpected(delivery.error().Wrap("a PagerDuty webhook subscription"));
  WebhookSubscriptionInfo s{.id = json::StringOr(o, "id"),
                            .url = json::StringOr(**delivery, "url")};
  if (s.id.empty())
    return Fail(ErrorCode::kUnavailable, "PagerDuty listed a subscription with no id");
  auto active = json::GetOptionalBool(o, "active");
  auto disabled = json::GetOptionalBool(**delivery, "temporarily_disabled");
  s.enabled = (!active || active->value_or(true)) && (!disabled || !disabled->value_or(false));
  return s;
}

}  // namespace

Result<std::vector<WebhookSubscriptionInfo>> PagerDutyConnector::ListWebhooks(
    const std::string& url) {
  std::vector<WebhookSubscriptionInfo> out;
  auto listed = client_.ForEach("/webhook_subscriptions", {}, "webhook_subscriptions",
                                [&](const json::object& o) -> Result<bool> {
                                  // One PagerDuty cannot describe is not ours to manage.
                                  auto s = ReadSubscription(o);
                                  if (s && s->url == url) out.push_back(std::move(*s));
                                  return true;
                                });
  FlushStats(nullptr, false, 0);
  if (!listed) return std::unexpected(listed.error());
  return out;
}

Result<std::pair<WebhookSubscriptionInfo, std::string>> PagerDutyConnector::CreateWebhook(
    const std::string& url) {
  json::array events;
  for (const auto& e : kSubscribedEvents) events.emplace_back(e);
  json::object body{{"webhook_subscription",
                     json::object{{"type", "webhook_subscription"},
                                  {"delivery_method",
                                   json::object{{"type", "http_delivery_method"}, {"url", url}}},
                                  {"description", "im connector " + config_.name},
                                  {"events", std::move(events)},
                                  {"filter", json::object{{"type", "account_reference"}}}}}};
  // Not retried on an ambiguous failure: a second subscription would deliver everything twice.
  auto r = client_.Send("POST", "/webhook_subscriptions", body, "", /*retry_ambiguous=*/false);
  FlushStats(nullptr, false, 0);
  if (!r) return std::unexpected(r.error());
  auto sub = json::GetObject(*r, "webhook_subscription");
  if (!sub) return std::unexpected(sub.error().Wrap("PagerDuty's answer to the subscription"));
  auto info = ReadSubscription(**sub);
  if (!info) return std::unexpected(info.error());
  auto delivery = json::GetObject(**sub, "delivery_method");
  std::string secret = delivery ? json::StringOr(**delivery, "secret") : "";
  if (secret.empty()) {
    return Fail(ErrorCode::kUnavailable,
                "PagerDuty created subscription " + info->id +
                    " but returned no signing secret: delete it in PagerDuty and run the command "
                    "again");
  }
  return std::pair{std::move(*info), std::move(secret)};
}

Result<void> PagerDutyConnector::EnableWebhook(const std::string& id) {
  auto r = client_.SendEmpty("POST", "/webhook_subscriptions/" + net::UrlEncode(id) + "/enable");
  FlushStats(nullptr, false, 0);
  if (!r) return std::unexpected(r.error());
  return Ok();
}

Result<void> PagerDutyConnector::DeleteWebhook(const std::string& id) {
  auto r = client_.SendEmpty("DELETE", "/webhook_subscriptions/" + net::UrlEncode(id));
  FlushStats(nullptr, false, 0);
  if (!r && r.error().code != ErrorCode::kNotFound) return std::unexpected(r.error());
  return Ok();  // gone already is as good as deleted
}

}  // namespace im::connectors::pagerduty

// /webhook_subscriptions, as the REST reference documents it: create returns
// delivery_method.secret once (200); list (filter_type, filter_id, classic paging), get, update
// and enable show it as null; delete answers 204. A subscription that keeps refusing deliveries
// is disabled for 24 h (State::DeliveryOutcomeLocked) until enabled again.
#include <algorithm>

#include "common/crypto.h"
#include "sim/common/json_response.h"
#include "sim/pagerduty/rest.h"
#include "sim/pagerduty/routes.h"

namespace im::sim::pagerduty {
namespace {

using Response = net::HttpResponse;

// Reads `events` (at least one string) into `out`, or the 400.
std::optional<Response> ReadSubscriptionEvents(const json::object& in,
                                               std::vector<std::string>& out) {
  auto events = json::GetOptionalArray(in, "events");
  if (!events || !*events || (*events)->empty()) return InvalidInput("events is required");
  out.clear();
  for (const auto& e : **events) {
    if (!e.is_string()) return InvalidInput("events must be strings");
    out.emplace_back(e.get_string());
  }
  return std::nullopt;
}

// Reads `filter` into `sub`, or the 400.
std::optional<Response> ReadSubscriptionFilter(const json::object& in, WebhookSubscription& sub) {
  auto filter = json::GetObject(in, "filter");
  if (!filter) return InvalidInput("filter is required");
  auto ftype = json::GetString(**filter, "type");
  if (!ftype || (*ftype != "account_reference" && *ftype != "service_reference" &&
                 *ftype != "team_reference")) {
    return InvalidInput(
        "filter.type must be account_reference, service_reference or "
        "team_reference");
  }
  sub.filter_type = *ftype;
  sub.filter_id.clear();
  if (*ftype != "account_reference") {
    auto fid = json::GetString(**filter, "id");
    if (!fid) return InvalidInput("filter.id is required for " + *ftype);
    sub.filter_id = *fid;
  }
  return std::nullopt;
}

Response CreateSubscription(State& st, const net::HttpRequest& req) {
  auto body = BodyObject(req, "webhook_subscription");
  if (auto* err = std::get_if<Response>(&body)) return std::move(*err);
  const json::object& in = std::get<json::object>(body);
  auto delivery = json::GetObject(in, "delivery_method");
  if (!delivery) return InvalidInput("webhook_subscription.delivery_method is required");
  auto url = json::GetString(**delivery, "url");
  if (!url || !(url->starts_with("http://") || url->starts_with("https://"))) {
    return InvalidInput("delivery_method.url must be an http(s) URL");
  }
  WebhookSubscription sub;
  sub.url = *url;
  if (auto err = ReadSubscriptionEvents(in, sub.events)) return std::move(*err);
  if (auto err = ReadSubscriptionFilter(in, sub)) return std::move(*err);
  if (auto d = json::GetOptionalString(in, "description"); d && *d) sub.description = **d;
  if (auto a = json::GetOptionalBool(in, "active"); a && *a) sub.active = **a;
  sub.secret = Base64Encode(RandomBytes(48));
  std::lock_guard lock(st.mu);
  sub.id = st.world.NewId('P', 7);
  st.world.subscriptions.push_back(sub);
  // The REST v2 spec documents 200 (not 201) for a created subscription.
  return JsonResponse(200, json::object{{"webhook_subscription",
                                         SubscriptionJson(st.urls, sub, true, st.clock.Now())}});
}

WebhookSubscription* FindSubscription(State& st, const std::string& id) {
  auto& subs = st.world.subscriptions;
  auto it = std::find_if(subs.begin(), subs.end(), [&](const auto& s) { return s.id == id; });
  return it == subs.end() ? nullptr : &*it;
}

Response OneSubscription(const State& st, const WebhookSubscription& s) {
  return JsonResponse(200, json::object{{"webhook_subscription",
                                         SubscriptionJson(st.urls, s, false, st.clock.Now())}});
}

Response ListSubscriptions(State& st, const net::HttpRequest& req) {
  auto page = ParsePage(req);
  if (auto* err = std::get_if<Response>(&page)) return std::move(*err);
  // filter_type is account, service or team (no _reference here); filter_id names the service
  // or team and is required for those.
  std::string type = req.Query("filter_type").value_or("");
  std::string id = req.Query("filter_id").value_or("");
  if (!type.empty() && type != "account" && type != "service" && type != "team") {
    return InvalidInput("filter_type must be account, service or team");
  }
  if ((type == "service" || type == "team") && id.empty()) {
    return InvalidInput("filter_id is required when filter_type is " + type);
  }
  std::lock_guard lock(st.mu);
  std::vector<const WebhookSubscription*> found;
  for (const auto& s : st.world.subscriptions) {
    if (!type.empty() &&
        (s.filter_type != type + "_reference" || (type != "account" && s.filter_id != id))) {
      continue;
    }
    found.push_back(&s);
  }
  Time now = st.clock.Now();
  return ListResponse("webhook_subscriptions", found, std::get<Page>(page),
                      [&](const WebhookSubscription* s) {
                        return json::value(SubscriptionJson(st.urls, *s, false, now));
                      });
}

Response UpdateSubscription(State& st, const net::HttpRequest& req) {
  auto body = BodyObject(req, "webhook_subscription");
  if (auto* err = std::get_if<Response>(&body)) return std::move(*err);
  const json::object& in = std::get<json::object>(body);
  std::lock_guard lock(st.mu);
  auto* s = FindSubscription(st, req.Param("id"));
  if (!s) return NotFound();
  WebhookSubscription changed = *s;
  if (in.contains("events")) {
    if (auto err = ReadSubscriptionEvents(in, changed.events)) return std::move(*err);
  }
  if (in.contains("filter")) {
    if (auto err = ReadSubscriptionFilter(in, changed)) return std::move(*err);
  }
  auto description = json::GetOptionalString(in, "description");
  auto active = json::GetOptionalBool(in, "active");
  if (!description || !active) return InvalidInput("description is a string, active a boolean");
  if (*description) changed.description = **description;
  if (*active) changed.active = **active;
  *s = std::move(changed);
  return OneSubscription(st, *s);
}

}  // namespace

void AddWebhookSubscriptionRoutes(SimRouter& r, State& st, RateLimiter* limiter) {
  SimRoute read{.limiter = limiter}, write{.write = true, .limiter = limiter};
  r.Add(
      "POST", "/webhook_subscriptions",
      [&st](const auto& req) { return CreateSubscription(st, req); }, write);
  r.Add(
      "GET", "/webhook_subscriptions",
      [&st](const net::HttpRequest& req) { return ListSubscriptions(st, req); }, read);
  r.Add(
      "GET", "/webhook_subscriptions/{id}",
      [&st](const net::HttpRequest& req) {
        std::lock_guard lock(st.mu);
        auto* s = FindSubscription(st, req.Param("id"));
        return s ? OneSubscription(st, *s) : NotFound();
      },
      read);
  r.Add(
      "PUT", "/webhook_subscriptions/{id}",
      [&st](const net::HttpRequest& req) { return UpdateSubscription(st, req); }, write);
  r.Add(
      "DELETE", "/webhook_subscriptions/{id}",
      [&st](const net::HttpRequest& req) {
        std::lock_guard lock(st.mu);
        auto& subs = st.world.subscriptions;
        auto n = std::erase_if(subs, [&](const auto& s) { return s.id == req.Param("id"); });
        if (n == 0) return NotFound();
        if (st.webhooks) st.webhooks->Discard(req.Param("id"));  // nothing more is delivered
        net::HttpResponse res;
        res.status = 204;
        res.content_type.clear();
        return res;
      },
      write);
  r.Add(
      "POST", "/webhook_subscriptions/{id}/enable",
      [&st](const net::HttpRequest& req) {
        std::lock_guard lock(st.mu);
        auto* s = FindSubscription(st, req.Param("id"));
        if (!s) return NotFound();
        s->active = true;
        s->disabled_until.reset();
        s->consecutive_drops = 0;
        return OneSubscription(st, *s);
      },
      write);
}

}  // namespace im::sim::pagerduty

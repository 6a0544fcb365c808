// /webhook_subscriptions: create returns delivery_method.secret once; later reads show null.
#include <algorithm>

#include "common/crypto.h"
#include "sim/common/json_response.h"
#include "sim/pagerduty/rest.h"
#include "sim/pagerduty/routes.h"

namespace im::sim::pagerduty {
namespace {

using Response = net::HttpResponse;

Response Create(State& st, const net::HttpRequest& req) {
  auto body = BodyObject(req, "webhook_subscription");
  if (auto* err = std::get_if<Response>(&body)) return std::move(*err);
  const json::object& in = std::get<json::object>(body);
  auto delivery = json::GetObject(in, "delivery_method");
  if (!delivery) return InvalidInput("webhook_subscription.delivery_method is required");
  auto url = json::GetString(**delivery, "url");
  if (!url || !(url->starts_with("http://") || url->starts_with("https://"))) {
    return InvalidInput("delivery_method.url must be an http(s) URL");
  }
  auto events = json::GetOptionalArray(in, "events");
  auto filter = json::GetObject(in, "filter");
  if (!events || !*events || (*events)->empty()) return InvalidInput("events is required");
  if (!filter) return InvalidInput("filter is required");
  WebhookSubscription sub;
  sub.url = *url;
  for (const auto& e : **events) {
    if (!e.is_string()) return InvalidInput("events must be strings");
    sub.events.emplace_back(e.get_string());
  }
  auto ftype = json::GetString(**filter, "type");
  if (!ftype || (*ftype != "account_reference" && *ftype != "service_reference" &&
                 *ftype != "team_reference")) {
    return InvalidInput(
        "filter.type must be account_reference, service_reference or "
        "team_reference");
  }
  sub.filter_type = *ftype;
  if (*ftype != "account_reference") {
    auto fid = json::GetString(**filter, "id");
    if (!fid) return InvalidInput("filter.id is required for " + *ftype);
    sub.filter_id = *fid;
  }
  if (auto d = json::GetOptionalString(in, "description"); d && *d) sub.description = **d;
  sub.secret = Base64Encode(RandomBytes(48));
  std::lock_guard lock(st.mu);
  sub.id = st.world.NewId('P', 7);
  st.world.subscriptions.push_back(sub);
  // The REST v2 spec documents 200 (not 201) for a created subscription.
  return JsonResponse(200,
                      json::object{{"webhook_subscription", SubscriptionJson(st.urls, sub, true)}});
}

WebhookSubscription* Find(State& st, const std::string& id) {
  auto& subs = st.world.subscriptions;
  auto it = std::find_if(subs.begin(), subs.end(), [&](const auto& s) { return s.id == id; });
  return it == subs.end() ? nullptr : &*it;
}

}  // namespace

void AddWebhookSubscriptionRoutes(SimRouter& r, State& st, RateLimiter* limiter) {
  SimRoute read{.limiter = limiter}, write{.write = true, .limiter = limiter};
  r.Add(
      "POST", "/webhook_subscriptions", [&st](const auto& req) { return Create(st, req); }, write);
  r.Add(
      "GET", "/webhook_subscriptions",
      [&st](const net::HttpRequest& req) {
        auto page = ParsePage(req);
        if (auto* err = std::get_if<Response>(&page)) return std::move(*err);
        std::lock_guard lock(st.mu);
        return ListResponse(
            "webhook_subscriptions", st.world.subscriptions, std::get<Page>(page),
            [&](const auto& s) { return json::value(SubscriptionJson(st.urls, s, false)); });
      },
      read);
  r.Add(
      "GET", "/webhook_subscriptions/{id}",
      [&st](const net::HttpRequest& req) {
        std::lock_guard lock(st.mu);
        auto* s = Find(st, req.Param("id"));
        if (!s) return NotFound();
        return JsonResponse(
            200, json::object{{"webhook_subscription", SubscriptionJson(st.urls, *s, false)}});
      },
      read);
  r.Add(
      "DELETE", "/webhook_subscriptions/{id}",
      [&st](const net::HttpRequest& req) {
        std::lock_guard lock(st.mu);
        auto& subs = st.world.subscriptions;
        auto n = std::erase_if(subs, [&](const auto& s) { return s.id == req.Param("id"); });
        if (n == 0) return NotFound();
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
        auto* s = Find(st, req.Param("id"));
        if (!s) return NotFound();
        s->active = true;
        return JsonResponse(
            200, json::object{{"webhook_subscription", SubscriptionJson(st.urls, *s, false)}});
      },
      write);
}

}  // namespace im::sim::pagerduty

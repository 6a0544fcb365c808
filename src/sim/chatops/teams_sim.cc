#include "sim/chatops/teams_sim.h"

namespace im::sim::chatops {

void TeamsSim::Register(http::Router& router) {
  router.Add("POST", path_, [this](const net::HttpRequest& req) {
    auto bad = net::HttpResponse{.status = 400,
                                 .content_type = "text/plain",
                                 .body = "Bad payload received by generic incoming webhook."};
    // "The message size limit is 28 KB" (Teams incoming webhooks); connectors answer 413.
    if (req.body.size() > 28 * 1024) {
      return net::HttpResponse{.status = 413,
                               .content_type = "text/plain",
                               .body =
                                   "Microsoft Teams endpoint returned HTTP error 413: the "
                                   "message is larger than 28 KB."};
    }
    auto v = json::Parse(req.body);
    if (!v || !v->is_object()) return bad;
    const auto& o = v->as_object();
    auto atts = o.find("attachments");
    if (json::StringOr(o, "type") != "message" || atts == o.end() || !atts->value().is_array() ||
        atts->value().as_array().empty()) {
      return bad;
    }
    for (const auto& a : atts->value().as_array()) {
      if (!a.is_object()) return bad;
      const auto& ao = a.as_object();
      auto content = ao.find("content");
      if (json::StringOr(ao, "contentType") != "application/vnd.microsoft.card.adaptive" ||
          content == ao.end() || !content->value().is_object() ||
          json::StringOr(content->value().as_object(), "type") != "AdaptiveCard") {
        return bad;
      }
    }
    if (int wait = buckets_.Take("webhook"); wait > 0) {
      net::HttpResponse res{.status = 429,
                            .content_type = "text/plain",
                            .body = "Microsoft Teams endpoint returned HTTP error 429"};
      res.SetHeader("Retry-After", std::to_string(wait));
      return res;
    }
    std::lock_guard lock(mu_);
    cards_.push_back(o);
    return net::HttpResponse{.status = 200, .content_type = "text/plain", .body = "1"};
  });
  router.Add("GET", "/_sim/state", [this](const net::HttpRequest&) {
    json::array a;
    for (const auto& c : cards()) a.push_back(c);
    return net::HttpResponse{.body = json::Serialize(json::object{{"messages", a}})};
  });
}

std::vector<json::object> TeamsSim::cards() const {
  std::lock_guard lock(mu_);
  return cards_;
}

}  // namespace im::sim::chatops

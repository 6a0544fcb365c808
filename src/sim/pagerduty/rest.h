// Request plumbing shared by the PagerDuty REST handlers: classic pagination (limit ≤ 100,
// offset + limit ≤ 10,000 → 400/2002), the From header, and list envelopes.
#pragma once

#include <string>
#include <variant>

#include "common/json.h"
#include "net/http_message.h"
#include "sim/pagerduty/model.h"

namespace im::sim::pagerduty {

struct Page {
  int64_t limit = 25;
  int64_t offset = 0;
  bool total = false;
};

// The page a request asks for, or the 400 PagerDuty answers.
std::variant<Page, net::HttpResponse> ParsePage(const net::HttpRequest& req);

// {"<key>":[items[offset..offset+limit)], "limit","offset","more","total"}; `make` renders one.
template <typename Item, typename Make>
net::HttpResponse ListResponse(const std::string& key, const std::vector<Item>& items,
                               const Page& page, Make make);

// The user named by the From header, or the 400 PagerDuty answers when it is missing or is not
// the email of a user of the account.
std::variant<const User*, net::HttpResponse> RequireFrom(const World& w,
                                                         const net::HttpRequest& req);

// The body's top-level object `key` ({"incident":{...}}), or a 400.
std::variant<json::object, net::HttpResponse> BodyObject(const net::HttpRequest& req,
                                                         std::string_view key);

net::HttpResponse PageJson(const std::string& key, json::array items, const Page& page,
                           size_t total);
// The same page with its items already serialized: `items` is their comma-separated JSON.
net::HttpResponse PageText(const std::string& key, const std::string& items, const Page& page,
                           size_t total);

template <typename Item, typename Make>
net::HttpResponse ListResponse(const std::string& key, const std::vector<Item>& items,
                               const Page& page, Make make) {
  json::array out;
  size_t end = std::min(items.size(), static_cast<size_t>(page.offset + page.limit));
  for (size_t i = static_cast<size_t>(page.offset); i < end; ++i) out.push_back(make(items[i]));
  return PageJson(key, std::move(out), page, items.size());
}

}  // namespace im::sim::pagerduty

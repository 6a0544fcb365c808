// Pagination, From and body checks with PagerDuty's error bodies.
#include "sim/pagerduty/rest.h"

#include "sim/common/json_response.h"
#include "sim/pagerduty/json.h"

namespace im::sim::pagerduty {

std::variant<Page, net::HttpResponse> ParsePage(const net::HttpRequest& req) {
  Page p;
  auto limit = QueryInt(req, "limit", 25);
  auto offset = QueryInt(req, "offset", 0);
  if (!limit) return InvalidInput("limit must be an integer");
  if (!offset) return InvalidInput("offset must be an integer");
  if (*limit < 1 || *offset < 0) return InvalidInput("limit must be positive, offset >= 0");
  // Documented maximum page size; larger values are served as 100.
  p.limit = std::min<int64_t>(*limit, 100);
  p.offset = *offset;
  p.total = QueryBool(req, "total", false);
  if (p.offset + p.limit > 10000) {
    // The text integrators have seen (providers.md §1.2).
    return ErrorResponse(400, 2002, "Arguments Caused Error",
                         {"Offset+limit exceeds maximum allowed value of 10000. Please try to "
                          "refine your search to reduce the number of results, like adding a "
                          "date range."});
  }
  return p;
}

net::HttpResponse PageJson(const std::string& key, json::array items, const Page& page,
                           size_t total) {
  bool more = static_cast<size_t>(page.offset + page.limit) < total;
  // Built field by field: an initializer list would deep-copy the whole page of items.
  json::object o;
  o.reserve(5);
  o.emplace(key, std::move(items));
  o.emplace("limit", page.limit);
  o.emplace("offset", page.offset);
  o.emplace("more", more);
  o.emplace("total", page.total ? json::value(total) : json::value(nullptr));
  return JsonResponse(200, json::value(std::move(o)));
}

net::HttpResponse PageText(const std::string& key, const std::string& items, const Page& page,
                           size_t total) {
  // The envelope exactly as PageJson makes it, with the items spliced into its empty array
  // (the first member, so the first "[]").
  net::HttpResponse res = PageJson(key, json::array{}, page, total);
  size_t at = res.body.find("[]");
  res.body.insert(at + 1, items);
  return res;
}

std::variant<const User*, net::HttpResponse> RequireFrom(const World& w,
                                                         const net::HttpRequest& req) {
  auto from = req.Header("From");
  if (!from || from->empty()) {
    // Error code 2011 from PagerDuty's error list; the exact text for a missing From header is
    // not documented (providers.md §8.4).
    return ErrorResponse(400, 2011, "You must specify a requester_id",
                         {"The From header is required and must be the email address of a "
                          "valid user"});
  }
  const User* u = w.FindUserByEmail(*from);
  if (!u) return ErrorResponse(400, 1008, "Requester User Not Found");
  return u;
}

std::variant<json::object, net::HttpResponse> BodyObject(const net::HttpRequest& req,
                                                         std::string_view key) {
  auto body = ParseObjectBody(req.body);
  if (!body) return InvalidInput(body.error().message);
  auto inner = json::GetObject(*body, key);
  if (!inner) return InvalidInput(inner.error().message);
  return **inner;
}

}  // namespace im::sim::pagerduty

// The Opsgenie route step (request id, domain buckets) and request plumbing shared by handlers.
#include "sim/opsgenie/routes.h"

#include <algorithm>

#include "sim/common/json_response.h"

namespace im::sim::opsgenie {

void Api::Add(const std::string& method, const std::string& pattern, Domain domain, bool write,
              Handler handler) {
  router.Add(
      method, pattern,
      [api = *this, domain, h = std::move(handler)](const net::HttpRequest& req) {
        Call call{api.ids.Next(), &api.st.clock, api.st.clock.Now()};
        if (api.st.knobs.Get().rate_limit) {
          if (int period = api.limits.Take(domain)) return Throttled(call, period);
        }
        return h(req, call);
      },
      SimRoute{.write = write});
}

net::HttpResponse Throttled(const Call& call, int period_seconds) {
  // The body is Opsgenie's error shape; the official Go SDK's tests use this message.
  net::HttpResponse res = ErrorReply(call, 429, "TooManyRequests");
  res.SetHeader("X-RateLimit-State", "THROTTLED");
  res.SetHeader("X-RateLimit-Reason", "ACCOUNT");
  res.SetHeader("X-RateLimit-Period-In-Sec", std::to_string(period_seconds));
  return res;
}

std::variant<Page, net::HttpResponse> ParsePage(const net::HttpRequest& req, const Call& call,
                                                int64_t fallback, int64_t max) {
  auto offset = QueryInt(req, "offset", 0);
  if (!offset || *offset < 0) {
    return ErrorReply(call, 422, "Offset should be a non-negative integer",
                      {{"offset", "must be greater than or equal to 0"}});
  }
  auto limit = QueryInt(req, "limit", fallback);
  if (!limit || *limit < 1 || *limit > max) {
    return ErrorReply(call, 422, "Limit should be between 1 and " + std::to_string(max),
                      {{"limit", "must be between 1 and " + std::to_string(max)}});
  }
  return Page{*offset, *limit};
}

json::object PagingLinks(const Api& api, const net::HttpRequest& req, const Page& page,
                         size_t total) {
  const std::string base = BaseUrl(req, api.base_url) + req.path;
  auto link = [&](int64_t offset) {
    std::string q;
    bool has_limit = false;
    for (const auto& [k, v] : req.query) {
      if (k == "offset") continue;
      has_limit = has_limit || k == "limit";
      q += (q.empty() ? "" : "&") + net::UrlEncode(k) + "=" + net::UrlEncode(v);
    }
    if (!has_limit)
      q += (q.empty() ? "" : "&") + std::string("limit=") + std::to_string(page.limit);
    return base + "?" + q + "&offset=" + std::to_string(offset);
  };
  const auto n = static_cast<int64_t>(total);
  json::object paging;
  if (page.offset + page.limit < n) paging["next"] = link(page.offset + page.limit);
  if (page.offset > 0) paging["prev"] = link(std::max<int64_t>(0, page.offset - page.limit));
  paging["first"] = link(0);
  paging["last"] = link(n == 0 ? 0 : (n - 1) / page.limit * page.limit);
  return paging;
}

void AddPagingHeaders(net::HttpResponse& res, const json::object& paging) {
  for (const auto& [key, name] : {std::pair{"next", "X-Paging-Next"},
                                  {"prev", "X-Paging-Prev"},
                                  {"first", "X-Paging-First"},
                                  {"last", "X-Paging-Last"}}) {
    if (auto it = paging.find(key); it != paging.end()) {
      res.SetHeader(name, std::string(it->value().as_string()));
    }
  }
}

std::variant<std::string, net::HttpResponse> IdentifierType(const net::HttpRequest& req,
                                                            const Call& call,
                                                            const std::vector<std::string>& allowed,
                                                            const std::string& name) {
  std::string type = req.Query(name).value_or("id");
  if (std::find(allowed.begin(), allowed.end(), type) == allowed.end()) {
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    return ErrorReply(call, 422, name + " should be one of " + list, {{name, "is not valid"}});
  }
  return type;
}

}  // namespace im::sim::opsgenie

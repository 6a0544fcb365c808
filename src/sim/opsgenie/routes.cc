// The Opsgenie route step (request id, domain buckets) and request plumbing shared by handlers.
#include "sim/opsgenie/routes.h"

#include <algorithm>

#include "sim/common/json_response.h"
#include "sim/opsgenie/json.h"

namespace im::sim::opsgenie {

namespace {

using Response = net::HttpResponse;

// Fallback paths: "/{segment1}" .. eight segments deep, each also with a trailing slash.
constexpr int kFallbackDepth = 8;

bool IsIncidentApiPath(const std::string& pattern) {
  return pattern.starts_with("/v1/incidents") || pattern.starts_with("/v2/incident-timelines");
}

// Api::Add's own step for one authenticated request; `call` carries its arrival time.
Response AnswerOpsgenieCall(const Api& api, const net::HttpRequest& req, Call& call, Domain domain,
                            bool incident_api, const Handler& handler) {
  call.request_id = api.ids.Next();
  Knobs k = api.st.knobs.Get();
  if (incident_api && !k.incident_api) {
    // A plan without the Incident API (Free and Essentials, providers.md §4.4).
    return ErrorReply(call, 402, "Your subscription plan does not include the Incident API");
  }
  if (auto key = api.keys.Find(GenieKeyOf(req))) call.team = key->team;
  if (!k.rate_limit) return handler(req, call);
  if (!k.throttle_by_delay) {
    if (int period = api.limits.Take(domain)) return Throttled(call, period);
    return handler(req, call);
  }
  DomainLimiter::Hold hold = api.limits.Reserve(domain);
  if (hold.period == 0) return handler(req, call);
  if (api.sleep) api.sleep(std::chrono::ceil<std::chrono::milliseconds>(hold.wait));
  Response res = handler(req, call);
  MarkThrottled(res, hold.period);
  return res;
}

}  // namespace

void Api::Add(const std::string& method, const std::string& pattern, Domain domain, bool write,
              Handler handler) {
  auto serve = [this, domain, write, incident_api = IsIncidentApiPath(pattern),
                h = std::move(handler)](const net::HttpRequest& req) {
    Call call{"", &st.clock, st.clock.Now()};  // took counts from here
    return router.Serve(
        req,
        [&](const net::HttpRequest& r) {
          return AnswerOpsgenieCall(*this, r, call, domain, incident_api, h);
        },
        SimRoute{.write = write});
  };
  for (const std::string& path : {pattern, pattern + "/"}) {
    known.Add(method, path, nullptr);
    // Blocking: the latency knob and throttling holds wait on a worker thread.
    http.Add(method, path, serve, {.blocking = true});
  }
}

void Api::AddFallbacks() {
  auto answer = [this](const net::HttpRequest& req) {
    Call call{ids.Next(), &st.clock, st.clock.Now()};
    if (known.Find(req.method, req.path).path_matched) {
      return ErrorReply(call, 405, "Method " + req.method + " is not allowed for this path");
    }
    return ErrorReply(call, 404, "No resource exists at " + req.path);
  };
  std::string pattern;
  for (int depth = 1; depth <= kFallbackDepth; ++depth) {
    pattern += "/{segment" + std::to_string(depth) + "}";
    for (const char* method : {"GET", "POST", "PUT", "PATCH", "DELETE"}) {
      for (const std::string& path : {pattern, pattern + "/"}) {
        router.Add(method, path, answer, SimRoute{.authenticated = false});
      }
    }
  }
}

std::string CallerAddress(const net::HttpRequest& req) {
  if (auto forwarded = req.Header("X-Forwarded-For"); forwarded && !forwarded->empty()) {
    std::string_view first = forwarded->substr(0, forwarded->find(','));
    while (!first.empty() && first.front() == ' ') first.remove_prefix(1);
    while (!first.empty() && first.back() == ' ') first.remove_suffix(1);
    return std::string(first);
  }
  std::string_view remote = req.remote;
  size_t colon = remote.rfind(':');
  if (colon != std::string_view::npos) remote = remote.substr(0, colon);
  if (remote.size() > 2 && remote.front() == '[' && remote.back() == ']') {
    remote = remote.substr(1, remote.size() - 2);
  }
  return std::string(remote);
}

std::string_view GenieKeyOf(const net::HttpRequest& req) {
  constexpr std::string_view kPrefix = "GenieKey ";
  std::string_view auth = req.Header("Authorization").value_or("");
  return auth.starts_with(kPrefix) ? auth.substr(kPrefix.size()) : std::string_view();
}

net::HttpResponse Throttled(const Call& call, int period_seconds) {
  // The body is Opsgenie's error shape; the official Go SDK's tests use this message.
  net::HttpResponse res = ErrorReply(call, 429, "TooManyRequests");
  MarkThrottled(res, period_seconds);
  return res;
}

void MarkThrottled(net::HttpResponse& res, int period_seconds) {
  res.SetHeader("X-RateLimit-State", "THROTTLED");
  res.SetHeader("X-RateLimit-Reason", "ACCOUNT");
  res.SetHeader("X-RateLimit-Period-In-Sec", std::to_string(period_seconds));
}

bool InScope(const Call& call, const std::string& owner_team_id) {
  return call.team.empty() || call.team == owner_team_id;
}

net::HttpResponse NoPermission(const Call& call) {
  return CodedErrorReply(call, 403, 40301, "You are not authorized to perform this operation");
}

net::HttpResponse RequestStatusReply(Api& api, const net::HttpRequest& req, const Call& call,
                                     const std::string& domain) {
  auto lock = api.st.Lock();
  const World& w = api.st.world;
  auto it = w.requests.find(req.Param("requestId"));
  if (it == w.requests.end() || !it->second.processed || it->second.domain != domain) {
    // The official Go SDK retries a request status only on this error type.
    Response res = NotFoundReply(call, "Request not found. It might not be processed, yet.");
    res.SetHeader("X-Opsgenie-Errortype", "RequestNotProcessed");
    return res;
  }
  return DataReply(call, RequestStatusJson(w, it->second));
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

#include "connectors/incidentio/client.h"

namespace im::connectors::incidentio {
namespace {

std::string IioAdvice(int status) {
  switch (status) {
    case 401:
      return "check api_key: an incident.io API key (Settings → API keys) sent as a Bearer token";
    case 403:
      return "the key lacks a scope: give it \"View data\" (incidents, severities, statuses, "
             "users), \"View catalog\" and \"View on-call\", and private incident access to "
             "import private incidents";
    case 404: return "it does not exist in this incident.io organisation (or is private)";
    case 422: return "incident.io refused the request's parameters";
    case 429: return "incident.io rate-limited the key; im waits and tries again";
    default: return "";
  }
}

}  // namespace

RateLimitHint IncidentIoRateLimit(const net::HttpResponse& response, Time now) {
  RateLimitHint hint;
  if (auto remaining = HeaderInt(response, "X-RateLimit-Remaining")) hint.remaining = *remaining;
  if (auto reset = HeaderInt(response, "X-RateLimit-Reset")) {
    // Unix seconds when the bucket is full again (not a window end: it refills 20 a second).
    int64_t now_s =
        std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    int64_t in = std::max<int64_t>(0, *reset - now_s);
    if (in > 0 && in <= 3600) {
      // Reset is when the bucket is full again; a token comes back every 1/20 s, so an empty
      // bucket lets the next request through within a second, not at Reset.
      hint.reset_seconds = std::min<int64_t>(in, 1);
      // After a 429 without Retry-After: one token comes back within a second or so; the
      // bucket is full at Reset. Wait a little, never the whole refill.
      if (response.status == 429) hint.wait = std::chrono::seconds(std::min<int64_t>(in, 5));
    }
  }
  return hint;
}

Error IncidentIoError(const net::HttpResponse& response, const std::string& what) {
  std::string detail;
  if (auto body = json::Parse(response.body); body && body->is_object()) {
    const auto& o = body->as_object();
    std::string type = json::StringOr(o, "type");
    if (auto errors = o.find("errors"); errors != o.end() && errors->value().is_array()) {
      for (const auto& e : errors->value().as_array()) {
        if (!e.is_object()) continue;
        std::string message = json::StringOr(e.as_object(), "message");
        std::string field;
        if (auto src = e.as_object().find("source");
            src != e.as_object().end() && src->value().is_object()) {
          field = json::StringOr(src->value().as_object(), "field");
        }
        if (message.empty()) message = json::StringOr(e.as_object(), "code");
        if (!field.empty()) message = field + ": " + message;
        if (!message.empty()) detail += (detail.empty() ? "" : "; ") + message;
      }
    }
    if (detail.empty()) detail = type;
    if (std::string id = json::StringOr(o, "request_id"); !id.empty()) {
      detail += " (request_id " + id + ")";
    }
  }
  std::string advice = IioAdvice(response.status);
  if (!advice.empty()) detail += (detail.empty() ? "" : " — ") + advice;
  return HttpError(response.status, "incident.io", what, detail);
}

RestOptions IncidentIoOptions(const std::string& base_url, const std::string& api_key, bool debug) {
  RestOptions o;
  o.provider = "incident.io";
  o.base_url = base_url;
  o.auth_header = "Authorization";
  o.auth_scheme = "Bearer ";
  o.api_key = api_key;
  o.debug = debug;
  o.rate_limit = IncidentIoRateLimit;
  o.error_for = IncidentIoError;
  return o;
}

Result<void> ForEachPage(RestClient& client, const std::string& path, const Query& query,
                         const std::string& key,
                         const std::function<Result<bool>(const json::object&)>& each,
                         int64_t* requests, int64_t page_size) {
  std::string after;
  for (;;) {
    Query q = query;
    q.emplace_back("page_size", std::to_string(page_size));
    if (!after.empty()) q.emplace_back("after", after);
    auto page = client.Get(path, q);
    if (requests) ++*requests;
    if (!page) return std::unexpected(page.error());
    auto items = page->find(key);
    if (items == page->end() || !items->value().is_array()) {
      return Fail(ErrorCode::kUnavailable,
                  "incident.io GET " + path + " answered without a list of " + key);
    }
    for (const auto& item : items->value().as_array()) {
      if (!item.is_object()) continue;
      auto more = each(item.as_object());
      if (!more) return std::unexpected(more.error());
      if (!*more) return Ok();
    }
    std::string next;
    if (auto meta = page->find("pagination_meta");
        meta != page->end() && meta->value().is_object()) {
      next = json::StringOr(meta->value().as_object(), "after");
    }
    if (next.empty() || items->value().as_array().empty()) return Ok();
    if (next == after) {
      return Fail(ErrorCode::kUnavailable,
                  "incident.io GET " + path + " gave the same cursor twice; stopped paging");
    }
    after = std::move(next);
  }
}

}  // namespace im::connectors::incidentio

#include "connectors/opsgenie/client.h"

#include <algorithm>

namespace im::connectors::opsgenie {
namespace {

bool OgIEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// What to do about an Opsgenie refusal, by status.
std::string OgAdvice(int status) {
  switch (status) {
    case 401:
      return "check api_key (an Opsgenie API integration key or an account API key with read "
             "access) and custom.region (us or eu: a key works on its own region only)";
    case 402:
      return "this Opsgenie plan does not include this API (the Incident API needs the Standard "
             "or Enterprise plan); set custom.import to \"alerts\"";
    case 403:
      return "the key has no permission for this: a team-scoped key sees only its own team's "
             "alerts and incidents; use an account API key with read access, or list the key's "
             "team in custom.teams";
    case 404: return "it does not exist in this Opsgenie account";
    case 429: return "Opsgenie throttled the request; im waits and tries again";
    default: return "";
  }
}

}  // namespace

RateLimitHint OpsgenieRateLimit(const net::HttpResponse& response, Time /*now*/) {
  RateLimitHint hint;
  auto state = response.Header("X-RateLimit-State");
  const bool throttled = state && OgIEquals(*state, "THROTTLED");
  if (!throttled && response.status != 429) return hint;
  // Period 1: the per-second bucket is empty; 60: the per-minute one (providers.md §4.6).
  int64_t period = HeaderInt(response, "X-RateLimit-Period-In-Sec").value_or(1);
  period = period >= 60 ? 60 : 1;
  if (response.status >= 300) {
    hint.throttled = true;  // refused, not processed: wait for the bucket, then again
    hint.wait = std::chrono::seconds(period);
  } else {
    // Throttled by delay: Opsgenie held the request and answered it. Nothing to repeat, but
    // the bucket is empty: the key's budget waits the period before the next request.
    hint.remaining = 0;
    hint.reset_seconds = period;
  }
  return hint;
}

Error OpsgenieError(const net::HttpResponse& response, const std::string& what) {
  std::string detail;
  if (auto body = json::Parse(response.body); body && body->is_object()) {
    const auto& o = body->as_object();
    detail = json::StringOr(o, "message");
    if (auto errors = o.find("errors"); errors != o.end() && errors->value().is_object()) {
      for (const auto& kv : errors->value().as_object()) {
        detail += std::string(detail.empty() ? "" : "; ") + std::string(kv.key()) + ": " +
                  (kv.value().is_string() ? std::string(kv.value().as_string())
                                          : json::Serialize(kv.value()));
      }
    }
    if (std::string id = json::StringOr(o, "requestId"); !id.empty()) {
      detail += " (requestId " + id + ")";
    }
  }
  std::string advice = OgAdvice(response.status);
  if (!advice.empty()) detail += (detail.empty() ? "" : " — ") + advice;
  Error e = HttpError(response.status, "Opsgenie", what, detail);
  if (response.status == 402) e.code = ErrorCode::kFailedPrecondition;
  return e;
}

RestOptions OpsgenieOptions(const std::string& base_url, const std::string& api_key, bool debug) {
  RestOptions o;
  o.provider = "Opsgenie";
  o.base_url = base_url;
  o.auth_header = "Authorization";
  o.auth_scheme = "GenieKey ";
  o.api_key = api_key;
  o.debug = debug;
  o.rate_limit = OpsgenieRateLimit;
  o.error_for = OpsgenieError;
  return o;
}

Result<const json::value*> DataOf(const json::object& answer, const std::string& what) {
  auto it = answer.find("data");
  if (it == answer.end()) {
    std::string result = json::StringOr(answer, "result");
    return Fail(ErrorCode::kUnavailable,
                "Opsgenie " + what + " answered without data" +
                    (result.empty() ? std::string() : " (\"" + result + "\")") +
                    ": an answer accepted for processing is not a result");
  }
  return &it->value();
}

Result<void> ForEachPage(RestClient& client, const std::string& path, const Query& query,
                         const std::function<Result<bool>(const json::object&)>& each,
                         int64_t* requests, int64_t limit) {
  for (int64_t offset = 0;; offset += limit) {
    if (offset + limit > kOffsetCap) {
      return Fail(ErrorCode::kResourceExhausted, "Opsgenie lists at most " +
                                                     std::to_string(kOffsetCap) + " results of " +
                                                     path + " per query");
    }
    Query q = query;
    q.emplace_back("offset", std::to_string(offset));
    q.emplace_back("limit", std::to_string(limit));
    auto page = client.Get(path, q);
    if (requests) ++*requests;
    if (!page) return std::unexpected(page.error());
    auto data = DataOf(*page, "GET " + path);
    if (!data) return std::unexpected(data.error());
    if (!(*data)->is_array()) {
      return Fail(ErrorCode::kUnavailable, "Opsgenie GET " + path + ": data is not a list");
    }
    const auto& items = (*data)->as_array();
    for (const auto& item : items) {
      if (!item.is_object()) continue;
      auto more = each(item.as_object());
      if (!more) return std::unexpected(more.error());
      if (!*more) return Ok();
    }
    bool next = false;
    if (auto paging = page->find("paging"); paging != page->end() && paging->value().is_object()) {
      next = paging->value().as_object().contains("next");
    }
    if (static_cast<int64_t>(items.size()) < limit || !next) return Ok();
  }
}

std::string EpochMillisText(Time t) {
  return std::to_string(
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count());
}

}  // namespace im::connectors::opsgenie

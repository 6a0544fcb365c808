#include "connectors/pagerduty/client.h"

#include "common/time.h"

namespace im::connectors::pagerduty {
namespace {

// PagerDuty's {"error":{"message","code","errors":[..]}} as the end of one line:
// ": Message (code N); …" ("" when the body holds none of it).
std::string DescribePagerDutyError(const std::string& body) {
  std::string text;
  auto v = json::Parse(body);
  if (!v || !v->is_object()) return text;
  const auto& o = v->as_object();
  auto e = o.find("error");
  if (e == o.end() || !e->value().is_object()) return text;
  const auto& err = e->value().as_object();
  if (auto m = err.find("message"); m != err.end() && m->value().is_string()) {
    text += ": " + std::string(m->value().as_string());
  }
  if (auto c = err.find("code"); c != err.end() && c->value().is_int64()) {
    text += " (code " + std::to_string(c->value().as_int64()) + ")";
  }
  if (auto es = err.find("errors"); es != err.end() && es->value().is_array()) {
    for (const auto& x : es->value().as_array()) {
      if (x.is_string()) text += "; " + std::string(x.as_string());
    }
  }
  return text;
}

Error PagerDutyError(const net::HttpResponse& r, const std::string& what) {
  Error e = HttpError(r.status, "PagerDuty", what);
  e.message += DescribePagerDutyError(r.body);
  switch (r.status) {
    case 401:
      e.message +=
          " — check the API key (and the region: EU accounts use "
          "https://api.eu.pagerduty.com); update it with `im connector update NAME --api-key`";
      break;
    case 403: e.message += " — the key may be read-only"; break;
    default:
      if (r.status >= 500) {
        e.message += " — PagerDuty is failing";
      } else if (e.code == ErrorCode::kInvalidArgument &&
                 e.message.find("(code 1008)") != std::string::npos) {
        e.message +=
            " — the From email is not a user of this PagerDuty account: set custom.from_email "
            "to one (`im connector test NAME` checks it)";
      }
  }
  return e;
}

// ratelimit-remaining and ratelimit-reset on every answer; after a 429, nothing more until
// the reset (at least a second).
RateLimitHint PagerDutyRateLimit(const net::HttpResponse& r, Time /*now*/) {
  RateLimitHint hint{.remaining = HeaderInt(r, "ratelimit-remaining"),
                     .reset_seconds = HeaderInt(r, "ratelimit-reset")};
  if (hint.reset_seconds) {
    hint.wait = std::chrono::seconds(std::max<int64_t>(*hint.reset_seconds, 1));
  }
  return hint;
}

}  // namespace

RestOptions PagerDutyOptions(std::string base_url, std::string api_key, bool debug) {
  // PagerDuty's REST reference marks Accept and Content-Type required on every operation,
  // reads included (RestClient sends Content-Type on every request).
  return RestOptions{.provider = "PagerDuty",
                     .base_url = std::move(base_url),
                     .auth_scheme = "Token token=",
                     .api_key = std::move(api_key),
                     .headers = {{"Accept", "application/vnd.pagerduty+json;version=2"}},
                     .debug = debug,
                     .rate_limit = PagerDutyRateLimit,
                     .error_for = PagerDutyError};
}

bool IsRequesterNotFound(const Error& e) {
  // PagerDutyError writes PagerDuty's code as "(code N)".
  return e.code == ErrorCode::kInvalidArgument &&
         e.message.find("(code 1008)") != std::string::npos;
}

std::string QueryTime(Time t, bool round_up) {
  auto whole = std::chrono::floor<std::chrono::seconds>(t);
  if (round_up && whole < t) whole += std::chrono::seconds(1);
  return FormatTime(whole);
}

Client::Client(RestOptions options, net::HttpClient& http, RateBudget& budget, Waiter& waiter,
               const Clock& clock, std::shared_ptr<spdlog::logger> log)
    : rest_(std::move(options), http, budget, waiter, clock, std::move(log)) {}

Result<json::object> Client::Get(const std::string& path, const Query& query) {
  return rest_.Get(path, query);
}

Result<json::object> Client::Send(const std::string& method, const std::string& path,
                                  const json::object& body, const std::string& from_email,
                                  bool retry_ambiguous) {
  RestRequest req{.method = method,
                  .path = path,
                  .body = json::Serialize(body),
                  .retry_ambiguous = retry_ambiguous};
  if (!from_email.empty()) req.headers.emplace_back("From", from_email);
  return rest_.Call(req);
}

Result<json::object> Client::SendEmpty(const std::string& method, const std::string& path) {
  return rest_.Call({.method = method, .path = path});
}

Result<void> Client::ForEach(const std::string& path, Query query, const std::string& key,
                             const std::function<Result<bool>(const json::object&)>& each) {
  const int64_t limit = 100;
  query.emplace_back("limit", std::to_string(limit));
  for (int64_t offset = 0;; offset += limit) {
    if (offset + limit > kOffsetCap) {
      return Fail(ErrorCode::kResourceExhausted,
                  "PagerDuty " + path + " has more than 10,000 results: narrow the time window");
    }
    Query q = query;
    q.emplace_back("offset", std::to_string(offset));
    auto page = Get(path, q);
    if (!page) return std::unexpected(page.error());
    if (offset == 0) {
      // With total=true PagerDuty says up front how many there are: past the cap, narrow the
      // window now instead of paging 100 times into an error.
      if (auto total = json::GetOptionalInt(*page, "total");
          total && *total && **total > kOffsetCap) {
        return Fail(ErrorCode::kResourceExhausted,
                    "PagerDuty " + path + " has " + std::to_string(**total) +
                        " results, more than the 10,000 it pages through: narrow the time window");
      }
    }
    auto items = json::GetOptionalArray(*page, key);
    if (!items || !*items) {
      return Fail(ErrorCode::kUnavailable, "PagerDuty " + path + " answered without '" + key + "'");
    }
    for (const auto& item : **items) {
      if (!item.is_object()) continue;
      auto go_on = each(item.as_object());
      if (!go_on) return std::unexpected(go_on.error());
      if (!*go_on) return Ok();
    }
    auto more = json::GetOptionalBool(*page, "more");
    if (!more || !*more || !**more || (*items)->empty()) return Ok();
  }
}

}  // namespace im::connectors::pagerduty

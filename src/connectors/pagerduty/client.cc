#include "connectors/pagerduty/client.h"

#include <charconv>

#include "common/time.h"
#include "common/version.h"
#include "connectors/secret_box.h"

namespace im::connectors::pagerduty {
namespace {

std::optional<int64_t> HeaderInt(const net::HttpResponse& r, std::string_view name) {
  auto v = r.Header(name);
  if (!v) return std::nullopt;
  int64_t n = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc()) return std::nullopt;
  return n;
}

// PagerDuty's {"error":{"message","code","errors":[..]}} as one line.
std::string DescribeError(const net::HttpResponse& r) {
  std::string text = "HTTP " + std::to_string(r.status);
  auto v = json::Parse(r.body);
  if (v && v->is_object()) {
    const auto& o = v->as_object();
    if (auto e = o.find("error"); e != o.end() && e->value().is_object()) {
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
    }
  }
  return text;
}

Error ErrorFor(const net::HttpResponse& r, const std::string& what) {
  std::string msg = "PagerDuty " + what + " failed: " + DescribeError(r);
  switch (r.status) {
    case 401:
      return {ErrorCode::kUnauthenticated,
              msg +
                  " — check the API key (and the region: EU accounts use "
                  "https://api.eu.pagerduty.com); update it with `im connector update NAME "
                  "--api-key`"};
    case 403: return {ErrorCode::kPermissionDenied, msg + " — the key may be read-only"};
    case 404: return {ErrorCode::kNotFound, msg};
    case 429: return {ErrorCode::kResourceExhausted, msg};
    default:
      if (r.status >= 500) return {ErrorCode::kUnavailable, msg + " — PagerDuty is failing"};
      if (msg.find("(code 1008)") != std::string::npos) {
        msg +=
            " — the From email is not a user of this PagerDuty account: set custom.from_email "
            "to one (`im connector test NAME` checks it)";
      }
      return {ErrorCode::kInvalidArgument, msg};
  }
}

}  // namespace

bool IsRequesterNotFound(const Error& e) {
  // DescribeError writes PagerDuty's code as "(code N)".
  return e.code == ErrorCode::kInvalidArgument &&
         e.message.find("(code 1008)") != std::string::npos;
}

std::string UserAgent() { return "im/" + std::string(kVersion); }

std::string QueryTime(Time t, bool round_up) {
  auto whole = std::chrono::floor<std::chrono::seconds>(t);
  if (round_up && whole < t) whole += std::chrono::seconds(1);
  return FormatTime(whole);
}

ClientOptions OneShot(ClientOptions options) {
  options.max_attempts = 1;
  options.request_timeout = std::chrono::milliseconds(3000);
  options.connect_timeout = std::chrono::milliseconds(2500);
  return options;
}

Client::Client(ClientOptions options, net::HttpClient& http, RateBudget& budget, Waiter& waiter,
               const Clock& clock, std::shared_ptr<spdlog::logger> log)
    : options_(std::move(options)),
      http_(http),
      budget_(budget),
      waiter_(waiter),
      clock_(clock),
      log_(std::move(log)) {}

Result<json::object> Client::Get(const std::string& path, const Query& query) {
  return Call("GET", path, query, "", "", true);
}

Result<json::object> Client::Send(const std::string& method, const std::string& path,
                                  const json::object& body, const std::string& from_email,
                                  bool retry_ambiguous) {
  return Call(method, path, {}, json::Serialize(body), from_email, retry_ambiguous);
}

Result<json::object> Client::SendEmpty(const std::string& method, const std::string& path) {
  return Call(method, path, {}, "", "", true);
}

Result<json::object> Client::Call(const std::string& method, const std::string& path,
                                  const Query& query, const std::string& body,
                                  const std::string& from_email, bool retry_ambiguous) {
  net::ClientRequest req{.method = method,
                         .url = options_.base_url + path,
                         .body = body,
                         .timeout = options_.request_timeout,
                         .connect_timeout = options_.connect_timeout};
  char sep = '?';
  for (const auto& [k, v] : query) {
    req.url += sep + net::UrlEncode(k) + "=" + net::UrlEncode(v);
    sep = '&';
  }
  // PagerDuty's REST reference marks Accept and Content-Type required on every operation,
  // reads included.
  req.headers = {{"Authorization", "Token token=" + options_.api_key},
                 {"Accept", "application/vnd.pagerduty+json;version=2"},
                 {"Content-Type", "application/json"},
                 {"User-Agent", UserAgent()}};
  if (!from_email.empty()) req.headers.emplace_back("From", from_email);

  Duration backoff = options_.first_backoff;
  Error last{ErrorCode::kUnavailable, "PagerDuty " + method + " " + path + " was not tried"};
  for (int attempt = 1; attempt <= options_.max_attempts; ++attempt) {
    if (!budget_.Acquire()) {
      return Fail(ErrorCode::kUnavailable,
                  "stopping: PagerDuty " + method + " " + path + " was not sent");
    }
    Time start = clock_.Now();
    auto res = http_.Send(req);
    Duration took = clock_.Now() - start;
    {
      std::lock_guard lock(stats_mu_);
      stats_.calls++;
      stats_.latency_us += took.count();
    }
    if (options_.debug) {
      log_->info("PagerDuty {} {} (Authorization: Token token={}) → {}", method, req.url,
                 Redact(options_.api_key),
                 res ? std::to_string(res->status) + " " + res->body.substr(0, 2000)
                     : res.error().message);
    }
    if (res && res->status < 300) {
      budget_.Observe(HeaderInt(*res, "ratelimit-remaining"), HeaderInt(*res, "ratelimit-reset"));
      if (res->body.empty()) return json::object{};
      auto v = json::Parse(res->body);
      if (v && v->is_object()) return std::move(v->as_object());
    }
    {
      std::lock_guard lock(stats_mu_);
      stats_.errors++;
      if (res && res->status == 429) stats_.rate_limited++;
    }
    // A 2xx whose body is not JSON (cut off on the way) is as transient as a 5xx.
    bool garbled = res && res->status < 300;
    // A 429 was not processed; the others may have been, so a write that must not happen
    // twice (retry_ambiguous false) leaves them to its caller, which looks before resending.
    bool retry = (res && res->status == 429) ||
                 (retry_ambiguous && (!res || garbled || res->status >= 500 || res->status == 408));
    last = garbled ? Error{ErrorCode::kUnavailable, "PagerDuty " + method + " " + path +
                                                        " answered with a body that is not JSON"}
           : res   ? ErrorFor(*res, method + " " + path)
                   : res.error().Wrap("PagerDuty " + method + " " + path);
    if (!retry) return std::unexpected(last);
    Time next = clock_.Now() + backoff;
    if (res && res->status == 429) {
      // Honour ratelimit-reset when PagerDuty sends it; a bare 429 gets exponential backoff.
      if (auto reset = HeaderInt(*res, "ratelimit-reset")) {
        next = clock_.Now() + std::chrono::seconds(std::max<int64_t>(*reset, 1));
      }
      budget_.BlockUntil(next);
    }
    if (attempt == options_.max_attempts) break;
    log_->warn("PagerDuty {} {} attempt {}/{} failed ({}); retrying", method, path, attempt,
               options_.max_attempts, last.message);
    if (!waiter_.WaitUntil(next)) break;  // stopping
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
  return std::unexpected(last);
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

CallStats Client::TakeStats() {
  std::lock_guard lock(stats_mu_);
  CallStats out = stats_;
  stats_ = {};
  return out;
}

}  // namespace im::connectors::pagerduty

#include "connectors/rest_client.h"

#include <spdlog/spdlog.h>

#include <array>
#include <charconv>

#include "common/strings.h"
#include "common/version.h"

namespace im::connectors {
namespace {

// An IMF-fixdate, the HTTP-date every server sends today: "Sun, 06 Nov 1994 08:49:37 GMT".
std::optional<Time> ParseHttpDate(std::string_view s) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (s.size() != 29 || s.substr(3, 2) != ", " || s.substr(25) != " GMT") return std::nullopt;
  auto number = [&](size_t at, size_t len) -> std::optional<int> {
    int n = 0;
    auto [p, ec] = std::from_chars(s.data() + at, s.data() + at + len, n);
    if (ec != std::errc() || p != s.data() + at + len) return std::nullopt;
    return n;
  };
  auto day = number(5, 2), year = number(12, 4), hour = number(17, 2), minute = number(20, 2),
       second = number(23, 2);
  if (!day || !year || !hour || !minute || !second || s[19] != ':' || s[22] != ':') {
    return std::nullopt;
  }
  unsigned month = 0;
  for (unsigned i = 0; i < kMonths.size(); ++i) {
    if (s.substr(8, 3) == kMonths[i]) month = i + 1;
  }
  std::chrono::year_month_day date{std::chrono::year(*year), std::chrono::month(month),
                                   std::chrono::day(static_cast<unsigned>(*day))};
  if (month == 0 || !date.ok() || *hour > 23 || *minute > 59 || *second > 60) return std::nullopt;
  return Time(std::chrono::sys_days(date)) + std::chrono::hours(*hour) +
         std::chrono::minutes(*minute) + std::chrono::seconds(*second);
}

// Defaults first; a header of the same name given later replaces the earlier one.
void SetHeaders(net::Headers& headers, const net::Headers& more) {
  for (const auto& [name, value] : more) {
    bool replaced = false;
    for (auto& [n, v] : headers) {
      if (net::HeaderNameEquals(n, name)) {
        v = value;
        replaced = true;
      }
    }
    if (!replaced) headers.emplace_back(name, value);
  }
}

}  // namespace

std::string UserAgent() { return "im/" + std::string(kVersion); }

std::optional<int64_t> HeaderInt(const net::HttpResponse& response, std::string_view name) {
  auto v = response.Header(name);
  if (!v) return std::nullopt;
  int64_t n = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || p != v->data() + v->size()) return std::nullopt;
  return n;
}

std::optional<Duration> RetryAfter(const net::HttpResponse& response, Time now) {
  if (auto seconds = HeaderInt(response, "Retry-After")) {
    if (*seconds < 0) return std::nullopt;
    return std::chrono::seconds(*seconds);
  }
  auto v = response.Header("Retry-After");
  if (!v) return std::nullopt;
  auto at = ParseHttpDate(*v);
  if (!at) return std::nullopt;
  return std::max<Duration>(*at - now, Duration::zero());
}

Error HttpError(int status, const std::string& provider, const std::string& what,
                const std::string& detail) {
  std::string msg = provider + " " + what + " failed: HTTP " + std::to_string(status);
  if (!detail.empty()) msg += ": " + detail;
  ErrorCode code = status == 401   ? ErrorCode::kUnauthenticated
                   : status == 403 ? ErrorCode::kPermissionDenied
                   : status == 404 ? ErrorCode::kNotFound
                   : status == 429 ? ErrorCode::kResourceExhausted
                   : status >= 500 ? ErrorCode::kUnavailable
                                   : ErrorCode::kInvalidArgument;
  return {code, msg};
}

RestOptions OneShot(RestOptions options) {
  options.max_attempts = 1;
  options.request_timeout = std::chrono::milliseconds(3000);
  options.connect_timeout = std::chrono::milliseconds(2500);
  return options;
}

RestClient::RestClient(RestOptions options, net::HttpClient& http, RateBudget& budget,
                       Waiter& waiter, const Clock& clock, std::shared_ptr<spdlog::logger> log)
    : options_(std::move(options)),
      http_(http),
      budget_(budget),
      waiter_(waiter),
      clock_(clock),
      log_(std::move(log)) {}

Result<json::object> RestClient::Get(const std::string& path, const Query& query) {
  return Call({.method = "GET", .path = path, .query = query});
}

Result<json::object> RestClient::Send(const std::string& method, const std::string& path,
                                      const json::object& body, bool retry_ambiguous) {
  return Call({.method = method,
               .path = path,
               .body = json::Serialize(body),
               .retry_ambiguous = retry_ambiguous});
}

Result<json::object> RestClient::Call(const RestRequest& request) {
  const std::string& provider = options_.provider;
  const std::string what = request.method + " " + request.path;
  net::ClientRequest req{.method = request.method,
                         .url = options_.base_url + request.path,
                         .body = request.body,
                         .timeout = options_.request_timeout,
                         .connect_timeout = options_.connect_timeout};
  char sep = '?';
  for (const auto& [k, v] : request.query) {
    req.url += sep + net::UrlEncode(k) + "=" + net::UrlEncode(v);
    sep = '&';
  }
  req.headers = {{"Accept", "application/json"},
                 {"Content-Type", "application/json"},
                 {"User-Agent", UserAgent()}};
  if (!options_.api_key.empty()) {
    req.headers.emplace_back(options_.auth_header, options_.auth_scheme + options_.api_key);
  }
  SetHeaders(req.headers, options_.headers);
  SetHeaders(req.headers, request.headers);

  Duration backoff = options_.first_backoff;
  Error last{ErrorCode::kUnavailable, provider + " " + what + " was not tried"};
  for (int attempt = 1; attempt <= options_.max_attempts; ++attempt) {
    if (!budget_.Acquire()) {
      return Fail(ErrorCode::kUnavailable, "stopping: " + provider + " " + what + " was not sent");
    }
    Time start = clock_.Now();
    auto res = http_.Send(req);
    Duration took = clock_.Now() - start;
    if (options_.debug) {
      log_->info("{} {} {} ({}: {}{}) → {}", provider, request.method, req.url,
                 options_.auth_header, options_.auth_scheme, Redact(options_.api_key),
                 res ? std::to_string(res->status) + " " + res->body.substr(0, 2000)
                     : res.error().message);
    }
    RateLimitHint hint;
    if (res && options_.rate_limit) hint = options_.rate_limit(*res, clock_.Now());
    bool rate_limited = res && (res->status == 429 || hint.throttled);
    if (res && res->status < 300 && !rate_limited) {
      budget_.Observe(hint.remaining, hint.reset_seconds);
      if (res->body.empty()) {
        Count(took, false, false);
        return json::object{};
      }
      auto v = json::Parse(res->body);
      if (v && v->is_object()) {
        Count(took, false, false);
        return std::move(v->as_object());
      }
    }
    Count(took, true, rate_limited);
    // A 2xx whose body is not JSON (cut off on the way) is as transient as a 5xx.
    bool garbled = res && res->status < 300 && !rate_limited;
    // A rate-limited request was not processed; the others may have been, so a write that must
    // not happen twice (retry_ambiguous false) leaves them to its caller, which looks first.
    bool retry = rate_limited || (request.retry_ambiguous &&
                                  (!res || garbled || res->status >= 500 || res->status == 408));
    last = garbled              ? Error{ErrorCode::kUnavailable,
                           provider + " " + what + " answered with a body that is not JSON"}
           : !res               ? res.error().Wrap(provider + " " + what)
           : options_.error_for ? options_.error_for(*res, what)
                                : HttpError(res->status, provider, what);
    if (rate_limited && res->status != 429) {
      last = Error{ErrorCode::kResourceExhausted, provider + " " + what + " was throttled"};
    }
    if (!retry) return std::unexpected(last);
    Time next = NextAttempt(res, hint, rate_limited, backoff);
    if (rate_limited) budget_.BlockUntil(next);
    if (attempt == options_.max_attempts) {
      if (attempt > 1) last.message += " (gave up after " + std::to_string(attempt) + " attempts)";
      break;
    }
    log_->warn("{} {} attempt {}/{} failed ({}); retrying", provider, what, attempt,
               options_.max_attempts, last.message);
    if (!waiter_.WaitUntil(next)) break;  // stopping
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
  return std::unexpected(last);
}

Time RestClient::NextAttempt(const Result<net::HttpResponse>& res, const RateLimitHint& hint,
                             bool rate_limited, Duration backoff) const {
  Time now = clock_.Now();
  if (!res) return now + backoff;
  // Retry-After says when one request will succeed: it wins over the rate-limit headers, which
  // may say when the whole allowance is back. A bare 429 gets exponential backoff.
  std::optional<Duration> wait = RetryAfter(*res, now);
  if (!wait && rate_limited) wait = hint.wait;
  if (!wait) return now + backoff;
  return now + std::min(*wait, options_.max_server_wait);
}

void RestClient::Count(Duration took, bool failed, bool rate_limited) {
  std::lock_guard lock(stats_mu_);
  stats_.calls++;
  stats_.latency_us += took.count();
  if (failed) stats_.errors++;
  if (rate_limited) stats_.rate_limited++;
}

CallStats RestClient::TakeStats() {
  std::lock_guard lock(stats_mu_);
  CallStats out = stats_;
  stats_ = {};
  return out;
}

}  // namespace im::connectors

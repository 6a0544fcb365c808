// The REST client every provider connector talks through: authenticated JSON requests within
// the key's shared rate budget, retried with exponential backoff on 429, 5xx, timeouts and
// garbled answers, honouring Retry-After and the provider's own rate-limit headers. A provider
// plugs in its auth header, its rate-limit headers and how its error bodies read (RestOptions).
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/json.h"
#include "connectors/rate_budget.h"
#include "net/http_client.h"

namespace spdlog {
class logger;
}

namespace im::connectors {

struct CallStats {
  int64_t calls = 0;
  int64_t errors = 0;
  int64_t rate_limited = 0;
  int64_t latency_us = 0;
};

using Query = std::vector<std::pair<std::string, std::string>>;

// What one answer's headers say about the provider's rate limit (RestOptions::rate_limit).
struct RateLimitHint {
  std::optional<int64_t> remaining;      // requests left in the window (RateBudget::Observe)
  std::optional<int64_t> reset_seconds;  // seconds until the window is full again
  // The request was refused for the rate limit even without a 429 (Opsgenie's
  // X-RateLimit-State: THROTTLED): it was not processed, so it is retried like a 429.
  bool throttled = false;
  // How long to wait before the next attempt after a rate-limited answer, when the headers say
  // (PagerDuty's ratelimit-reset; Opsgenie's X-RateLimit-Period-In-Sec). Retry-After wins.
  std::optional<Duration> wait;
};

struct RestOptions {
  std::string provider = "the provider";  // "PagerDuty": names it in errors and logs
  std::string base_url;
  // Every request carries `auth_header: auth_scheme + api_key` (`Authorization: Bearer …`);
  // debug logs show the key redacted.
  std::string auth_header = "Authorization";
  std::string auth_scheme;  // "Token token=", "GenieKey ", "Bearer "
  std::string api_key;
  // Sent on every request, replacing the defaults of the same name (Accept and Content-Type:
  // application/json, User-Agent: im/<version>).
  net::Headers headers;
  int max_attempts = 8;  // 1 s doubling to 60 s: about two minutes before giving up
  Duration first_backoff = std::chrono::seconds(1);
  Duration max_backoff = std::chrono::seconds(60);
  // The longest wait a provider's Retry-After or rate-limit headers can impose on one attempt.
  Duration max_server_wait = std::chrono::minutes(5);
  std::chrono::milliseconds request_timeout{10000};  // one attempt, connecting included
  std::chrono::milliseconds connect_timeout{0};      // 0: within request_timeout
  bool debug = false;                                // log requests and responses, secrets redacted
  // The provider's rate-limit headers; unset: none are read (Retry-After always is).
  std::function<RateLimitHint(const net::HttpResponse&, Time now)> rate_limit;
  // The error for a non-2xx answer to `what` ("GET /services"), with a message that says what
  // to do; unset: HttpError. Retrying is decided by the status, not by this.
  std::function<Error(const net::HttpResponse&, const std::string& what)> error_for;
};

// The options of a client for diagnostics (`im connector test|health`) and other one-shot
// calls that must answer quickly: one attempt, 2.5 s to connect, 3 s in all.
RestOptions OneShot(RestOptions options);

// One request. `headers` are this request's own (PagerDuty's From).
struct RestRequest {
  std::string method = "GET";
  std::string path;  // appended to base_url
  Query query;
  std::string body;  // JSON, or "" for none
  net::Headers headers;
  // false: only a rate-limited answer is retried here; a timeout, a 5xx or a garbled answer
  // (the write may have happened) is returned as kUnavailable for the caller to look first.
  bool retry_ambiguous = true;
};

// Thread-safe: one client may serve several threads (its budget and stats are shared).
class RestClient {
 public:
  RestClient(RestOptions options, net::HttpClient& http, RateBudget& budget, Waiter& waiter,
             const Clock& clock, std::shared_ptr<spdlog::logger> log);

  // The answer's JSON object ({} for an empty 2xx body), or the last failure once retries are
  // spent: the provider's error (error_for), kUnavailable for a garbled answer or a stop.
  Result<json::object> Call(const RestRequest& request);
  Result<json::object> Get(const std::string& path, const Query& query = {});
  Result<json::object> Send(const std::string& method, const std::string& path,
                            const json::object& body, bool retry_ambiguous = true);

  // The counts since the last call, and zero again.
  CallStats TakeStats();
  RateBudget& budget() { return budget_; }
  const RestOptions& options() const { return options_; }

 private:
  // When to try again after `res` (a failed attempt), given the exponential `backoff`.
  Time NextAttempt(const Result<net::HttpResponse>& res, const RateLimitHint& hint,
                   bool rate_limited, Duration backoff) const;
  void Count(Duration took, bool failed, bool rate_limited);

  RestOptions options_;
  net::HttpClient& http_;
  RateBudget& budget_;
  Waiter& waiter_;
  const Clock& clock_;
  std::shared_ptr<spdlog::logger> log_;
  std::mutex stats_mu_;
  CallStats stats_;  // GUARDED_BY(stats_mu_)
};

// The error for a non-2xx answer, by status: 401 kUnauthenticated, 403 kPermissionDenied, 404
// kNotFound, 429 kResourceExhausted, 5xx kUnavailable, others kInvalidArgument; the message is
// "<provider> <what> failed: HTTP <status>" and `detail` when there is one.
Error HttpError(int status, const std::string& provider, const std::string& what,
                const std::string& detail = "");

// Retry-After as seconds ("120") or an HTTP-date ("Wed, 21 Oct 2015 07:28:00 GMT"), as the
// wait from `now` (zero for a date passed); nullopt when absent or unreadable.
std::optional<Duration> RetryAfter(const net::HttpResponse& response, Time now);

// A header's value as a whole number; nullopt when absent or not a number.
std::optional<int64_t> HeaderInt(const net::HttpResponse& response, std::string_view name);

// "im/<version>", the User-Agent of every request im makes to a provider.
std::string UserAgent();

}  // namespace im::connectors

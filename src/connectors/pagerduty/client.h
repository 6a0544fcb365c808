// The PagerDuty REST API v2 as im uses it: authenticated requests within the key's shared
// rate budget, retried with backoff on 429 and 5xx, classic offset paging, and PagerDuty's
// error bodies turned into messages that say what to do.
#pragma once

#include <spdlog/spdlog.h>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/clock.h"
#include "common/json.h"
#include "connectors/rate_budget.h"
#include "net/http_client.h"

namespace im::connectors::pagerduty {

struct CallStats {
  int64_t calls = 0;
  int64_t errors = 0;
  int64_t rate_limited = 0;
  int64_t latency_us = 0;
};

struct ClientOptions {
  std::string base_url;
  std::string api_key;
  int max_attempts = 8;  // 1 s doubling to 60 s: about two minutes before giving up
  Duration first_backoff = std::chrono::seconds(1);
  Duration max_backoff = std::chrono::seconds(60);
  std::chrono::milliseconds request_timeout{10000};  // one attempt, connecting included
  std::chrono::milliseconds connect_timeout{0};      // 0: within request_timeout
  bool debug = false;                                // log requests and responses, secrets redacted
};

// The options of a client for diagnostics (`im connector test|health`) and other one-shot
// calls that must answer quickly: one attempt, 2.5 s to connect, 3 s in all.
ClientOptions OneShot(ClientOptions options);

using Query = std::vector<std::pair<std::string, std::string>>;

class Client {
 public:
  Client(ClientOptions options, net::HttpClient& http, RateBudget& budget, Waiter& waiter,
         const Clock& clock, std::shared_ptr<spdlog::logger> log);

  Result<json::object> Get(const std::string& path, const Query& query = {});
  // `retry_ambiguous` false: only a 429 is retried here; a timeout, a 5xx or a garbled answer
  // (the write may have happened) is returned as kUnavailable for the caller to look first.
  Result<json::object> Send(const std::string& method, const std::string& path,
                            const json::object& body, const std::string& from_email,
                            bool retry_ambiguous = true);
  // A write without a body (DELETE, POST /webhook_subscriptions/{id}/enable).
  Result<json::object> SendEmpty(const std::string& method, const std::string& path);

  // Pages through a classic list endpoint (limit 100) calling `each` for every element of
  // `key`; stops early when `each` returns false. Fails with kResourceExhausted when the
  // result would pass PagerDuty's offset cap of 10,000, so callers narrow the window instead.
  Result<void> ForEach(const std::string& path, Query query, const std::string& key,
                       const std::function<Result<bool>(const json::object&)>& each);

  CallStats TakeStats();
  RateBudget& budget() { return budget_; }

 private:
  Result<json::object> Call(const std::string& method, const std::string& path, const Query& query,
                            const std::string& body, const std::string& from_email,
                            bool retry_ambiguous);

  ClientOptions options_;
  net::HttpClient& http_;
  RateBudget& budget_;
  Waiter& waiter_;
  const Clock& clock_;
  std::shared_ptr<spdlog::logger> log_;
  std::mutex stats_mu_;
  CallStats stats_;  // GUARDED_BY(stats_mu_)
};

// True for PagerDuty's error 1008, "Requester User Not Found": the From header named no user
// of the account (a person removed from PagerDuty since im last read its users).
bool IsRequesterNotFound(const Error& e);

// "im/<version>", the User-Agent of every request im makes to PagerDuty.
std::string UserAgent();

// `t` for a since/until parameter: whole seconds (PagerDuty's own examples carry none), rounded
// down for a window's start and up for its end (`round_up`), so the window only grows.
std::string QueryTime(Time t, bool round_up);

inline constexpr int kPagerDutyRatePerMinute = 960;
inline constexpr int64_t kOffsetCap = 10000;

}  // namespace im::connectors::pagerduty

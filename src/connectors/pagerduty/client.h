// The PagerDuty REST API v2 as im uses it, over the connectors' RestClient: PagerDuty's auth,
// Accept header and rate-limit headers, its error bodies turned into messages that say what to
// do, the From header of writes, and classic offset paging.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "connectors/rest_client.h"

namespace im::connectors::pagerduty {

// The RestClient options for PagerDuty's REST API at `base_url` with `api_key`.
RestOptions PagerDutyOptions(std::string base_url, std::string api_key, bool debug);

class Client {
 public:
  Client(RestOptions options, net::HttpClient& http, RateBudget& budget, Waiter& waiter,
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

  CallStats TakeStats() { return rest_.TakeStats(); }
  RateBudget& budget() { return rest_.budget(); }

 private:
  RestClient rest_;
};

// True for PagerDuty's error 1008, "Requester User Not Found": the From header named no user
// of the account (a person removed from PagerDuty since im last read its users).
bool IsRequesterNotFound(const Error& e);

// `t` for a since/until parameter: whole seconds (PagerDuty's own examples carry none), rounded
// down for a window's start and up for its end (`round_up`), so the window only grows.
std::string QueryTime(Time t, bool round_up);

inline constexpr int kPagerDutyRatePerMinute = 960;
inline constexpr int64_t kOffsetCap = 10000;

}  // namespace im::connectors::pagerduty

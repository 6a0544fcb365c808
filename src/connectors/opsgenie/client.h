// How im talks to Opsgenie's REST API, on the shared RestClient: `Authorization: GenieKey`,
// the X-RateLimit-* headers (a 429, or an answer marked THROTTLED, waits the period the
// X-RateLimit-Period-In-Sec header names: 1 or 60 seconds), Opsgenie's error body
// {message, took, requestId} read into a message saying what to do, the `data` envelope (an
// asynchronous 202 "Request will be processed" is never taken for a result) and offset paging
// up to Opsgenie's 20,000-result offset cap.
#pragma once

#include <functional>
#include <string>

#include "connectors/rest_client.h"

namespace im::connectors::opsgenie {

// Opsgenie lists no further than offset + limit = 20,000 (providers.md §4.3): a listing that
// would go past it fails with kResourceExhausted, for SplitOnCap to list a shorter window.
inline constexpr int64_t kOffsetCap = 20000;
inline constexpr int64_t kPageLimit = 100;

RestOptions OpsgenieOptions(const std::string& base_url, const std::string& api_key, bool debug);

// The hooks OpsgenieOptions installs, for tests.
RateLimitHint OpsgenieRateLimit(const net::HttpResponse& response, Time now);
Error OpsgenieError(const net::HttpResponse& response, const std::string& what);

// The `data` of an answer to `what`; kUnavailable for an answer without it (a 202 accepted
// for asynchronous processing is not a result).
Result<const json::value*> DataOf(const json::object& answer, const std::string& what);

// GETs `path` page by page (offset, limit 100), calling `each` for every object of `data`
// until it returns false; counts requests in `*requests` when given.
Result<void> ForEachPage(RestClient& client, const std::string& path, const Query& query,
                         const std::function<Result<bool>(const json::object&)>& each,
                         int64_t* requests = nullptr, int64_t limit = kPageLimit);

// Milliseconds since the epoch, as Opsgenie's search queries take dates.
std::string EpochMillisText(Time t);

}  // namespace im::connectors::opsgenie

// How im talks to incident.io's REST API, on the shared RestClient: `Authorization: Bearer`,
// the X-RateLimit-* headers (1,200 requests a minute per key, a token bucket; a 429's
// Retry-After is honoured first, X-RateLimit-Reset otherwise), incident.io's error body
// {type, status, request_id, errors[{code, message, source}]} read into a message saying what
// to do, and cursor paging (`page_size`, `after` = pagination_meta.after until it is absent).
#pragma once

#include <functional>
#include <string>

#include "connectors/rest_client.h"

namespace im::connectors::incidentio {

// /v2/incidents and /v2/incident_updates: the prose documents at most 250 a page.
inline constexpr int64_t kPageSize = 250;

RestOptions IncidentIoOptions(const std::string& base_url, const std::string& api_key, bool debug);

// The hooks IncidentIoOptions installs, for tests.
RateLimitHint IncidentIoRateLimit(const net::HttpResponse& response, Time now);
Error IncidentIoError(const net::HttpResponse& response, const std::string& what);

// GETs `path` page by page, calling `each` for every object of the array `key` until it
// returns false; counts requests in `*requests` when given. A cursor that does not move ends
// the listing with kUnavailable (an answer that would loop forever).
Result<void> ForEachPage(RestClient& client, const std::string& path, const Query& query,
                         const std::string& key,
                         const std::function<Result<bool>(const json::object&)>& each,
                         int64_t* requests = nullptr, int64_t page_size = kPageSize);

}  // namespace im::connectors::incidentio

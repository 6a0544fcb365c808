// Route registration of the incident.io simulator, and its cursor paging (`page_size`, `after`).
#pragma once

#include <variant>

#include "net/http_message.h"
#include "sim/common/api_keys.h"
#include "sim/common/rate_limiter.h"
#include "sim/common/sim_router.h"
#include "sim/incidentio/state.h"

namespace im::sim::incidentio {

// /v2/incidents, /v2/incidents/{id}, POST /v2/incidents, /v2/incidents/{id}/actions/edit,
// /v2/incident_updates (incidents_api.cc).
// A key without private access (ApiKey::private_access) neither lists nor reads private
// incidents. Unknown /v1, /v2 and /v3 paths answer incident.io's 404 body.
void AddIncidentRoutes(SimRouter& r, State& st, const KeyStore& keys, RateLimiter* limiter);
// /v1/severities, /v1/incident_statuses, /v2/users, /v2/schedules, /v2/schedule_entries.
void AddDirectoryRoutes(SimRouter& r, State& st, RateLimiter* limiter);

// `page_size` (default 25, 1..`max`), or the 422 incident.io answers.
std::variant<int64_t, net::HttpResponse> ParsePageSize(const net::HttpRequest& req, int64_t max);

// One page of `items` after the item whose id is `after` (empty: from the start):
// {"<key>":[...],"pagination_meta":{"after":<last id, when
// more>,"page_size"[,"total_record_count"]}}.
template <typename T, typename Id, typename Render>
json::object CursorPage(const std::string& key, const std::vector<T>& items,
                        const std::string& after, int64_t page_size, bool with_total, Id id,
                        Render render) {
  size_t begin = 0;
  if (!after.empty()) {
    for (size_t i = 0; i < items.size(); ++i) {
      if (id(items[i]) == after) begin = i + 1;
    }
  }
  size_t end = std::min(items.size(), begin + static_cast<size_t>(page_size));
  json::array out;
  for (size_t i = begin; i < end; ++i) out.push_back(render(items[i]));
  json::object meta{{"page_size", page_size}};
  if (end < items.size() && end > begin) meta["after"] = id(items[end - 1]);
  if (with_total) meta["total_record_count"] = items.size();
  return {{key, std::move(out)}, {"pagination_meta", std::move(meta)}};
}

}  // namespace im::sim::incidentio

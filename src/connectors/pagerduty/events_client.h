// PagerDuty's Events API v2 (`/v2/enqueue`, `/v2/change/enqueue`) as a client: alert events
// (trigger, acknowledge, resolve with dedup_key) and change events (deployments). Fields are
// checked against PagerDuty's documented limits before sending and trimmed with a warning, so
// PagerDuty never rejects an event im could have sent. A 429 means PagerDuty did not accept the
// event, so it is retried (as are 5xx and network errors, with backoff); a 400 is not.
// Facts: ../shared/providers.md section 3.
#pragma once

#include <spdlog/spdlog.h>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/json.h"
#include "connectors/rate_budget.h"
#include "net/http_client.h"

namespace im::connectors::pagerduty {

// Documented limits (providers.md §3), applied as bytes (the stricter reading of characters).
inline constexpr size_t kMaxSummaryChars = 1024;
inline constexpr size_t kMaxDedupKeyChars = 255;
inline constexpr size_t kMaxEventBytes = 512 * 1024;

struct Link {
  std::string href;
  std::string text;
};

struct AlertEvent {
  std::string routing_key;
  std::string action;     // "trigger" | "acknowledge" | "resolve"
  std::string dedup_key;  // required for acknowledge and resolve; PagerDuty makes one if empty
  // Payload, for trigger.
  std::string summary;
  std::string source;
  std::string severity = "error";  // "critical" | "error" | "warning" | "info"
  std::optional<Time> timestamp;
  std::string component, group, event_class;
  json::object custom_details;
  std::string client, client_url;
  std::vector<Link> links;
};

struct ChangeEvent {
  std::string routing_key;
  std::string summary;
  std::string source;
  std::optional<Time> timestamp;
  json::object custom_details;
  std::vector<Link> links;
};

struct EventResult {
  std::string dedup_key;              // PagerDuty's answer (its own key when we sent none)
  int attempts = 0;                   // requests made
  std::vector<std::string> warnings;  // what was trimmed to fit the documented limits
};

struct EventsClientOptions {
  std::string base_url = "https://events.pagerduty.com";  // EU: https://events.eu.pagerduty.com
  int max_attempts = 4;                                   // PagerDuty suggests about three retries
  Duration first_backoff = std::chrono::seconds(30);      // "~30 s apart" after a 429
  Duration max_backoff = std::chrono::minutes(2);
};

// The request body for `e` after checks and trimming (exposed for tests and `--dry-run`).
// kInvalidArgument when something cannot be fixed by trimming (no routing key, unknown action
// or severity, acknowledge/resolve without a dedup key, trigger without summary or source).
Result<json::object> AlertEventBody(const AlertEvent& e, std::vector<std::string>& warnings);
Result<json::object> ChangeEventBody(const ChangeEvent& e, std::vector<std::string>& warnings);

// `s` cut to at most `max_bytes` bytes, never inside a UTF-8 sequence.
std::string TruncateUtf8(std::string_view s, size_t max_bytes);

class EventsClient {
 public:
  EventsClient(EventsClientOptions options, net::HttpClient& http, Waiter& waiter,
               const Clock& clock, std::shared_ptr<spdlog::logger> log);

  Result<EventResult> Send(const AlertEvent& event);
  Result<EventResult> Send(const ChangeEvent& event);

 private:
  Result<EventResult> Post(const std::string& path, const json::object& body,
                           std::vector<std::string> warnings);

  EventsClientOptions options_;
  net::HttpClient& http_;
  Waiter& waiter_;
  const Clock& clock_;
  std::shared_ptr<spdlog::logger> log_;
};

}  // namespace im::connectors::pagerduty

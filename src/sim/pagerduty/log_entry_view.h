// How a request wants log entries shown: `is_overview` (only the important changes),
// `time_zone` (times rendered with that zone's offset) and `include[]` (incidents, services,
// channels, teams expanded in place of their references), shared by GET /log_entries and
// GET /incidents/{id}/log_entries.
#pragma once

#include <variant>

#include "common/json.h"
#include "net/http_message.h"
#include "sim/pagerduty/json.h"
#include "sim/pagerduty/model.h"

namespace date {
class time_zone;
}

namespace im::sim::pagerduty {

struct LogEntryView {
  bool overview = false;
  const date::time_zone* zone = nullptr;  // null: UTC ("Z")
  bool incidents = false, services = false, channels = false, teams = false;
};

// The view a request asks for, or PagerDuty's 400 for an unknown zone or include.
std::variant<LogEntryView, net::HttpResponse> ParseLogEntryView(const net::HttpRequest& req);

// False for the entries an overview leaves out (notifications and assignments).
bool ShownInOverview(const LogEntry& e);

// The entry as LogEntryJson renders it, then expanded and re-zoned as `view` asks.
json::object RenderLogEntry(const World& w, const Urls& urls, const Incident& inc,
                            const LogEntry& e, const LogEntryView& view);

// `t` as RFC 3339 with the offset of `zone` at that instant ("2026-03-08T01:30:00-05:00").
std::string FormatTimeIn(Time t, const date::time_zone* zone);

}  // namespace im::sim::pagerduty

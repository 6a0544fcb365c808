// A hand-computed data set for reports (docs/reports.md): six incidents around August 2025,
// five of them in the month, whose every figure is worked out in the comments, so the tests
// check the numbers rather than repeat the code.
//
//   #  sev    service  source     created (UTC)          ack after  by   resolved after
//   1  SEV-1  api      im         Mon 2025-08-04 10:00   10m        ann  50m
//   2  SEV-1  api      pagerduty  Tue 2025-08-05 22:00   20m        bob  2h      (evening)
//   3  SEV-2  web      im         Sat 2025-08-09 12:00    5m        ann  3h      (weekend)
//   4  SEV-3  web      im         Wed 2025-08-13 09:30   60m        bob  30h
//   5  SEV-4  api      im         Thu 2025-08-21 14:00   never           open
//   6  SEV-2  api      im         Thu 2025-07-31 23:00   (outside the month)
//
// MTTA over 5m, 10m, 20m, 60m: mean 23m 45s, median 10m (nearest rank, lower middle), p90 60m.
// MTTR over 50m, 2h, 3h, 30h: mean 8h 57m 30s, median 2h, p90 30h.
// Default SLA (SEV-1 15m/1h, SEV-2 30m/4h, SEV-3 2h/24h, SEV-4 8h/72h):
//   SEV-1: ack met 1 breached 1 (#2: 20m > 15m), resolve met 1 breached 1 (#2: 2h > 1h);
//   SEV-2: met, met; SEV-3: ack met, resolve breached (30h > 24h); SEV-4: both breached.
//   Breaches: 5. Off-hours incidents: #2 and #3.
//   ann: 2 pages, 2 acknowledged, time to ack mean 7m 30s; bob: 2 pages, mean 40m.
// PagerDuty recorded its own first acknowledgement of #2 at 25m (im's, 20m, was made in im
// first): MTTA as the provider measured it is 25m over 1 incident, which differs from im's.
// Weeks (ISO, UTC): W31 (partial) none; W32 #1 #2 #3; W33 #4; W34 #5; W35 none.
#pragma once

#include <string>
#include <vector>

#include "common/time.h"
#include "core/incident.h"

namespace im::testing {

inline std::vector<core::Incident> HandReportIncidents() {
  using std::chrono::hours;
  using std::chrono::minutes;
  struct Row {
    core::Severity sev;
    const char* service;
    const char* source;
    const char* created;
    int ack_min;  // -1: never
    const char* by;
    int resolve_min;  // -1: open
  };
  const Row rows[] = {
      {core::Severity::kSev1, "api", "im", "2025-08-04T10:00:00Z", 10, "ann@example.com", 50},
      {core::Severity::kSev1, "api", "pagerduty:pd", "2025-08-05T22:00:00Z", 20, "bob@example.com",
       120},
      {core::Severity::kSev2, "web", "im", "2025-08-09T12:00:00Z", 5, "ann@example.com", 180},
      {core::Severity::kSev3, "web", "im", "2025-08-13T09:30:00Z", 60, "bob@example.com", 1800},
      {core::Severity::kSev4, "api", "im", "2025-08-21T14:00:00Z", -1, "", -1},
      {core::Severity::kSev2, "api", "im", "2025-07-31T23:00:00Z", 3, "ann@example.com", 30},
  };
  std::vector<core::Incident> out;
  int64_t n = 0;
  for (const auto& r : rows) {
    core::Incident i;
    i.number = ++n;
    i.title = "Incident " + std::to_string(n) + " on " + r.service;
    i.severity = r.sev;
    i.urgency = core::DefaultUrgency(r.sev);
    i.services = {r.service};
    i.source = r.source;
    i.created_at = *ParseTime(r.created);
    i.created_by = "ann@example.com";
    if (r.ack_min >= 0) {
      i.acknowledged_at = i.created_at + minutes(r.ack_min);
      i.acknowledged_by = r.by;
    }
    if (r.resolve_min >= 0) {
      i.resolved_at = i.created_at + minutes(r.resolve_min);
      i.resolved_by = r.by;
      i.status = core::Status::kResolved;
    } else {
      i.status = core::Status::kOpen;
    }
    if (std::string(r.source).starts_with("pagerduty")) {
      i.custom_fields["pagerduty_id"] = "P1ABC23";
      i.custom_fields["pagerduty_number"] = "42";
      i.custom_fields["pagerduty_url"] = "https://acme.pagerduty.com/incidents/P1ABC23";
      i.custom_fields["pagerduty_acknowledged_at"] = FormatTime(i.created_at + minutes(25));
    }
    out.push_back(std::move(i));
  }
  return out;
}

}  // namespace im::testing

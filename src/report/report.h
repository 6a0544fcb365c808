// A report over a period (`im report`, GET /api/v1/reports, docs/reports.md): what happened,
// how fast it was handled against the SLA, who carried the load, and DORA. Compute is pure: it
// takes the incidents of the period with their SLA state, timelines and attributions, the
// on-call hours and the DORA report, and derives every table and chart series from them, so
// the same facts reach every format (report_json.cc, report_csv.cc, report_html.cc,
// report_pdf.cc).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "core/incident.h"
#include "core/sla.h"
#include "dora/metrics.h"
#include "dora/stats.h"
#include "schedule/hours.h"

namespace im::report {

enum class Format { kJson, kCsv, kHtml, kPdf };
Result<Format> ParseFormat(std::string_view text);  // "json", "csv", "html", "pdf"

struct Query {
  std::string start_day, end_day;  // "2026-08-01", inclusive, whole days in `zone`
  Time since{}, until{};           // [since, until): start_day 00:00 to the day after end_day
  std::string zone = "UTC";
  std::vector<std::string> services;  // empty: every service
  std::string team;                   // its services (docs/dora.md "Teams")
  std::vector<std::string> sources;   // im, pagerduty, opsgenie, incidentio; empty: all
  std::string paper = "a4";           // a4 | letter (PDF)
  int64_t timeline_limit = 0;         // incidents listed with their timelines; 0: all
};

// One incident of the period with what the report says of it.
struct IncidentRow {
  core::Incident incident;
  core::SlaStatus sla;
  std::vector<core::TimelineEntry> timeline;
  std::string deployment_id;  // the deployment it is attributed to, "" when none
  std::string attribution;    // the rule's explanation ("same service api, 37 min after ...")
};

// The source of an incident as reports group it: "im", "pagerduty", "opsgenie", "incidentio".
std::string SourceOf(const core::Incident& incident);
// Where the provider knows it: "PagerDuty #123 (P1X2Y3)", "Opsgenie #45", "" for im's own.
std::string ProviderReference(const core::Incident& incident);
std::string ProviderLink(const core::Incident& incident);  // a URL, "" when none is known

struct GroupRow {
  std::string key;  // a severity ("SEV-1"), a service or a source
  int64_t incidents = 0, open = 0, resolved = 0;
  dora::DurationSummary mtta, mttr;
  // MTTA as the providers measured it, over the incidents whose provider recorded its own first
  // acknowledgement (custom field "<source>_acknowledged_at"), and how many of those differ
  // from im's: im counts the earliest acknowledgement any side knows of.
  dora::DurationSummary provider_mtta;
  int64_t mtta_differs = 0;
};

// The provider's own first acknowledgement of `incident`, when its connector recorded one.
std::optional<Time> ProviderAcknowledgedAt(const core::Incident& incident);

struct SlaRow {
  core::Severity severity = core::Severity::kSev1;
  int64_t incidents = 0;
  int64_t ack_met = 0, ack_breached = 0, ack_pending = 0;
  int64_t resolve_met = 0, resolve_breached = 0, resolve_pending = 0;
  std::vector<std::string> targets;  // "default: ack 15m, resolve 1h", "connector:pd: ..."
  // Share of the decided clocks that met their target, nullopt when none is decided yet.
  std::optional<double> AckCompliance() const;
  std::optional<double> ResolveCompliance() const;
};

struct Breach {
  int64_t number = 0;
  core::Severity severity = core::Severity::kSev1;
  std::string clock;  // "acknowledge" | "resolve"
  Duration target{};
  Time due{};
  std::optional<Time> done_at;  // when it was finally acknowledged/resolved
  std::string policy;
};

struct ResponderRow {
  std::string who;           // an email
  int64_t pages = 0;         // incidents they acknowledged first or were assigned
  int64_t acknowledged = 0;  // incidents they acknowledged first
  dora::DurationSummary time_to_acknowledge;
  int64_t off_hours_pages = 0;  // pages created outside business hours in the report's zone
  schedule::HoursBreakdown oncall;
};

struct WeekRow {
  std::string label;  // "2026-W32"
  Time start{}, end{};
  bool partial = false;                  // the period covers only part of it
  std::array<int64_t, 4> by_severity{};  // incidents created that week, SEV-1 first
  dora::DurationSummary mtta, mttr;      // over those incidents
  int64_t sla_met = 0, sla_decided = 0;  // resolve clocks
};

struct Report {
  Query query;
  Time generated_at{};
  int64_t total = 0;
  std::vector<GroupRow> by_severity, by_service, by_source;
  GroupRow all;
  std::vector<SlaRow> sla;  // SEV-1 .. SEV-4
  std::vector<Breach> breaches;
  std::vector<ResponderRow> responders;  // most pages first
  int64_t escalated = 0;        // incidents whose timeline shows an escalation past level 1
  int64_t off_hours_pages = 0;  // incidents created on evenings, nights or weekends
  std::vector<WeekRow> weeks;
  std::optional<dora::DoraReport> dora;
  std::vector<IncidentRow> incidents;  // in creation order; the appendix lists the first
                                       // query.timeline_limit (all when 0)
};

// `incidents`: those created in [query.since, query.until) in scope, any order. `hours`: on-call
// time per engineer in the period. `zone` is query.zone, located.
Report Compute(const Query& query, std::vector<IncidentRow> incidents,
               const std::map<std::string, schedule::HoursBreakdown>& hours,
               std::optional<dora::DoraReport> dora, const date::time_zone* zone, Time now);

// "2h 5m", "45s", "-" for none: how reports print a duration.
std::string FormatSpan(std::optional<Duration> d);
// "93.3%", "-" for none.
std::string FormatShare(std::optional<double> share);

}  // namespace im::report

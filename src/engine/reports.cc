#include "engine/reports.h"

#include <date/date.h>
#include <date/tz.h>

#include <algorithm>
#include <sstream>

#include "dora/weeks.h"

namespace im::engine {
namespace {

constexpr const char* kSources[] = {"im", "pagerduty", "opsgenie", "incidentio"};

Result<date::year_month_day> ParseDay(const std::string& text, const char* flag) {
  auto bad = [&] {
    return Fail(ErrorCode::kInvalidArgument,
                std::string(flag) + " '" + text +
                    "' is not a date; write the day as YYYY-MM-DD, e.g. 2026-08-01");
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return bad();
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return bad();
  }
  date::year_month_day day{date::year{std::stoi(text.substr(0, 4))},
                           date::month{static_cast<unsigned>(std::stoi(text.substr(5, 2)))},
                           date::day{static_cast<unsigned>(std::stoi(text.substr(8, 2)))}};
  if (!day.ok()) {
    return Fail(ErrorCode::kInvalidArgument,
                std::string(flag) + " '" + text + "' is not a day of the calendar");
  }
  return day;
}

// Local midnight starting `day` in `zone` (the first instant of the day when DST skips it).
Time StartOfDay(date::local_days day, const date::time_zone* zone) {
  auto info = zone->get_info(day);
  date::sys_seconds at;
  if (info.result == date::local_info::nonexistent) {
    at = info.second.begin;
  } else {
    at = date::sys_seconds{day.time_since_epoch() - info.first.offset};
  }
  return Time{std::chrono::duration_cast<Duration>(at.time_since_epoch())};
}

}  // namespace

Result<report::Query> Reports::Check(const ReportRequest& req) {
  report::Query q;
  if (req.start.empty() || req.end.empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                "give the period as --start YYYY-MM-DD --end YYYY-MM-DD (both days included)");
  }
  auto start = ParseDay(req.start, "start");
  if (!start) return std::unexpected(start.error());
  auto end = ParseDay(req.end, "end");
  if (!end) return std::unexpected(end.error());
  if (date::sys_days{*end} < date::sys_days{*start}) {
    return Fail(ErrorCode::kInvalidArgument,
                "the end " + req.end + " is before the start " + req.start + "; swap them");
  }
  if (date::sys_days{*end} - date::sys_days{*start} > date::days{400}) {
    return Fail(ErrorCode::kInvalidArgument,
                "the period is longer than 400 days; make one report per year or less");
  }
  auto zone = dora::FindZone(req.zone.empty() ? "UTC" : req.zone, "zone");
  if (!zone) return std::unexpected(zone.error());
  q.start_day = req.start;
  q.end_day = req.end;
  q.zone = req.zone.empty() ? "UTC" : req.zone;
  q.since = StartOfDay(date::local_days{*start}, *zone);
  q.until = StartOfDay(date::local_days{*end} + date::days{1}, *zone);
  if (req.paper != "a4" && req.paper != "letter") {
    return Fail(ErrorCode::kInvalidArgument, "unknown paper '" + req.paper + "'; use a4 or letter");
  }
  q.paper = req.paper;
  if (req.timeline_limit < 0) {
    return Fail(ErrorCode::kInvalidArgument, "the timeline limit must be 0 (all) or more");
  }
  q.timeline_limit = req.timeline_limit;
  for (const auto& s : req.sources) {
    if (std::find(std::begin(kSources), std::end(kSources), s) == std::end(kSources)) {
      return Fail(ErrorCode::kInvalidArgument,
                  "unknown source '" + s + "'; use im, pagerduty, opsgenie or incidentio");
    }
    if (std::find(q.sources.begin(), q.sources.end(), s) == q.sources.end()) {
      q.sources.push_back(s);
    }
  }
  if (!req.services.empty() && !req.team.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "give services or a team, not both");
  }
  for (const auto& s : req.services) {
    auto found = store_.GetService(s);
    if (!found) {
      if (found.error().code == ErrorCode::kNotFound) {
        return Fail(ErrorCode::kNotFound,
                    "unknown service '" + s + "'; `im services` lists the catalog");
      }
      return std::unexpected(found.error());
    }
    q.services.push_back(s);
  }
  q.team = req.team;
  if (!q.team.empty()) {
    if (!deployments_) return Fail(ErrorCode::kUnavailable, "teams need the deployment store");
    auto owned = deployments_->store().ServicesOfTeam(q.team);
    if (!owned) return std::unexpected(owned.error());
    if (owned->empty()) {
      return Fail(ErrorCode::kNotFound, "team '" + q.team +
                                            "' owns no service in the catalog; set the team of "
                                            "its services with `im service edit`");
    }
    q.services = *owned;
  }
  return q;
}

Result<report::Report> Reports::Build(const report::Query& q) {
  auto zone = dora::FindZone(q.zone, "zone");
  if (!zone) return std::unexpected(zone.error());
  const Time now = clock_.Now();
  std::vector<report::IncidentRow> rows;
  store::IncidentFilter filter{.services = q.services, .since = q.since, .until = q.until};
  auto ok = store_.ForEachIncident(filter, [&](const core::Incident& i) -> Result<void> {
    if (!q.sources.empty() &&
        std::find(q.sources.begin(), q.sources.end(), report::SourceOf(i)) == q.sources.end()) {
      return Ok();
    }
    rows.push_back({.incident = i, .sla = incidents_.Sla(i)});
    return Ok();
  });
  if (!ok) return std::unexpected(ok.error());
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return a.incident.created_at < b.incident.created_at;
  });
  // Timelines only for the incidents the appendix lists.
  size_t listed = q.timeline_limit > 0
                      ? std::min(rows.size(), static_cast<size_t>(q.timeline_limit))
                      : rows.size();
  for (size_t k = 0; k < rows.size(); ++k) {
    auto timeline = store_.GetTimeline(rows[k].incident.number);
    if (!timeline) return std::unexpected(timeline.error());
    if (k < listed) {
      rows[k].timeline = std::move(*timeline);
    } else {  // only what the escalation count needs
      for (auto& e : *timeline) {
        if (e.message.find("scalat") != std::string::npos) rows[k].timeline.push_back(std::move(e));
      }
    }
  }
  std::optional<dora::DoraReport> dora_report;
  if (deployments_) {
    std::vector<int64_t> numbers;
    numbers.reserve(rows.size());
    for (const auto& r : rows) numbers.push_back(r.incident.number);
    auto attributions = deployments_->AttributionsOf(numbers);
    if (!attributions) return std::unexpected(attributions.error());
    std::map<int64_t, const store::Attribution*> by_number;
    for (const auto& a : *attributions) by_number[a.incident] = &a;
    for (auto& r : rows) {
      if (auto it = by_number.find(r.incident.number); it != by_number.end()) {
        r.deployment_id = it->second->deployment_id;
        r.attribution = it->second->explanation;
      }
    }
    DoraQuery dq{.since = q.since, .until = q.until, .zone = q.zone};
    dq.services = q.services;
    auto dora = deployments_->Report(dq);
    if (!dora) return std::unexpected(dora.error().Wrap("DORA figures"));
    dora_report = dora->report;
  }
  std::map<std::string, schedule::HoursBreakdown> hours;
  if (oncall_) {
    auto h = oncall_->Hours(q.since, q.until);
    if (!h) return std::unexpected(h.error().Wrap("on-call hours"));
    hours = std::move(*h);
  }
  return report::Compute(q, std::move(rows), hours, std::move(dora_report), *zone, now);
}

}  // namespace im::engine

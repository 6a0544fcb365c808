// DoraReport → JSON.
#include "dora/report_json.h"

#include "common/time.h"

namespace im::dora {
namespace {

json::value Seconds(const std::optional<Duration>& d) {
  if (!d) return nullptr;
  return static_cast<double>(d->count()) / 1e6;
}

json::value BandOrNull(const std::optional<Band>& b) {
  return b ? json::value(BandName(*b)) : json::value(nullptr);
}

}  // namespace

json::object DurationSummaryToJson(const DurationSummary& s) {
  return json::object{{"count", s.count},
                      {"mean_seconds", Seconds(s.mean)},
                      {"median_seconds", Seconds(s.median)},
                      {"p90_seconds", Seconds(s.p90)}};
}

json::object ReportToJson(const DoraReport& r) {
  json::object period{{"since", FormatTime(r.options.since)},
                      {"until", FormatTime(r.options.until)},
                      {"zone", r.zone_name}};
  json::object frequency{{"deployments", r.deployments},
                         {"failed_jobs", r.failed_jobs},
                         {"per_day", r.per_day},
                         {"per_week", r.per_week},
                         {"band", BandName(r.frequency_band)}};
  json::object lead = DurationSummaryToJson(r.lead_time);
  lead["without_commit_time"] = r.without_commit_time;
  lead["band"] = BandOrNull(r.lead_time_band);
  json::object cfr{
      {"deployments", r.deployments},
      {"failed_deployments", r.failed_deployments},
      {"rate", r.change_failure_rate ? json::value(*r.change_failure_rate) : json::value(nullptr)},
      {"band", BandOrNull(r.change_failure_band)}};
  json::object restore = DurationSummaryToJson(r.restore);
  restore["band"] = BandOrNull(r.restore_band);
  json::object ack = DurationSummaryToJson(r.acknowledge);
  json::object incidents{{"open_at_end", r.open_at_end},
                         {"open_created_in_period", r.open_created_in_period},
                         {"excluded_low_urgency",
                          json::object{{"time_to_restore", r.excluded_low_urgency.restore},
                                       {"time_to_acknowledge", r.excluded_low_urgency.acknowledge},
                                       {"open_at_end", r.excluded_low_urgency.open_at_end}}},
                         {"include_low_urgency", r.options.include_low_urgency}};
  json::array weeks;
  for (const auto& w : r.weeks) {
    weeks.push_back(json::object{{"week", w.label},
                                 {"start", FormatTime(w.start)},
                                 {"end", FormatTime(w.end)},
                                 {"partial", w.partial},
                                 {"deployments", w.deployments},
                                 {"failed_deployments", w.failed_deployments},
                                 {"lead_time", DurationSummaryToJson(w.lead_time)},
                                 {"time_to_restore", DurationSummaryToJson(w.restore)},
                                 {"time_to_acknowledge", DurationSummaryToJson(w.acknowledge)}});
  }
  return json::object{{"period", std::move(period)},
                      {"deployment_frequency", std::move(frequency)},
                      {"lead_time", std::move(lead)},
                      {"change_failure_rate", std::move(cfr)},
                      {"time_to_restore", std::move(restore)},
                      {"time_to_acknowledge", std::move(ack)},
                      {"incidents", std::move(incidents)},
                      {"bands_source", "DORA Accelerate State of DevOps Report " +
                                           std::to_string(kBandsReportYear)},
                      {"weekly", std::move(weeks)}};
}

}  // namespace im::dora

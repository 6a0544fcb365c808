// ComputeReport: one pass over each fact list, bucketing into ISO weeks as it goes.
#include "dora/metrics.h"

#include "dora/weeks.h"

namespace im::dora {
namespace {

int64_t Us(Duration d) { return d.count(); }

struct WeekSamples {
  std::vector<int64_t> lead, restore, ack;
};

// Week indexes for instants that mostly come in increasing order: a moving position, with a
// binary search when an instant goes back.
class WeekCursor {
 public:
  explicit WeekCursor(const WeekGrid& grid) : grid_(grid) {}
  int Index(Time t) {
    if (grid_.size() == 0) return -1;
    if (t < grid_.start(i_)) return Reseek(t);
    while (i_ + 1 < grid_.size() && t >= grid_.end(i_)) ++i_;
    return t < grid_.end(i_) ? static_cast<int>(i_) : -1;
  }

 private:
  int Reseek(Time t) {
    const int i = grid_.Index(t);
    if (i >= 0) i_ = static_cast<size_t>(i);
    return i;
  }
  const WeekGrid& grid_;
  size_t i_ = 0;
};

}  // namespace

DoraReport ComputeReport(const MetricsInput& in, const MetricsOptions& options) {
  DoraReport r;
  r.options = options;
  const date::time_zone* zone = options.zone ? options.zone : date::locate_zone("UTC");
  r.zone_name = std::string(zone->name());
  const WeekGrid grid = WeekGrid::Make(options.since, options.until, zone);
  std::vector<WeekSamples> samples(grid.size());
  r.weeks.resize(grid.size());
  for (size_t i = 0; i < grid.size(); ++i) {
    r.weeks[i].label = grid.label(i);
    r.weeks[i].start = grid.start(i);
    r.weeks[i].end = grid.end(i);
    r.weeks[i].partial = grid.start(i) < options.since || grid.end(i) > options.until;
  }

  std::vector<int64_t> lead;
  lead.reserve(in.deployments.size());
  WeekCursor deploy_weeks(grid);
  for (const auto& d : in.deployments) {
    const int w = deploy_weeks.Index(d.triggered_at);
    ++r.deployments;
    if (d.incidents > 0) ++r.failed_deployments;
    if (w >= 0) {
      ++r.weeks[w].deployments;
      if (d.incidents > 0) ++r.weeks[w].failed_deployments;
    }
    if (!d.committed_at) {
      ++r.without_commit_time;
      continue;
    }
    lead.push_back(Us(d.live_at - *d.committed_at));
    if (w >= 0) samples[w].lead.push_back(lead.back());
  }
  r.failed_jobs = in.failed_jobs;
  const double days =
      std::chrono::duration<double, std::ratio<86400>>(options.until - options.since).count();
  r.per_day = days > 0 ? static_cast<double>(r.deployments) / days : 0;
  r.per_week = r.per_day * 7;
  r.frequency_band = DeploymentFrequencyBand(r.per_day);
  r.lead_time = Summarize(lead);
  if (r.lead_time.median) r.lead_time_band = LeadTimeBand(*r.lead_time.median);
  if (r.deployments > 0) {
    r.change_failure_rate =
        static_cast<double>(r.failed_deployments) / static_cast<double>(r.deployments);
    r.change_failure_band = ChangeFailureRateBand(*r.change_failure_rate);
  }

  auto& excluded = r.excluded_low_urgency;
  excluded.restore = in.unlisted_low_restore;
  excluded.acknowledge = in.unlisted_low_acknowledge;
  std::vector<int64_t> restore, ack;
  restore.reserve(in.resolved.size());
  WeekCursor restore_weeks(grid);
  for (const auto& f : in.resolved) {
    if (!Counts(f, options)) {
      ++excluded.restore;
      continue;
    }
    restore.push_back(Us(*f.resolved_at - f.created_at));
    if (int w = restore_weeks.Index(*f.resolved_at); w >= 0) {
      samples[w].restore.push_back(restore.back());
    }
  }
  ack.reserve(in.acknowledged.size());
  WeekCursor ack_weeks(grid);
  for (const auto& f : in.acknowledged) {
    if (!Counts(f, options)) {
      ++excluded.acknowledge;
      continue;
    }
    ack.push_back(Us(*f.acknowledged_at - f.created_at));
    if (int w = ack_weeks.Index(*f.acknowledged_at); w >= 0) samples[w].ack.push_back(ack.back());
  }
  for (const auto& f : in.open_at_end) {
    if (!Counts(f, options)) {
      ++excluded.open_at_end;
      continue;
    }
    ++r.open_at_end;
    if (f.created_at >= options.since) ++r.open_created_in_period;
  }
  r.restore = Summarize(restore);
  if (r.restore.median) r.restore_band = TimeToRestoreBand(*r.restore.median);
  r.acknowledge = Summarize(ack);
  for (size_t i = 0; i < grid.size(); ++i) {
    r.weeks[i].lead_time = Summarize(samples[i].lead);
    r.weeks[i].restore = Summarize(samples[i].restore);
    r.weeks[i].acknowledge = Summarize(samples[i].ack);
  }
  return r;
}

}  // namespace im::dora

#include "connectors/history_import.h"

#include <algorithm>

namespace im::connectors {

Result<HistoryPlan> PlanHistory(store::ConnectorStore& store, const ConnectorConfig& config,
                                Time now, Duration overlap) {
  auto stored = store.Get(config.name);
  if (!stored) return std::unexpected(stored.error());
  HistoryPlan plan{.from = now - std::chrono::days(config.history_days),
                   .until = now,
                   .polling = stored->import_done};
  if (stored->import_checkpoint && *stored->import_checkpoint > plan.from) {
    // Resume, or poll incrementally with an overlap for records that arrived late.
    plan.from = *stored->import_checkpoint - (plan.polling ? overlap : Duration::zero());
  }
  return plan;
}

Result<void> ImportSlices(store::ConnectorStore& store, const std::string& connector,
                          const HistoryPlan& plan, Duration slice, const SyncOptions& options,
                          const std::string& stage,
                          const std::function<Result<void>(Time, Time)>& import_slice) {
  for (Time s = plan.from; s < plan.until;) {
    if (options.cancelled && options.cancelled()) {
      return Fail(ErrorCode::kUnavailable, "sync stopped; it resumes from its checkpoint");
    }
    Time e = std::min(plan.until, s + slice);
    if (auto ok = import_slice(s, e); !ok) return ok;
    if (auto ok = store.SetCheckpoint(connector, e, e >= plan.until); !ok) return ok;
    if (options.progress) {
      options.progress(stage, (e - plan.from).count(), (plan.until - plan.from).count());
    }
    s = e;
  }
  return Ok();
}

Result<void> SplitOnCap(Time from, Time until, Duration smallest,
                        const std::function<Result<void>(Time, Time)>& list) {
  auto ok = list(from, until);
  if (ok || ok.error().code != ErrorCode::kResourceExhausted || until - from <= smallest) {
    return ok;
  }
  Time mid = from + (until - from) / 2;
  if (auto a = SplitOnCap(from, mid, smallest, list); !a) return a;
  return SplitOnCap(mid, until, smallest, list);
}

Result<void> BatchWriter::Add(store::ConnectorStore::Item item) {
  items_.push_back(std::move(item));
  if (items_.size() >= batch_) return Flush();
  return Ok();
}

Result<void> BatchWriter::Flush() {
  if (items_.empty()) return Ok();
  auto ok = store_.ApplyProviderIncidents(connector_, items_);
  if (ok) stored_ += static_cast<int64_t>(items_.size());
  items_.clear();
  return ok;
}

}  // namespace im::connectors

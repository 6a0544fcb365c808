// The history import every provider runs, in pieces a connector puts together:
//   PlanHistory   what a sync reads: custom.history_days back, or from the stored checkpoint
//                 (a resumed import), or, once the history is in, from the checkpoint minus an
//                 overlap (incremental polling);
//   ImportSlices  [from, until) slice by slice, a checkpoint stored after each slice, progress
//                 reported and cancellation honoured between slices, so a killed import
//                 resumes where it stopped and importing twice changes nothing;
//   SplitOnCap    a listing that would pass the provider's offset cap is split in halves;
//   BatchWriter   provider updates stored many to a transaction (one sync to disk).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "connectors/connector.h"
#include "store/connector_store.h"

namespace im::connectors {

struct HistoryPlan {
  Time from;
  Time until;
  bool polling = false;  // the history is in: this is an incremental poll
};

// Reads the connector's checkpoint. `overlap` is read again when polling, for records the
// provider made visible late.
Result<HistoryPlan> PlanHistory(store::ConnectorStore& store, const ConnectorConfig& config,
                                Time now, Duration overlap = std::chrono::minutes(5));

// Imports `plan` in slices of at most `slice`, calling `import_slice(from, until)` for each in
// time order and storing `until` as the checkpoint after it (done with the last). Progress
// goes to options.progress as `stage`, elapsed against total time covered. A cancelled import
// fails with kUnavailable, to resume from its checkpoint.
Result<void> ImportSlices(store::ConnectorStore& store, const std::string& connector,
                          const HistoryPlan& plan, Duration slice, const SyncOptions& options,
                          const std::string& stage,
                          const std::function<Result<void>(Time from, Time until)>& import_slice);

// Runs `list(from, until)`; when it fails with kResourceExhausted (the listing would pass the
// provider's offset cap) and the window is longer than `smallest`, lists each half instead.
Result<void> SplitOnCap(Time from, Time until, Duration smallest,
                        const std::function<Result<void>(Time from, Time until)>& list);

// Collects provider updates and stores them `batch` at a time in one transaction.
class BatchWriter {
 public:
  BatchWriter(store::ConnectorStore& store, std::string connector, size_t batch = 1000)
      : store_(store), connector_(std::move(connector)), batch_(batch) {}
  Result<void> Add(store::ConnectorStore::Item item);
  Result<void> Flush();  // stores what waits; call at the end of each listing
  int64_t stored() const { return stored_; }

 private:
  store::ConnectorStore& store_;
  std::string connector_;
  size_t batch_;
  std::vector<store::ConnectorStore::Item> items_;
  int64_t stored_ = 0;
};

}  // namespace im::connectors

// A bounded log: the oldest entries fall off.
#include "sim/common/request_log.h"

namespace im::sim {

void RequestLog::Add(LoggedRequest entry) {
  if (entry.body.size() > 4096) entry.body.resize(4096);
  std::lock_guard lock(mu_);
  entry.seq = next_seq_++;
  entries_.push_back(std::move(entry));
  while (entries_.size() > capacity_) entries_.pop_front();
}

std::vector<LoggedRequest> RequestLog::Since(int64_t after) const {
  std::lock_guard lock(mu_);
  std::vector<LoggedRequest> out;
  for (const auto& e : entries_) {
    if (e.seq > after) out.push_back(e);
  }
  return out;
}

void RequestLog::Clear() {
  std::lock_guard lock(mu_);
  entries_.clear();
}

}  // namespace im::sim

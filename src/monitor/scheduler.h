// Runs monitors' checks on their interval inside `im serve`: a planner thread keeps each
// active monitor's next due time (re-reading the list every few seconds, so monitors added by
// the CLI or another instance join), hands due checks to a pool of workers, and wakes the
// channel sender after a check queued a page. Channel outboxes are flushed on their own
// thread, so a slow PagerDuty never delays a check.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "monitor/channels/channel_outbox.h"
#include "monitor/monitors.h"

namespace spdlog {
class logger;
}

namespace im::monitor {

// When a monitor's next check is due: one interval after its last check; a monitor never
// checked (or whose last check is older than an interval) is due now. The scheduler spreads
// monitors that are due now together over their interval, so they do not run in one burst.
Time NextDue(std::optional<Time> last_check, Duration interval, Time now);

struct SchedulerOptions {
  int workers = 16;
  Duration reload_every = std::chrono::seconds(5);
  Duration prune_every = std::chrono::hours(1);
  // The planner looks again at least this often (the Clock may be moved by hand in tests).
  Duration tick = std::chrono::seconds(1);
  // ... and at most this often: checks due within this much of each other are handed out in
  // one pass, so 10,000 monitors cost a few dozen wake-ups a second, not one per check.
  Duration coalesce = std::chrono::milliseconds(20);
  // Nice value of the check workers (Linux: per thread): checks mostly wait on the network,
  // and when the CPU is short the API's requests should win; the planner keeps its priority.
  int worker_niceness = 5;
  // With several instances on one database: whether this instance checks monitor `id` (its
  // shard), asked at each reload and before each check; unset: every monitor.
  std::function<bool(int64_t id)> owns;
};

struct SchedulerStats {
  int64_t checks = 0;
  int64_t failures = 0;        // checks that failed
  int64_t record_errors = 0;   // checks whose result could not be stored
  Duration max_lateness{0};    // the most a check started after it was due
  int64_t late_over_2s = 0;    // checks started more than 2 s after they were due
  int64_t planner_passes = 0;  // times the planner looked for due checks
  // How late checks started, cumulative like a Prometheus histogram: started at most
  // kLatenessBounds[i] after they were due (the last bucket is everything).
  static constexpr double kLatenessBounds[] = {0.1, 0.25, 0.5, 1, 2, 5};
  int64_t lateness_le[7] = {};
  double lateness_sum_seconds = 0;
};

class Scheduler {
 public:
  Scheduler(Monitors& monitors, ChannelOutbox& outbox, const Clock& clock,
            std::shared_ptr<spdlog::logger> log, SchedulerOptions options = {});
  ~Scheduler();

  void Start();
  void Stop();
  // Wakes the channel sender (a check or the API queued something).
  void KickChannels();
  SchedulerStats stats() const;

 private:
  void PlanLoop();
  void WorkLoop();
  void SendLoop();
  // Moves a monitor to `due` in the plan (both views), or out of it with nullopt.
  void Plan(int64_t id, std::optional<Time> due);  // REQUIRES(mu_)

  Monitors& monitors_;
  ChannelOutbox& outbox_;
  const Clock& clock_;
  std::shared_ptr<spdlog::logger> log_;
  SchedulerOptions options_;

  mutable std::mutex mu_;
  std::condition_variable plan_cv_, work_cv_, send_cv_;
  bool stopping_ = false;                          // GUARDED_BY(mu_)
  bool send_kicked_ = false;                       // GUARDED_BY(mu_)
  std::deque<std::pair<int64_t, Time>> due_;       // GUARDED_BY(mu_): monitor id, due time
  std::map<int64_t, Time> next_;                   // GUARDED_BY(mu_): planner's view
  std::set<std::pair<Time, int64_t>> queue_;       // GUARDED_BY(mu_): next_ by due time
  std::map<int64_t, Duration> interval_;           // GUARDED_BY(mu_)
  std::map<int64_t, bool> running_;                // GUARDED_BY(mu_)
  std::map<int64_t, store::StoredMonitor> known_;  // GUARDED_BY(mu_)
  SchedulerStats stats_;                           // GUARDED_BY(mu_)
  std::thread planner_, sender_;
  std::vector<std::thread> workers_;
};

}  // namespace im::monitor

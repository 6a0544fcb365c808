#include "monitor/scheduler.h"

#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>

namespace im::monitor {

Time NextDue(std::optional<Time> last_check, Duration interval, Time now) {
  if (!last_check || *last_check + interval <= now) return now;
  return *last_check + interval;
}

Scheduler::Scheduler(Monitors& monitors, ChannelOutbox& outbox, const Clock& clock,
                     std::shared_ptr<spdlog::logger> log, SchedulerOptions options)
    : monitors_(monitors),
      outbox_(outbox),
      clock_(clock),
      log_(std::move(log)),
      options_(options) {}

Scheduler::~Scheduler() { Stop(); }

void Scheduler::Start() {
  planner_ = std::thread([this] { PlanLoop(); });
  sender_ = std::thread([this] { SendLoop(); });
  for (int i = 0; i < options_.workers; ++i) workers_.emplace_back([this] { WorkLoop(); });
}

void Scheduler::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  plan_cv_.notify_all();
  work_cv_.notify_all();
  send_cv_.notify_all();
  if (planner_.joinable()) planner_.join();
  for (auto& w : workers_) {
    if (w.joinable()) w.join();
  }
  if (sender_.joinable()) sender_.join();
}

void Scheduler::KickChannels() {
  {
    std::lock_guard lock(mu_);
    send_kicked_ = true;
  }
  send_cv_.notify_one();
}

SchedulerStats Scheduler::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void Scheduler::Plan(int64_t id, std::optional<Time> due) {
  if (auto it = next_.find(id); it != next_.end()) {
    queue_.erase({it->second, id});
    if (!due) {
      next_.erase(it);
      return;
    }
    it->second = *due;
  } else if (!due) {
    return;
  } else {
    next_.emplace(id, *due);
  }
  queue_.emplace(*due, id);
}

void Scheduler::PlanLoop() {
  Time last_reload{}, last_prune = clock_.Now();
  std::unique_lock lock(mu_);
  while (!stopping_) {
    Time now = clock_.Now();
    if (now - last_reload >= options_.reload_every) {
      lock.unlock();
      auto list = monitors_.store().ListMonitors();
      // Parsing 10,000 definitions takes a while: done without the lock the workers need.
      std::map<int64_t, store::StoredMonitor> fresh;
      std::map<int64_t, Duration> intervals;
      if (list) {
        for (auto& s : *list) {
          if (s.paused) continue;
          // Another instance's shard: it plans the monitor from the last check stored.
          if (options_.owns && !options_.owns(s.id)) continue;
          auto m = MonitorFromStored(s);
          if (!m) continue;
          intervals.emplace(s.id, m->interval);
          fresh.emplace(s.id, std::move(s));
        }
      }
      lock.lock();
      last_reload = now;
      if (!list) {
        log_->error("monitors: cannot list monitors: {}", list.error().message);
      } else {
        std::vector<std::pair<int64_t, Duration>> due_now;  // new or overdue: spread below
        for (auto& [id, s] : fresh) {
          // A new monitor, or one whose definition changed: plan from its last check.
          auto old = known_.find(id);
          if (!next_.contains(id) || old == known_.end() ||
              old->second.definition != s.definition) {
            Time due = NextDue(s.last_check_at, intervals[id], now);
            if (due == now) {
              due_now.emplace_back(id, intervals[id]);
            } else {
              Plan(id, due);
            }
          }
        }
        // Many monitors due at once (a start, or a server that was down) would all run in one
        // burst and again one interval later, each burst making the last checks late: they are
        // spread over their interval instead (one alone still runs at once).
        for (size_t i = 0; i < due_now.size(); ++i) {
          const auto& [id, interval] = due_now[i];
          Plan(id, now + interval * static_cast<int64_t>(i) / static_cast<int64_t>(due_now.size()));
        }
        std::vector<int64_t> gone;
        for (const auto& [id, due] : next_) {
          if (!fresh.contains(id)) gone.push_back(id);
        }
        for (int64_t id : gone) Plan(id, std::nullopt);
        known_ = std::move(fresh);
        interval_ = std::move(intervals);
      }
    }
    if (now - last_prune >= options_.prune_every) {
      last_prune = now;
      lock.unlock();
      if (auto n = monitors_.Prune(); !n) {
        log_->error("monitors: pruning old check results: {}", n.error().message);
      }
      lock.lock();
    }
    // Hand out what is due, earliest first; a monitor whose last check is still running waits
    // (keeping its due time, so its lateness shows) and is looked at again next pass.
    std::vector<std::pair<Time, int64_t>> busy;
    size_t handed = 0;
    while (!queue_.empty() && queue_.begin()->first <= now) {
      auto [due, id] = *queue_.begin();
      queue_.erase(queue_.begin());
      if (running_[id]) {
        busy.emplace_back(due, id);
        continue;
      }
      due_.emplace_back(id, due);
      running_[id] = true;
      ++handed;
      auto iv = interval_.find(id);
      Duration interval = iv != interval_.end() ? iv->second : std::chrono::seconds(60);
      Time next = due + interval;
      // Fell far behind (a stopped process): skip missed runs rather than bunch them.
      if (next <= now) next = now + interval;
      next_[id] = next;
      queue_.emplace(next, id);
    }
    for (const auto& b : busy) queue_.insert(b);
    if (handed == 1) {
      work_cv_.notify_one();
    } else if (handed > 1) {
      work_cv_.notify_all();
    }
    stats_.planner_passes++;
    Time earliest = now + options_.tick;
    if (!busy.empty()) earliest = now;  // look again soon: a running check will have ended
    for (const auto& [due, id] : queue_) {
      if (due > now) {
        earliest = std::min(earliest, due);
        break;
      }
    }
    auto wait = std::chrono::duration_cast<std::chrono::microseconds>(earliest - clock_.Now());
    wait = std::clamp<std::chrono::microseconds>(
        wait, std::chrono::duration_cast<std::chrono::microseconds>(options_.coalesce),
        std::chrono::duration_cast<std::chrono::microseconds>(
            std::max(options_.tick, options_.coalesce)));
    plan_cv_.wait_for(lock, wait, [&] { return stopping_; });
  }
}

void Scheduler::WorkLoop() {
  if (options_.worker_niceness > 0) {
    // Lowering one's own priority needs no privilege; failing to is harmless.
    (void)setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), options_.worker_niceness);
  }
  std::unique_lock lock(mu_);
  while (true) {
    work_cv_.wait(lock, [&] { return stopping_ || !due_.empty(); });
    if (stopping_) return;
    auto [id, due] = due_.front();
    due_.pop_front();
    auto it = known_.find(id);
    if (it == known_.end()) {
      running_[id] = false;
      continue;
    }
    store::StoredMonitor stored = it->second;
    lock.unlock();
    // The shard moved since the plan (an instance joined or left): its new owner checks it.
    if (options_.owns && !options_.owns(id)) {
      lock.lock();
      running_[id] = false;
      continue;
    }
    Time started = clock_.Now();
    // The heartbeat time and the state come fresh from the store.
    auto fresh = monitors_.store().GetMonitor(id);
    Result<CheckReport> r = fresh ? monitors_.RunAndRecord(*fresh)
                                  : Result<CheckReport>(std::unexpected(fresh.error()));
    lock.lock();
    running_[id] = false;
    stats_.checks++;
    Duration late = started - due;
    stats_.max_lateness = std::max(stats_.max_lateness, late);
    if (late > std::chrono::seconds(2)) stats_.late_over_2s++;
    const double late_s = std::chrono::duration<double>(late).count();
    stats_.lateness_sum_seconds += late_s;
    for (size_t i = 0; i < std::size(SchedulerStats::kLatenessBounds); ++i) {
      if (late_s <= SchedulerStats::kLatenessBounds[i]) stats_.lateness_le[i]++;
    }
    stats_.lateness_le[6]++;
    if (!r) {
      stats_.record_errors++;
      log_->error("monitor {}: recording a check: {}", stored.name, r.error().message);
      continue;
    }
    if (!r->outcome.ok) stats_.failures++;
    if (r->queued > 0) {
      send_kicked_ = true;
      send_cv_.notify_one();
    }
    if (r->transition == Transition::kOpen) {
      log_->warn("monitor {} is down ({}): opened INC-{}", stored.name, r->outcome.error,
                 r->incident);
    } else if (r->transition == Transition::kResolve) {
      log_->info("monitor {} recovered: resolved INC-{}", stored.name, r->incident);
    }
  }
}

void Scheduler::SendLoop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    send_kicked_ = false;
    lock.unlock();
    if (auto sent = outbox_.FlushAll(); !sent) {
      log_->error("channels: {}", sent.error().message);
    }
    // Every second (retries come due), at once when a check queued something, or when a
    // throttled channel may send again, if that is sooner.
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::seconds(1));
    if (auto next = outbox_.NextTokenAt()) {
      auto until = std::chrono::ceil<std::chrono::milliseconds>(*next - clock_.Now());
      wait = std::clamp(until, std::chrono::milliseconds(1), wait);
    }
    lock.lock();
    send_cv_.wait_for(lock, wait, [&] { return stopping_ || send_kicked_; });
  }
}

}  // namespace im::monitor

#include "monitor/scheduler.h"

#include <spdlog/spdlog.h>

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

void Scheduler::PlanLoop() {
  Time last_reload{}, last_prune = clock_.Now();
  std::unique_lock lock(mu_);
  while (!stopping_) {
    Time now = clock_.Now();
    if (now - last_reload >= options_.reload_every) {
      lock.unlock();
      auto list = monitors_.store().ListMonitors();
      lock.lock();
      last_reload = now;
      if (!list) {
        log_->error("monitors: cannot list monitors: {}", list.error().message);
      } else {
        std::map<int64_t, store::StoredMonitor> fresh;
        std::vector<std::pair<int64_t, Duration>> due_now;  // new or overdue: spread below
        for (auto& s : *list) {
          if (s.paused) continue;
          auto m = MonitorFromStored(s);
          if (!m) continue;
          auto it = next_.find(s.id);
          // A new monitor, or one whose interval changed: plan from its last check.
          auto old = known_.find(s.id);
          if (it == next_.end() || old == known_.end() || old->second.definition != s.definition) {
            Time due = NextDue(s.last_check_at, m->interval, now);
            if (due == now) {
              due_now.emplace_back(s.id, m->interval);
            } else {
              next_[s.id] = due;
            }
          }
          fresh.emplace(s.id, std::move(s));
        }
        // Many monitors due at once (a start, or a server that was down) would all run in one
        // burst and again one interval later, each burst making the last checks late: they are
        // spread over their interval instead (one alone still runs at once).
        for (size_t i = 0; i < due_now.size(); ++i) {
          const auto& [id, interval] = due_now[i];
          next_[id] =
              now + interval * static_cast<int64_t>(i) / static_cast<int64_t>(due_now.size());
        }
        for (auto it = next_.begin(); it != next_.end();) {
          it = fresh.contains(it->first) ? std::next(it) : next_.erase(it);
        }
        known_ = std::move(fresh);
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
    Time earliest = now + options_.tick;
    bool handed = false;
    for (auto& [id, due] : next_) {
      if (due <= now) {
        if (!running_[id]) {
          due_.emplace_back(id, due);
          running_[id] = true;
          handed = true;
          auto m = MonitorFromStored(known_[id]);
          due += m ? m->interval : std::chrono::seconds(60);
          // Fell far behind (a stopped process): skip missed runs rather than bunch them.
          if (due <= now) due = now + (m ? m->interval : std::chrono::seconds(60));
        }
      }
      earliest = std::min(earliest, due);
    }
    if (handed) work_cv_.notify_all();
    stats_.planner_passes++;
    auto wait = std::chrono::duration_cast<std::chrono::microseconds>(earliest - clock_.Now());
    if (wait > std::chrono::microseconds(0)) {
      plan_cv_.wait_for(lock, std::min<std::chrono::microseconds>(wait, options_.tick),
                        [&] { return stopping_; });
    }
  }
}

void Scheduler::WorkLoop() {
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
    lock.lock();
    // Every second (retries come due), or at once when a check queued something.
    send_cv_.wait_for(lock, std::chrono::seconds(1), [&] { return stopping_ || send_kicked_; });
  }
}

}  // namespace im::monitor

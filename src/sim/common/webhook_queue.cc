// Delivery loop: pick what is due in enqueue order, keep a resource's deliveries in order while
// one of them is retrying, send outside the lock, and reschedule failures with backoff.
#include "sim/common/webhook_queue.h"

#include <algorithm>
#include <set>

namespace im::sim {

WebhookQueue::WebhookQueue(const Clock& clock, net::HttpClient& client, WebhookSigner signer,
                           KnobStore& knobs, uint64_t seed, WebhookQueueOptions options)
    : clock_(clock),
      client_(client),
      signer_(std::move(signer)),
      knobs_(knobs),
      options_(options),
      rng_(seed) {}

WebhookQueue::~WebhookQueue() { Stop(); }

void WebhookQueue::SetTarget(WebhookTarget target) {
  std::lock_guard lock(mu_);
  target_ = std::move(target);
}

WebhookTarget WebhookQueue::target() const {
  std::lock_guard lock(mu_);
  return target_;
}

void WebhookQueue::Enqueue(WebhookMessage message) {
  Knobs k = knobs_.Get();
  Time now = clock_.Now();
  {
    std::lock_guard lock(mu_);
    ++stats_.enqueued;
    if (rng_.Chance(k.webhook_drop_rate)) {
      ++stats_.dropped;
      log_.push_back({message.id, 0, now, 0, "", "dropped"});
      return;
    }
    int copies = rng_.Chance(k.webhook_duplicate_rate) ? 2 : 1;
    Time due = now + std::chrono::milliseconds(k.webhook_delay_ms);
    for (int i = 0; i < copies; ++i) {
      pending_.push_back({next_seq_++, message, due, 0});
      ++stats_.pending;
    }
  }
  cv_.notify_all();
}

size_t WebhookQueue::Discard(std::string_view subscription) {
  std::lock_guard lock(mu_);
  size_t n = std::erase_if(pending_, [&](const Pending& p) {
    return !subscription.empty() && p.message.subscription == subscription;
  });
  stats_.pending -= static_cast<int64_t>(n);
  return n;
}

void WebhookQueue::SetOutcomeHook(
    std::function<void(const WebhookMessage&, std::string_view)> hook) {
  on_outcome_ = std::move(hook);
}

Duration WebhookQueue::Backoff(int attempts) const {
  Duration d = options_.first_backoff;
  for (int i = 1; i < attempts && d < options_.max_backoff; ++i) d *= 2;
  return std::min(d, options_.max_backoff);
}

void WebhookQueue::Record(DeliveryAttempt a) {
  log_.push_back(std::move(a));
  if (log_.size() > 2000) log_.erase(log_.begin(), log_.begin() + 1000);
}

size_t WebhookQueue::RunDue() {
  std::lock_guard run_lock(run_mu_);
  Knobs k = knobs_.Get();
  Time now = clock_.Now();
  std::vector<Pending> batch;
  WebhookTarget target;
  {
    std::lock_guard lock(mu_);
    target = target_;
    std::set<std::string> blocked;
    for (auto it = pending_.begin(); it != pending_.end();) {
      bool waits = !k.webhook_out_of_order && blocked.contains(it->message.resource);
      if (!waits && it->due <= now) {
        batch.push_back(std::move(*it));
        it = pending_.erase(it);
      } else {
        blocked.insert(it->message.resource);
        ++it;
      }
    }
  }
  if (k.webhook_out_of_order) std::reverse(batch.begin(), batch.end());

  std::set<std::string> failed;  // resources whose delivery failed in this batch
  std::vector<Pending> requeue;
  for (auto& p : batch) {
    if (!k.webhook_out_of_order && failed.contains(p.message.resource)) {
      requeue.push_back(std::move(p));
      continue;
    }
    DeliveryAttempt a{p.message.id, ++p.attempts, now, 0, "", ""};
    const WebhookTarget own{p.message.url, p.message.secrets};
    const WebhookTarget& to = p.message.url.empty() ? target : own;
    bool ok = false, retry = false;
    if (to.url.empty()) {
      a.outcome = "discarded";
    } else {
      net::ClientRequest req{.method = "POST",
                             .url = to.url,
                             .headers = signer_(p.message, to, now),
                             .body = p.message.body,
                             .timeout = options_.timeout};
      auto res = client_.Send(req);
      if (!res) {
        a.error = res.error().message;
        retry = true;
      } else {
        a.status = res->status;
        ok = res->status >= 200 && res->status < 300;
        retry = !ok && (res->status >= 500 || res->status == 429 || res->status == 408 ||
                        options_.retry_client_errors);
      }
      if (retry && p.attempts >= k.webhook_max_attempts) retry = false;
      a.outcome = ok ? "delivered" : retry ? "retrying" : "given_up";
    }
    std::string outcome = a.outcome;
    {
      std::lock_guard lock(mu_);
      if (ok) ++stats_.delivered;
      if (!ok && !to.url.empty()) ++stats_.failed_attempts;
      if (!retry) {
        --stats_.pending;
        if (!ok && !to.url.empty()) ++stats_.given_up;
      }
      Record(std::move(a));
    }
    if (on_outcome_ && (outcome == "delivered" || outcome == "given_up")) {
      on_outcome_(p.message, outcome);
    }
    if (retry) {
      p.due = now + Backoff(p.attempts);
      failed.insert(p.message.resource);
      requeue.push_back(std::move(p));
    }
  }
  std::lock_guard lock(mu_);
  for (auto& p : requeue) {
    auto pos = std::find_if(pending_.begin(), pending_.end(),
                            [&](const Pending& q) { return q.seq > p.seq; });
    pending_.insert(pos, std::move(p));
  }
  return batch.size();
}

void WebhookQueue::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] {
    for (;;) {
      RunDue();
      std::unique_lock lock(mu_);
      if (stopping_) return;
      // Waits until the earliest due delivery (re-checked at least every 100 ms, since the
      // clock may be a different time source than the condition variable's).
      auto wait = std::chrono::milliseconds(100);
      if (!pending_.empty()) {
        Time earliest = pending_.front().due;
        for (const auto& p : pending_) earliest = std::min(earliest, p.due);
        auto until = std::chrono::duration_cast<std::chrono::milliseconds>(earliest - clock_.Now());
        wait = std::clamp(until, std::chrono::milliseconds(1), wait);
      }
      cv_.wait_for(lock, wait,
                   [this, n = stats_.enqueued] { return stopping_ || stats_.enqueued != n; });
      if (stopping_) return;
    }
  });
}

void WebhookQueue::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

WebhookStats WebhookQueue::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

std::vector<DeliveryAttempt> WebhookQueue::attempts() const {
  std::lock_guard lock(mu_);
  size_t from = log_.size() > 1000 ? log_.size() - 1000 : 0;
  return {log_.begin() + static_cast<std::ptrdiff_t>(from), log_.end()};
}

}  // namespace im::sim

// Outbound webhook delivery of a simulator: a queue of signed POSTs with retries and
// exponential backoff on failure, per-resource ordering while a delivery is retrying (as
// PagerDuty documents), and the delivery knobs (duplicate, drop, out-of-order, delay).
// Time comes from the injected clock: RunDue() delivers whatever is due now, so tests drive it
// with a FakeClock; Start() runs it on a background thread for a real server.
#pragma once

#include <condition_variable>
#include <functional>
#include <list>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "net/http_client.h"
#include "sim/common/knobs.h"
#include "sim/common/random.h"

namespace im::sim {

struct WebhookMessage {
  std::string id;        // stable across retries (X-Webhook-Id / webhook-id)
  std::string resource;  // ordering key: deliveries for one resource stay in order
  std::string body;
  // When set, overrides the queue's target (a subscription created through the provider API).
  std::string url;
  std::vector<std::string> secrets;
  std::string subscription;  // provider subscription id, for the headers that name it
};

struct WebhookTarget {
  std::string url;                   // empty: webhooks are discarded
  std::vector<std::string> secrets;  // several during secret rotation
};

// Builds the provider's headers for one attempt (signatures, ids, timestamps).
using WebhookSigner =
    std::function<net::Headers(const WebhookMessage&, const WebhookTarget&, Time now)>;

struct WebhookQueueOptions {
  bool retry_client_errors = false;  // PagerDuty drops on 4xx other than 429; Svix retries all
  Duration first_backoff = std::chrono::seconds(1);
  Duration max_backoff = std::chrono::minutes(5);
  std::chrono::milliseconds timeout{5000};  // PagerDuty expects an answer within 5 s
};

struct DeliveryAttempt {
  std::string id;
  int attempt = 0;
  Time at{};
  int status = 0;       // 0: no response
  std::string error;    // transport error, if any
  std::string outcome;  // "delivered", "retrying", "dropped", "given_up", "discarded"
};

struct WebhookStats {
  int64_t enqueued = 0, delivered = 0, failed_attempts = 0, dropped = 0, given_up = 0, pending = 0;
};

class WebhookQueue {
 public:
  WebhookQueue(const Clock& clock, net::HttpClient& client, WebhookSigner signer, KnobStore& knobs,
               uint64_t seed, WebhookQueueOptions options = {});
  ~WebhookQueue();

  void SetTarget(WebhookTarget target);
  WebhookTarget target() const;

  // Queues `message` (applying the drop, duplicate and delay knobs).
  void Enqueue(WebhookMessage message);
  // Forgets the queued deliveries of one provider subscription (deleted or disabled); returns
  // how many.
  size_t Discard(std::string_view subscription);
  // Called with each message's final outcome ("delivered" or "given_up": a status not retried,
  // or retries used up), outside the queue's lock, on the delivering thread: what a provider
  // needs to disable a subscription that keeps refusing. Set before deliveries start.
  void SetOutcomeHook(std::function<void(const WebhookMessage&, std::string_view)> hook);
  // Attempts every delivery that is due at clock.Now(); returns how many were attempted.
  size_t RunDue();
  // Background delivery thread for a live server; Stop() joins it. Both are idempotent.
  void Start();
  void Stop();

  WebhookStats stats() const;
  std::vector<DeliveryAttempt> attempts() const;  // the last 1000

 private:
  struct Pending {
    int64_t seq;
    WebhookMessage message;
    Time due;
    int attempts = 0;
  };
  void Record(DeliveryAttempt a);
  Duration Backoff(int attempts) const;

  const Clock& clock_;
  net::HttpClient& client_;
  WebhookSigner signer_;
  KnobStore& knobs_;
  const WebhookQueueOptions options_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  Rng rng_;                           // GUARDED_BY(mu_)
  WebhookTarget target_;              // GUARDED_BY(mu_)
  std::list<Pending> pending_;        // GUARDED_BY(mu_), in enqueue order
  int64_t next_seq_ = 0;              // GUARDED_BY(mu_)
  WebhookStats stats_;                // GUARDED_BY(mu_)
  std::vector<DeliveryAttempt> log_;  // GUARDED_BY(mu_)
  bool stopping_ = false;             // GUARDED_BY(mu_)
  std::function<void(const WebhookMessage&, std::string_view)> on_outcome_;
  std::mutex run_mu_;  // one RunDue at a time
  std::thread thread_;
};

}  // namespace im::sim

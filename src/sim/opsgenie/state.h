// What the Opsgenie simulator's handlers share: the account behind one mutex, the queue of
// accepted (202) requests and the outgoing webhooks. Processing is deterministic: a request is
// processed `async_delay_ms` (a knob, default 0) after it was accepted, by the first call that
// holds the lock at or after that instant; until then its request status is 404, as Opsgenie's
// can be right after a create. *Locked methods expect `mu`.
#pragma once

#include <deque>
#include <functional>
#include <mutex>
#include <string>

#include "common/clock.h"
#include "common/json.h"
#include "sim/common/knobs.h"
#include "sim/common/random.h"
#include "sim/common/webhook_queue.h"
#include "sim/opsgenie/model.h"

namespace im::sim::opsgenie {

struct State {
  State(const Clock& c, WebhookQueue* q, KnobStore& k, uint64_t seed)
      : clock(c), webhooks(q), knobs(k), rng(seed) {}

  const Clock& clock;
  WebhookQueue* webhooks;  // may be null (no delivery)
  KnobStore& knobs;
  std::mutex mu;
  World world;  // GUARDED_BY(mu)
  Rng rng;      // GUARDED_BY(mu)

  // Locks `mu` and first processes every accepted request that is due now.
  std::unique_lock<std::mutex> Lock();

  // Processing of one accepted request: fills r.success, r.status and the ids; `at` is the
  // processing time.
  using Apply = std::function<void(Request& r, Time at)>;
  // Records `r` as accepted now and processes it when due (at once when the delay is 0).
  void SubmitLocked(Request r, Apply apply);

  // An outgoing webhook (providers.md §4.7) for `action` on `a` by `user` (empty: the API).
  void EmitAlertLocked(const std::string& action, const Alert& a, const std::string& user,
                       const std::string& note = "");

 private:
  void SettleLocked(Time now);

  struct Pending {
    std::string request_id;
    Time due;
    Apply apply;
  };
  std::deque<Pending> pending_;  // GUARDED_BY(mu), in acceptance (and due) order
  // Request ids in acceptance order: the statuses of the oldest are forgotten beyond
  // kKeptRequests (their request status is then 404), so a long benchmark stays bounded.
  static constexpr size_t kKeptRequests = 100000;
  std::deque<std::string> kept_;  // GUARDED_BY(mu)
};

}  // namespace im::sim::opsgenie

// Deferred processing of accepted requests, and the webhook integration's deliveries.
#include "sim/opsgenie/state.h"

#include "sim/opsgenie/json.h"

namespace im::sim::opsgenie {

std::unique_lock<std::mutex> State::Lock() {
  std::unique_lock lock(mu);
  SettleLocked(clock.Now());
  return lock;
}

void State::SubmitLocked(Request r, Apply apply) {
  Time now = clock.Now();
  r.accepted_at = now;
  r.due = now + std::chrono::milliseconds(knobs.Get().async_delay_ms);
  std::string id = r.id;
  Time due = r.due;
  world.requests[id] = std::move(r);
  kept_.push_back(id);
  if (kept_.size() > kKeptRequests) {
    world.requests.erase(kept_.front());
    kept_.pop_front();
  }
  pending_.push_back({std::move(id), due, std::move(apply)});
  SettleLocked(now);
}

void State::SettleLocked(Time now) {
  while (!pending_.empty() && pending_.front().due <= now) {
    Pending p = std::move(pending_.front());
    pending_.pop_front();
    auto it = world.requests.find(p.request_id);
    Request forgotten;  // its status was dropped already; the change still happens
    Request& r = it != world.requests.end() ? it->second : forgotten;
    r.due = p.due;
    p.apply(r, p.due);
    r.processed = true;
  }
}

void State::EmitAlertLocked(const std::string& action, const Alert& a, const std::string& user,
                            const std::string& note) {
  if (!webhooks) return;
  WebhookMessage m;
  m.id = NewUuid(rng);
  m.resource = a.id;
  m.body = json::Serialize(WebhookJson(world, action, a, user, note));
  webhooks->Enqueue(std::move(m));
}

}  // namespace im::sim::opsgenie

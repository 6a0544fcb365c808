// What the PagerDuty simulator's handlers share: the world behind one mutex, link bases, the
// webhook queue, and the incident actions (create, acknowledge, unacknowledge, resolve,
// reopen, annotate, reassign...) that keep the log and the webhooks consistent with the state.
// Every method named *Locked expects `mu` held.
#pragma once

#include <atomic>
#include <mutex>
#include <optional>
#include <string>

#include "common/clock.h"
#include "common/json.h"
#include "sim/common/knobs.h"
#include "sim/common/random.h"
#include "sim/common/webhook_queue.h"
#include "sim/pagerduty/json.h"
#include "sim/pagerduty/model.h"

namespace im::sim::pagerduty {

struct State {
  State(const Clock& c, Urls u, WebhookQueue* q, uint64_t seed)
      : clock(c), urls(std::move(u)), webhooks(q), rng(seed) {}

  const Clock& clock;
  const Urls urls;
  WebhookQueue* webhooks;      // may be null (no delivery)
  KnobStore* knobs = nullptr;  // the rate_limit knob also switches the Events API limit
  std::mutex mu;
  World world;  // GUARDED_BY(mu)
  // Bumped after every change to the world (any write request, a scenario step): what was
  // rendered at an older revision is rendered again. Starts at 1; 0 means never rendered.
  std::atomic<uint64_t> revision{1};
  // Every incident's log entries newest first, for GET /log_entries; rebuilt when the number of
  // entries changes (entries are only ever appended). GUARDED_BY(mu)
  std::vector<std::pair<const Incident*, const LogEntry*>> log_index;
  size_t log_index_entries = 0;
  Rng rng;  // GUARDED_BY(mu)

  // Creates an incident on `service_id` (triggered, assigned via the escalation policy).
  Incident& CreateLocked(const std::string& service_id, std::string title, std::string urgency,
                         std::string incident_key, const Agent& by, Time at);
  // Status changes; each appends its log entry, stamps times and emits the webhook. A change to
  // the current status is a no-op returning false.
  bool AcknowledgeLocked(Incident& inc, const Agent& by, Time at);
  bool UnacknowledgeLocked(Incident& inc, const Agent& by, Time at);
  bool ResolveLocked(Incident& inc, const Agent& by, Time at, std::string resolution);
  bool ReopenLocked(Incident& inc, const Agent& by, Time at);
  Note& AnnotateLocked(Incident& inc, const std::string& user_id, std::string content, Time at);
  void ReassignLocked(Incident& inc, const Agent& by, Time at,
                      const std::vector<std::string>& user_ids);
  void EscalateLocked(Incident& inc, const Agent& by, Time at, int level);
  void SetPriorityLocked(Incident& inc, const Agent& by, Time at, const std::string& priority_id);
  void SetUrgencyLocked(Incident& inc, const Agent& by, Time at, const std::string& urgency);

  // The final outcome of a delivery to subscription `id`: three drops in a row disable it for
  // 24 h and drop what is queued for it, as PagerDuty does (providers.md §2).
  void DeliveryOutcomeLocked(const std::string& id, bool delivered, Time at);

  // Queues a v3 webhook {"event":{...}} to the configured target and to every matching
  // subscription; `data` defaults to the incident's webhook data object.
  void EmitLocked(const std::string& event_type, const Incident& inc, const Agent& by, Time at,
                  std::optional<json::object> data = std::nullopt);
};

// The incident's `data` object in a v3 webhook (no acknowledged/resolved times, as documented).
json::object WebhookIncidentData(const World& w, const Urls& urls, const Incident& inc);

}  // namespace im::sim::pagerduty

// Turns incident changes into notifications in the same transaction as the change: an
// IncidentObserver on the store (so a declare, a monitor's outage and a provider's sync all
// count) that matches the rules, queues one message per matching channel in that channel's
// durable outbox, queues the SEV-1 war room, and starts or stops im's own escalation.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "common/clock.h"
#include "engine/oncall.h"
#include "notify/rule.h"
#include "store/notify_store.h"
#include "store/store.h"

namespace im::notify {

struct NotifierOptions {
  std::string install_id;
  std::string public_url;          // links to incidents ("" = none)
  std::vector<Rule> config_rules;  // from the config file, besides the stored ones
  // im's own escalation: "auto" escalates incidents that no connector was asked to create at a
  // provider (PagerDuty pages those itself) and that came from im (declared, a monitor, an
  // Events v2 sender); "always"; "off".
  std::string escalation = "auto";
  // The channels that page a person (their phone for sms, address for email, member id for
  // slack) at each escalation level; none: escalation only records who would be paged.
  std::vector<std::string> escalation_channels;
  // Changes older than this when im first sees them (history imported from a provider) are
  // not announced.
  Duration fresh_for = std::chrono::hours(1);
};

class Notifier final : public store::IncidentObserver {
 public:
  Notifier(store::Store& store, engine::OnCall& oncall, const Clock& clock,
           NotifierOptions options);

  Result<void> OnIncidentWrites(store::Tx& tx,
                                const std::vector<store::IncidentWrite>& writes) override;

  // The events a write stands for ("declared", "acknowledged", "resolved", "sla_breached").
  static std::vector<std::string> EventsOf(const store::IncidentWrite& w);

  const NotifierOptions& options() const { return options_; }

  // Wakes the channel sender once a transaction that queued messages has committed.
  void OnCommitted() override;

  // Called (on the store's writer thread, after the commit, so the sender it wakes sees the
  // messages) when a change queued messages; it must only signal. nullptr to stop.
  void SetOnQueued(std::function<void()> fn) {
    std::lock_guard lock(mu_);
    on_queued_ = std::move(fn);
  }

 private:
  Result<void> Announce(store::Tx& tx, const core::Incident& incident, const std::string& event,
                        Time now, bool& queued);
  Result<void> StartOrStopEscalation(store::Tx& tx, const core::Incident& incident,
                                     const std::string& event, Time now);
  // Emails of the first level's on-call people for the incident's services.
  std::vector<std::string> OnCallOf(const core::Incident& incident, Time at);

  store::Store& store_;
  engine::OnCall& oncall_;
  const Clock& clock_;
  NotifierOptions options_;
  std::mutex mu_;
  std::function<void()> on_queued_;  // GUARDED_BY(mu_)
  // Set when a transaction queued messages, taken when it committed (a rolled-back one leaves
  // it set: the next commit's wake-up is then one too many, which costs one empty pass).
  std::atomic<bool> queued_uncommitted_{false};
};

}  // namespace im::notify

// The incident use cases shared by the CLI and the HTTP API: each reads the incident, applies a
// core rule, records SLA breaches it notices, and persists the result in one transaction.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/clock.h"
#include "core/lifecycle.h"
#include "core/sla.h"
#include "store/store.h"

namespace im::engine {

struct DeclareResult {
  core::Incident incident;
  std::vector<std::string> created_services;  // services that did not exist and were created
};

struct IncidentView {
  core::Incident incident;
  core::SlaStatus sla;
  std::vector<core::TimelineEntry> timeline;
};

enum class Action { kAcknowledge, kResolve, kClose, kReopen };
Result<Action> ParseAction(std::string_view name);  // "ack", "resolve", "close", "reopen"

class Incidents {
 public:
  Incidents(store::Store& store, const Clock& clock, core::SlaPolicy policy)
      : store_(store), clock_(clock), policy_(policy) {}

  Result<DeclareResult> Declare(const core::DeclareRequest& request, const core::Actor& actor);
  // `also` runs first in the same transaction (a one-time acknowledge link marks itself used
  // there); its error refuses the change.
  Result<core::Incident> Apply(int64_t number, Action action, const core::Actor& actor,
                               const std::string& note = "",
                               const std::function<Result<void>(store::Tx&)>& also = nullptr);
  Result<core::Incident> AddNote(int64_t number, const core::Actor& actor, const std::string& text);
  Result<core::Incident> Assign(int64_t number, const core::Actor& actor,
                                std::vector<std::string> assignees);

  Result<IncidentView> Show(int64_t number);
  core::SlaStatus Sla(const core::Incident& incident) const;

  // Records every SLA breach that has happened and is not on a timeline yet; returns how many.
  Result<int> SweepSla();

  const core::SlaPolicy& policy() const { return policy_; }
  // The policy `incident` is held to: the server's, with the `sla_mapping` of the connector it
  // is synced with (Incident::synced_with) laid over it. Connectors' mappings are read from the
  // store at first use and again when 5 s old, so a change made by another process (`im
  // connector config NAME --sla-mapping`) applies within seconds.
  core::SlaPolicy PolicyFor(const core::Incident& incident) const;
  // Reads the connectors' SLA mappings now.
  Result<void> ReloadSlaMappings() const;

  // Called (outside any transaction) after a change that queued messages for connectors was
  // committed: the server wakes its outbox sender, so a declare reaches PagerDuty at once.
  // Set before the first use from several threads.
  void SetOnQueued(std::function<void()> fn) { on_queued_ = std::move(fn); }

 private:
  using Rule = std::function<Result<core::Change>(const core::Incident&, Time)>;
  // Applies `rule` and, when `outbound` names a kind, queues it for outbound connectors in the
  // same transaction (store::Tx::EnqueueOutbound).
  Result<core::Incident> Mutate(int64_t number, const Rule& rule, std::string_view outbound = "",
                                const std::string& payload = "",
                                const std::function<Result<void>(store::Tx&)>& also = nullptr);

  using Policies = std::map<std::string, core::SlaPolicy>;  // by connector
  std::shared_ptr<const Policies> ConnectorPolicies() const;

  void Queued() const {
    if (on_queued_) on_queued_();
  }

  store::Store& store_;
  const Clock& clock_;
  core::SlaPolicy policy_;
  std::function<void()> on_queued_;
  mutable std::mutex mu_;
  mutable std::shared_ptr<const Policies> connector_policies_;  // GUARDED_BY(mu_)
  mutable Time policies_read_at_;                               // GUARDED_BY(mu_)
};

}  // namespace im::engine

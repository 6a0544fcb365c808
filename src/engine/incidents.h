// The incident use cases shared by the CLI and the HTTP API: each reads the incident, applies a
// core rule, records SLA breaches it notices, and persists the result in one transaction.
#pragma once

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
  Result<core::Incident> Apply(int64_t number, Action action, const core::Actor& actor,
                               const std::string& note = "");
  Result<core::Incident> AddNote(int64_t number, const core::Actor& actor, const std::string& text);
  Result<core::Incident> Assign(int64_t number, const core::Actor& actor,
                                std::vector<std::string> assignees);

  Result<IncidentView> Show(int64_t number);
  core::SlaStatus Sla(const core::Incident& incident) const;

  // Records every SLA breach that has happened and is not on a timeline yet; returns how many.
  Result<int> SweepSla();

  const core::SlaPolicy& policy() const { return policy_; }

 private:
  using Rule = std::function<Result<core::Change>(const core::Incident&, Time)>;
  // Applies `rule` and, when `outbound` names a kind, queues it for outbound connectors in the
  // same transaction (store::Tx::EnqueueOutbound).
  Result<core::Incident> Mutate(int64_t number, const Rule& rule, std::string_view outbound = "",
                                const std::string& payload = "");

  store::Store& store_;
  const Clock& clock_;
  core::SlaPolicy policy_;
};

}  // namespace im::engine

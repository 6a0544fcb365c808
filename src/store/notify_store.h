// Storage for notifications (docs/notifications.md): the rules that say who hears of which
// incident change, people's contact methods, claims that make something happen once across
// processes (a SEV-1 war room), each incident's own escalation and the acknowledge links used.
// Rule definitions are JSON text the store keeps without reading: their shape is src/notify's.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/error.h"
#include "core/incident.h"

namespace im::store {

struct NotifyRule {
  std::string name;
  std::string definition;  // JSON
  Time created_at{};
};

struct Contact {
  std::string email;       // the person, as on-call schedules name them
  std::string phone;       // E.164 ("+15551234567"), "" = none
  std::string slack_user;  // Slack member id ("U024BE7LH"), "" = none
  Time updated_at{};
};

// im's own escalation of one incident through its service's policy.
struct Escalation {
  int64_t incident = 0;
  std::string policy_id;
  Time started_at{};  // the plan counts from here (the incident's creation)
  int next_step = 0;  // index of the next step of the plan (schedule::EscalationPlan)
  Time next_at{};
  std::string state = "active";  // active, stopped (acknowledged or resolved), exhausted
  std::string reason;
  Time updated_at{};
};

struct Claim {
  std::string key;
  std::string owner;
  std::string value;  // what the owner made ("" until it says)
  Time claimed_at{};
};

// What a notification needs inside an open incident transaction (store::Tx::Notify): queue a
// channel message with the change, and move escalations with it.
class NotifyTx {
 public:
  virtual ~NotifyTx() = default;
  virtual Result<void> EnqueueChannel(const std::string& channel, int64_t incident,
                                      std::string_view kind, const std::string& payload,
                                      Time at) = 0;
  virtual Result<std::vector<NotifyRule>> ListRules() = 0;
  virtual Result<std::optional<Contact>> GetContact(const std::string& email) = 0;
  // false (and nothing changed) when the incident has an escalation already.
  virtual Result<bool> StartEscalation(const Escalation& e) = 0;
  virtual Result<std::optional<Escalation>> GetEscalation(int64_t incident) = 0;
  virtual Result<void> UpdateEscalation(const Escalation& e) = 0;
  // Whether a connector (not a channel) was asked to create the incident at a provider.
  virtual Result<bool> QueuedForProviders(int64_t incident) = 0;
  // Marks an acknowledge link used; false when it was used before (nothing changed).
  virtual Result<bool> UseAckLink(const std::string& link_id, int64_t incident, Time at) = 0;
};

class NotifyStore {
 public:
  virtual ~NotifyStore() = default;

  virtual Result<void> AddRule(const NotifyRule& r) = 0;         // kAlreadyExists
  virtual Result<void> RemoveRule(const std::string& name) = 0;  // kNotFound
  virtual Result<std::vector<NotifyRule>> ListRules() = 0;       // by name

  virtual Result<void> SetContact(const Contact& c) = 0;  // upsert by email
  virtual Result<std::vector<Contact>> ListContacts() = 0;
  virtual Result<void> RemoveContact(const std::string& email) = 0;  // kNotFound

  // Active escalations whose next step is due at `now`, oldest first.
  virtual Result<std::vector<Escalation>> DueEscalations(Time now, int64_t limit) = 0;
  virtual Result<std::optional<Escalation>> GetEscalation(int64_t incident) = 0;

  // Claims `key` for `owner` unless another owner holds it; a claim without a value older than
  // `stale_after` is taken over (its owner died before finishing). Returns the claim as stored.
  virtual Result<Claim> TakeClaim(const std::string& key, const std::string& owner, Time now,
                                  Duration stale_after) = 0;
  // Records what the owner made; kFailedPrecondition when `owner` no longer holds the claim.
  virtual Result<void> SetClaimValue(const std::string& key, const std::string& owner,
                                     const std::string& value) = 0;
  virtual Result<std::optional<Claim>> GetClaim(const std::string& key) = 0;
};

}  // namespace im::store

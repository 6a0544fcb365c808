// NotifyStore on the PostgreSQL database of a PgStore, and NotifyTx on the connection of an
// incident transaction (store::Tx::Notify); the same rows and rules as store/sqlite's.
#pragma once

#include "store/notify_store.h"
#include "store/pg/connection.h"
#include "store/pg/pg_store.h"

namespace im::store::pg {

class PgNotifyTx final : public NotifyTx {
 public:
  explicit PgNotifyTx(Connection& conn) : conn_(conn) {}
  Result<void> EnqueueChannel(const std::string& channel, int64_t incident, std::string_view kind,
                              const std::string& payload, Time at) override;
  Result<std::vector<NotifyRule>> ListRules() override;
  Result<std::optional<Contact>> GetContact(const std::string& email) override;
  Result<bool> StartEscalation(const Escalation& e) override;
  Result<std::optional<Escalation>> GetEscalation(int64_t incident) override;
  Result<void> UpdateEscalation(const Escalation& e) override;
  Result<bool> QueuedForProviders(int64_t incident) override;
  Result<bool> UseAckLink(const std::string& link_id, int64_t incident, Time at) override;

 private:
  Connection& conn_;
};

class PgNotifyStore final : public NotifyStore {
 public:
  explicit PgNotifyStore(PgStore& db) : db_(db) {}

  Result<void> AddRule(const NotifyRule& r) override;
  Result<void> RemoveRule(const std::string& name) override;
  Result<std::vector<NotifyRule>> ListRules() override;
  Result<void> SetContact(const Contact& c) override;
  Result<std::vector<Contact>> ListContacts() override;
  Result<void> RemoveContact(const std::string& email) override;
  Result<std::vector<Escalation>> DueEscalations(Time now, int64_t limit) override;
  Result<std::optional<Escalation>> GetEscalation(int64_t incident) override;
  Result<Claim> TakeClaim(const std::string& key, const std::string& owner, Time now,
                          Duration stale_after) override;
  Result<void> SetClaimValue(const std::string& key, const std::string& owner,
                             const std::string& value) override;
  Result<std::optional<Claim>> GetClaim(const std::string& key) override;

 private:
  PgStore& db_;
};

}  // namespace im::store::pg

// NotifyStore on the SQLite file of a SqliteStore (migration 13), and NotifyTx on the writer
// connection of an incident transaction.
#pragma once

#include "store/notify_store.h"
#include "store/sqlite/sqlite_store.h"

namespace im::store::sqlite {

class SqliteNotifyTx final : public NotifyTx {
 public:
  explicit SqliteNotifyTx(Connection& conn) : conn_(conn) {}
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

class SqliteNotifyStore final : public NotifyStore {
 public:
  explicit SqliteNotifyStore(SqliteStore& db) : db_(db) {}

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
  SqliteStore& db_;
};

}  // namespace im::store::sqlite

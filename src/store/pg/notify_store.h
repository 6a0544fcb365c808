// NotifyTx on the connection of a PostgreSQL incident transaction (store::Tx::Notify). The
// NotifyStore itself (rules, contacts, claims) is not written for PostgreSQL yet.
#pragma once

#include "store/notify_store.h"
#include "store/pg/connection.h"

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

}  // namespace im::store::pg

#include "store/pg/notify_store.h"

namespace im::store::pg {

Result<void> PgNotifyTx::EnqueueChannel(const std::string& channel, int64_t incident,
                                        std::string_view kind, const std::string& payload,
                                        Time at) {
  return conn_.Run(
      "INSERT INTO connector_outbox (connector, incident, kind, payload, created_at, "
      "next_attempt_at) VALUES ($1, $2, $3, $4, $5, $5)",
      Params()
          .Add("channel:" + channel)
          .Add(incident)
          .Add(kind)
          .Add(payload)
          .Add(ToUnixMicros(at)));
}

Result<std::vector<NotifyRule>> PgNotifyTx::ListRules() {
  auto r = conn_.Query("SELECT name, definition, created_at FROM notify_rules ORDER BY name");
  if (!r) return std::unexpected(r.error());
  std::vector<NotifyRule> out;
  for (int i = 0; i < r->rows(); ++i) {
    out.push_back({.name = r->Text(i, 0),
                   .definition = r->Text(i, 1),
                   .created_at = FromUnixMicros(r->Int(i, 2))});
  }
  return out;
}

Result<std::optional<Contact>> PgNotifyTx::GetContact(const std::string& email) {
  auto r = conn_.Query(
      "SELECT email, phone, slack_user, updated_at FROM notify_contacts WHERE email = $1",
      Params().Add(email));
  if (!r) return std::unexpected(r.error());
  if (r->rows() == 0) return std::optional<Contact>();
  return std::optional<Contact>(Contact{.email = r->Text(0, 0),
                                        .phone = r->Text(0, 1),
                                        .slack_user = r->Text(0, 2),
                                        .updated_at = FromUnixMicros(r->Int(0, 3))});
}

Result<bool> PgNotifyTx::StartEscalation(const Escalation& e) {
  auto r = conn_.Query(
      "INSERT INTO notify_escalations (incident, policy_id, started_at, next_step, next_at, "
      "state, reason, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
      "ON CONFLICT (incident) DO NOTHING",
      Params()
          .Add(e.incident)
          .Add(e.policy_id)
          .Add(ToUnixMicros(e.started_at))
          .Add(int64_t{e.next_step})
          .Add(ToUnixMicros(e.next_at))
          .Add(e.state)
          .Add(e.reason)
          .Add(ToUnixMicros(e.updated_at)));
  if (!r) return std::unexpected(r.error());
  return r->affected() == 1;
}

Result<std::optional<Escalation>> PgNotifyTx::GetEscalation(int64_t incident) {
  auto r = conn_.Query(
      "SELECT incident, policy_id, started_at, next_step, next_at, state, reason, updated_at "
      "FROM notify_escalations WHERE incident = $1",
      Params().Add(incident));
  if (!r) return std::unexpected(r.error());
  if (r->rows() == 0) return std::optional<Escalation>();
  return std::optional<Escalation>(Escalation{.incident = r->Int(0, 0),
                                              .policy_id = r->Text(0, 1),
                                              .started_at = FromUnixMicros(r->Int(0, 2)),
                                              .next_step = static_cast<int>(r->Int(0, 3)),
                                              .next_at = FromUnixMicros(r->Int(0, 4)),
                                              .state = r->Text(0, 5),
                                              .reason = r->Text(0, 6),
                                              .updated_at = FromUnixMicros(r->Int(0, 7))});
}

Result<void> PgNotifyTx::UpdateEscalation(const Escalation& e) {
  return conn_.Run(
      "UPDATE notify_escalations SET next_step = $2, next_at = $3, state = $4, reason = $5, "
      "updated_at = $6 WHERE incident = $1",
      Params()
          .Add(e.incident)
          .Add(int64_t{e.next_step})
          .Add(ToUnixMicros(e.next_at))
          .Add(e.state)
          .Add(e.reason)
          .Add(ToUnixMicros(e.updated_at)));
}

Result<bool> PgNotifyTx::QueuedForProviders(int64_t incident) {
  auto r = conn_.Query(
      "SELECT 1 FROM connector_outbox WHERE incident = $1 AND kind = 'create' AND connector NOT "
      "LIKE 'channel:%' LIMIT 1",
      Params().Add(incident));
  if (!r) return std::unexpected(r.error());
  return r->rows() > 0;
}

Result<bool> PgNotifyTx::UseAckLink(const std::string& link_id, int64_t incident, Time at) {
  auto r = conn_.Query(
      "INSERT INTO notify_ack_links (link_id, incident, used_at) VALUES ($1, $2, $3) "
      "ON CONFLICT (link_id) DO NOTHING",
      Params().Add(link_id).Add(incident).Add(ToUnixMicros(at)));
  if (!r) return std::unexpected(r.error());
  return r->affected() == 1;
}

}  // namespace im::store::pg

#include "store/pg/notify_store.h"

namespace im::store::pg {
namespace {

constexpr const char* kPgEscalationColumns =
    "SELECT incident, policy_id, started_at, next_step, next_at, state, reason, updated_at "
    "FROM notify_escalations ";

Escalation ReadEscalationAt(const PgResult& r, int i) {
  return Escalation{.incident = r.Int(i, 0),
                    .policy_id = r.Text(i, 1),
                    .started_at = FromUnixMicros(r.Int(i, 2)),
                    .next_step = static_cast<int>(r.Int(i, 3)),
                    .next_at = FromUnixMicros(r.Int(i, 4)),
                    .state = r.Text(i, 5),
                    .reason = r.Text(i, 6),
                    .updated_at = FromUnixMicros(r.Int(i, 7))};
}

Result<std::vector<NotifyRule>> PgRulesIn(Connection& c) {
  auto r = c.Query("SELECT name, definition, created_at FROM notify_rules ORDER BY name");
  if (!r) return std::unexpected(r.error());
  std::vector<NotifyRule> out;
  for (int i = 0; i < r->rows(); ++i) {
    out.push_back({.name = r->Text(i, 0),
                   .definition = r->Text(i, 1),
                   .created_at = FromUnixMicros(r->Int(i, 2))});
  }
  return out;
}

Result<std::optional<Escalation>> PgEscalationIn(Connection& c, int64_t incident) {
  auto r =
      c.Query(std::string(kPgEscalationColumns) + "WHERE incident = $1", Params().Add(incident));
  if (!r) return std::unexpected(r.error());
  if (r->rows() == 0) return std::optional<Escalation>();
  return std::optional<Escalation>(ReadEscalationAt(*r, 0));
}

Result<std::optional<Claim>> PgClaimIn(Connection& c, const std::string& key, bool for_update) {
  std::string sql = "SELECT key, owner, value, claimed_at FROM notify_claims WHERE key = $1";
  if (for_update) sql += " FOR UPDATE";
  auto r = c.Query(sql, Params().Add(key));
  if (!r) return std::unexpected(r.error());
  if (r->rows() == 0) return std::optional<Claim>();
  return std::optional<Claim>(Claim{.key = r->Text(0, 0),
                                    .owner = r->Text(0, 1),
                                    .value = r->Text(0, 2),
                                    .claimed_at = FromUnixMicros(r->Int(0, 3))});
}

}  // namespace

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

Result<std::vector<NotifyRule>> PgNotifyTx::ListRules() { return PgRulesIn(conn_); }

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
  return PgEscalationIn(conn_, incident);
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

Result<void> PgNotifyStore::AddRule(const NotifyRule& r) {
  return db_.WriteWith([&](Connection& c) -> Result<void> {
    auto ok = c.Run("INSERT INTO notify_rules (name, definition, created_at) VALUES ($1, $2, $3)",
                    Params().Add(r.name).Add(r.definition).Add(ToUnixMicros(r.created_at)));
    if (!ok && ok.error().code == ErrorCode::kAlreadyExists) {
      return Fail(ErrorCode::kAlreadyExists,
                  "a notification rule named '" + r.name +
                      "' exists already; choose another name or `im notify rule remove` it first");
    }
    return ok;
  });
}

Result<void> PgNotifyStore::RemoveRule(const std::string& name) {
  return db_.WriteWith([&](Connection& c) -> Result<void> {
    auto r = c.Query("DELETE FROM notify_rules WHERE name = $1", Params().Add(name));
    if (!r) return std::unexpected(r.error());
    if (r->affected() != 1) {
      return Fail(ErrorCode::kNotFound,
                  "no notification rule '" + name + "'; list them with `im notify rule list`");
    }
    return Ok();
  });
}

Result<std::vector<NotifyRule>> PgNotifyStore::ListRules() {
  return ReadValue(db_, [](Connection& c) { return PgRulesIn(c); });
}

Result<void> PgNotifyStore::SetContact(const Contact& ct) {
  return db_.WriteWith([&](Connection& c) -> Result<void> {
    return c.Run(
        "INSERT INTO notify_contacts (email, phone, slack_user, updated_at) VALUES ($1, $2, $3, "
        "$4) ON CONFLICT (email) DO UPDATE SET phone = excluded.phone, slack_user = "
        "excluded.slack_user, updated_at = excluded.updated_at",
        Params().Add(ct.email).Add(ct.phone).Add(ct.slack_user).Add(ToUnixMicros(ct.updated_at)));
  });
}

Result<void> PgNotifyStore::RemoveContact(const std::string& email) {
  return db_.WriteWith([&](Connection& c) -> Result<void> {
    auto r = c.Query("DELETE FROM notify_contacts WHERE email = $1", Params().Add(email));
    if (!r) return std::unexpected(r.error());
    if (r->affected() != 1) {
      return Fail(ErrorCode::kNotFound,
                  "no contact for '" + email + "'; list them with `im notify contact list`");
    }
    return Ok();
  });
}

Result<std::vector<Contact>> PgNotifyStore::ListContacts() {
  return ReadValue(db_, [](Connection& c) -> Result<std::vector<Contact>> {
    auto r =
        c.Query("SELECT email, phone, slack_user, updated_at FROM notify_contacts ORDER BY email");
    if (!r) return std::unexpected(r.error());
    std::vector<Contact> out;
    for (int i = 0; i < r->rows(); ++i) {
      out.push_back({.email = r->Text(i, 0),
                     .phone = r->Text(i, 1),
                     .slack_user = r->Text(i, 2),
                     .updated_at = FromUnixMicros(r->Int(i, 3))});
    }
    return out;
  });
}

Result<std::vector<Escalation>> PgNotifyStore::DueEscalations(Time now, int64_t limit) {
  return ReadValue(db_, [&](Connection& c) -> Result<std::vector<Escalation>> {
    auto r = c.Query(std::string(kPgEscalationColumns) +
                         "WHERE state = 'active' AND next_at <= $1 ORDER BY next_at LIMIT $2",
                     Params().Add(ToUnixMicros(now)).Add(limit));
    if (!r) return std::unexpected(r.error());
    std::vector<Escalation> out;
    for (int i = 0; i < r->rows(); ++i) out.push_back(ReadEscalationAt(*r, i));
    return out;
  });
}

Result<std::optional<Escalation>> PgNotifyStore::GetEscalation(int64_t incident) {
  return ReadValue(db_, [&](Connection& c) { return PgEscalationIn(c, incident); });
}

Result<Claim> PgNotifyStore::TakeClaim(const std::string& key, const std::string& owner, Time now,
                                       Duration stale_after) {
  return WriteValue(db_, [&](Connection& c) -> Result<Claim> {
    // Two processes claiming a new key at once: the second insert waits for the first and
    // then finds its row (ON CONFLICT DO NOTHING), so exactly one owner wins.
    auto inserted = c.Query(
        "INSERT INTO notify_claims (key, owner, value, claimed_at) VALUES ($1, $2, '', $3) "
        "ON CONFLICT (key) DO NOTHING",
        Params().Add(key).Add(owner).Add(ToUnixMicros(now)));
    if (!inserted) return std::unexpected(inserted.error());
    if (inserted->affected() == 1) return Claim{.key = key, .owner = owner, .claimed_at = now};
    auto existing = PgClaimIn(c, key, /*for_update=*/true);
    if (!existing) return std::unexpected(existing.error());
    if (!*existing) {
      return Fail(ErrorCode::kUnavailable, "the claim on " + key + " moved; try again");
    }
    const Claim& held = **existing;
    bool stale = held.value.empty() && held.owner != owner && now - held.claimed_at > stale_after;
    if (!stale) return held;
    auto ok = c.Run("UPDATE notify_claims SET owner = $2, claimed_at = $3 WHERE key = $1",
                    Params().Add(key).Add(owner).Add(ToUnixMicros(now)));
    if (!ok) return std::unexpected(ok.error());
    return Claim{.key = key, .owner = owner, .claimed_at = now};
  });
}

Result<void> PgNotifyStore::SetClaimValue(const std::string& key, const std::string& owner,
                                          const std::string& value) {
  return db_.WriteWith([&](Connection& c) -> Result<void> {
    auto r = c.Query("UPDATE notify_claims SET value = $3 WHERE key = $1 AND owner = $2",
                     Params().Add(key).Add(owner).Add(value));
    if (!r) return std::unexpected(r.error());
    if (r->affected() != 1) {
      return Fail(ErrorCode::kFailedPrecondition,
                  "the claim on " + key + " passed to another process; it finishes the work");
    }
    return Ok();
  });
}

Result<std::optional<Claim>> PgNotifyStore::GetClaim(const std::string& key) {
  return ReadValue(db_, [&](Connection& c) { return PgClaimIn(c, key, false); });
}

}  // namespace im::store::pg

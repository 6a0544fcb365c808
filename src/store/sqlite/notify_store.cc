#include "store/sqlite/notify_store.h"

namespace im::store::sqlite {
namespace {

constexpr const char* kEscalationColumns =
    "SELECT incident, policy_id, started_at, next_step, next_at, state, reason, updated_at "
    "FROM notify_escalations ";

Escalation ReadEscalationRow(const Statement& st) {
  return Escalation{.incident = st.Int(0),
                    .policy_id = st.Text(1),
                    .started_at = FromUnixMicros(st.Int(2)),
                    .next_step = static_cast<int>(st.Int(3)),
                    .next_at = FromUnixMicros(st.Int(4)),
                    .state = st.Text(5),
                    .reason = st.Text(6),
                    .updated_at = FromUnixMicros(st.Int(7))};
}

Result<std::vector<NotifyRule>> RulesIn(Connection& c) {
  auto st = c.Prepare("SELECT name, definition, created_at FROM notify_rules ORDER BY name");
  if (!st) return std::unexpected(st.error());
  std::vector<NotifyRule> out;
  auto ok = EachRow(**st, [&](const Statement& s) {
    out.push_back(
        {.name = s.Text(0), .definition = s.Text(1), .created_at = FromUnixMicros(s.Int(2))});
  });
  if (!ok) return std::unexpected(ok.error());
  return out;
}

Result<std::optional<Escalation>> EscalationIn(Connection& c, int64_t incident) {
  auto st = c.Prepare(std::string(kEscalationColumns) + "WHERE incident = ?1");
  if (!st) return std::unexpected(st.error());
  auto row = (*st)->Bind(1, incident).Step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<Escalation>();
  return std::optional<Escalation>(ReadEscalationRow(**st));
}

Result<std::optional<Claim>> ClaimIn(Connection& c, const std::string& key) {
  auto st = c.Prepare("SELECT key, owner, value, claimed_at FROM notify_claims WHERE key = ?1");
  if (!st) return std::unexpected(st.error());
  auto row = (*st)->Bind(1, key).Step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<Claim>();
  return std::optional<Claim>(Claim{.key = (*st)->Text(0),
                                    .owner = (*st)->Text(1),
                                    .value = (*st)->Text(2),
                                    .claimed_at = FromUnixMicros((*st)->Int(3))});
}

}  // namespace

Result<void> SqliteNotifyTx::EnqueueChannel(const std::string& channel, int64_t incident,
                                            std::string_view kind, const std::string& payload,
                                            Time at) {
  auto q = conn_.Prepare(
      "INSERT INTO connector_outbox (connector, incident, kind, payload, created_at, "
      "next_attempt_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)");
  if (!q) return std::unexpected(q.error());
  return (*q)
      ->Bind(1, "channel:" + channel)
      .Bind(2, incident)
      .Bind(3, kind)
      .Bind(4, payload)
      .Bind(5, ToUnixMicros(at))
      .Run();
}

Result<std::vector<NotifyRule>> SqliteNotifyTx::ListRules() { return RulesIn(conn_); }

Result<std::optional<Contact>> SqliteNotifyTx::GetContact(const std::string& email) {
  auto st = conn_.Prepare(
      "SELECT email, phone, slack_user, updated_at FROM notify_contacts WHERE email = ?1");
  if (!st) return std::unexpected(st.error());
  auto row = (*st)->Bind(1, email).Step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<Contact>();
  return std::optional<Contact>(Contact{.email = (*st)->Text(0),
                                        .phone = (*st)->Text(1),
                                        .slack_user = (*st)->Text(2),
                                        .updated_at = FromUnixMicros((*st)->Int(3))});
}

Result<bool> SqliteNotifyTx::StartEscalation(const Escalation& e) {
  auto st = conn_.Prepare(
      "INSERT INTO notify_escalations (incident, policy_id, started_at, next_step, next_at, "
      "state, reason, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
      "ON CONFLICT (incident) DO NOTHING");
  if (!st) return std::unexpected(st.error());
  auto ok = (*st)
                ->Bind(1, e.incident)
                .Bind(2, e.policy_id)
                .Bind(3, ToUnixMicros(e.started_at))
                .Bind(4, int64_t{e.next_step})
                .Bind(5, ToUnixMicros(e.next_at))
                .Bind(6, e.state)
                .Bind(7, e.reason)
                .Bind(8, ToUnixMicros(e.updated_at))
                .Run();
  if (!ok) return std::unexpected(ok.error());
  return sqlite3_changes(conn_.raw()) == 1;
}

Result<std::optional<Escalation>> SqliteNotifyTx::GetEscalation(int64_t incident) {
  return EscalationIn(conn_, incident);
}

Result<void> SqliteNotifyTx::UpdateEscalation(const Escalation& e) {
  auto st = conn_.Prepare(
      "UPDATE notify_escalations SET next_step = ?2, next_at = ?3, state = ?4, reason = ?5, "
      "updated_at = ?6 WHERE incident = ?1");
  if (!st) return std::unexpected(st.error());
  return (*st)
      ->Bind(1, e.incident)
      .Bind(2, int64_t{e.next_step})
      .Bind(3, ToUnixMicros(e.next_at))
      .Bind(4, e.state)
      .Bind(5, e.reason)
      .Bind(6, ToUnixMicros(e.updated_at))
      .Run();
}

Result<bool> SqliteNotifyTx::QueuedForProviders(int64_t incident) {
  auto st = conn_.Prepare(
      "SELECT 1 FROM connector_outbox WHERE incident = ?1 AND kind = 'create' AND connector NOT "
      "LIKE 'channel:%' LIMIT 1");
  if (!st) return std::unexpected(st.error());
  auto row = (*st)->Bind(1, incident).Step();
  if (!row) return std::unexpected(row.error());
  return *row;
}

Result<bool> SqliteNotifyTx::UseAckLink(const std::string& link_id, int64_t incident, Time at) {
  auto st = conn_.Prepare(
      "INSERT INTO notify_ack_links (link_id, incident, used_at) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (link_id) DO NOTHING");
  if (!st) return std::unexpected(st.error());
  if (auto ok = (*st)->Bind(1, link_id).Bind(2, incident).Bind(3, ToUnixMicros(at)).Run(); !ok) {
    return std::unexpected(ok.error());
  }
  return sqlite3_changes(conn_.raw()) == 1;
}

Result<void> SqliteNotifyStore::AddRule(const NotifyRule& r) {
  return db_.WriteWith([&](Connection& c) -> Result<void> {
    auto st =
        c.Prepare("INSERT INTO notify_rules (name, definition, created_at) VALUES (?1, ?2, ?3)");
    if (!st) return std::unexpected(st.error());
    auto ok =
        (*st)->Bind(1, r.name).Bind(2, r.definition).Bind(3, ToUnixMicros(r.created_at)).Run();
    if (!ok && ok.error().code == ErrorCode::kAlreadyExists) {
      return Fail(ErrorCode::kAlreadyExists,
                  "a notification rule named '" + r.name +
                      "' exists already; choose another name or `im notify rule remove` it first");
    }
    return ok;
  });
}

Result<void> SqliteNotifyStore::RemoveRule(const std::string& name) {
  return db_.WriteWith([&](Connection& c) -> Result<void> {
    auto st = c.Prepare("DELETE FROM notify_rules WHERE name = ?1");
    if (!st) return std::unexpected(st.error());
    if (auto ok = (*st)->Bind(1, name).Run(); !ok) return ok;
    if (sqlite3_changes(c.raw()) != 1) {
      return Fail(ErrorCode::kNotFound,
                  "no notification rule '" + name + "'; list them with `im notify rule list`");
    }
    return Ok();
  });
}

Result<std::vector<NotifyRule>> SqliteNotifyStore::ListRules() {
  return ReadValue(db_, [](Connection& c) { return RulesIn(c); });
}

Result<void> SqliteNotifyStore::SetContact(const Contact& ct) {
  return db_.WriteWith([&](Connection& c) -> Result<void> {
    auto st = c.Prepare(
        "INSERT INTO notify_contacts (email, phone, slack_user, updated_at) VALUES (?1, ?2, ?3, "
        "?4) ON CONFLICT (email) DO UPDATE SET phone = excluded.phone, slack_user = "
        "excluded.slack_user, updated_at = excluded.updated_at");
    if (!st) return std::unexpected(st.error());
    return (*st)
        ->Bind(1, ct.email)
        .Bind(2, ct.phone)
        .Bind(3, ct.slack_user)
        .Bind(4, ToUnixMicros(ct.updated_at))
        .Run();
  });
}

Result<void> SqliteNotifyStore::RemoveContact(const std::string& email) {
  return db_.WriteWith([&](Connection& c) -> Result<void> {
    auto st = c.Prepare("DELETE FROM notify_contacts WHERE email = ?1");
    if (!st) return std::unexpected(st.error());
    if (auto ok = (*st)->Bind(1, email).Run(); !ok) return ok;
    if (sqlite3_changes(c.raw()) != 1) {
      return Fail(ErrorCode::kNotFound,
                  "no contact for '" + email + "'; list them with `im notify contact list`");
    }
    return Ok();
  });
}

Result<std::vector<Contact>> SqliteNotifyStore::ListContacts() {
  return ReadValue(db_, [](Connection& c) -> Result<std::vector<Contact>> {
    auto st = c.Prepare(
        "SELECT email, phone, slack_user, updated_at FROM notify_contacts ORDER BY email");
    if (!st) return std::unexpected(st.error());
    std::vector<Contact> out;
    auto ok = EachRow(**st, [&](const Statement& s) {
      out.push_back({.email = s.Text(0),
                     .phone = s.Text(1),
                     .slack_user = s.Text(2),
                     .updated_at = FromUnixMicros(s.Int(3))});
    });
    if (!ok) return std::unexpected(ok.error());
    return out;
  });
}

Result<std::vector<Escalation>> SqliteNotifyStore::DueEscalations(Time now, int64_t limit) {
  return ReadValue(db_, [&](Connection& c) -> Result<std::vector<Escalation>> {
    auto st = c.Prepare(std::string(kEscalationColumns) +
                        "WHERE state = 'active' AND next_at <= ?1 ORDER BY next_at LIMIT ?2");
    if (!st) return std::unexpected(st.error());
    (*st)->Bind(1, ToUnixMicros(now)).Bind(2, limit);
    std::vector<Escalation> out;
    auto ok = EachRow(**st, [&](const Statement& s) { out.push_back(ReadEscalationRow(s)); });
    if (!ok) return std::unexpected(ok.error());
    return out;
  });
}

Result<std::optional<Escalation>> SqliteNotifyStore::GetEscalation(int64_t incident) {
  return ReadValue(db_, [&](Connection& c) { return EscalationIn(c, incident); });
}

Result<Claim> SqliteNotifyStore::TakeClaim(const std::string& key, const std::string& owner,
                                           Time now, Duration stale_after) {
  return WriteValue(db_, [&](Connection& c) -> Result<Claim> {
    auto existing = ClaimIn(c, key);
    if (!existing) return std::unexpected(existing.error());
    if (*existing) {
      const Claim& held = **existing;
      bool stale = held.value.empty() && held.owner != owner && now - held.claimed_at > stale_after;
      if (!stale) return held;
    }
    auto st = c.Prepare(
        "INSERT INTO notify_claims (key, owner, value, claimed_at) VALUES (?1, ?2, '', ?3) "
        "ON CONFLICT (key) DO UPDATE SET owner = excluded.owner, claimed_at = excluded.claimed_at");
    if (!st) return std::unexpected(st.error());
    if (auto ok = (*st)->Bind(1, key).Bind(2, owner).Bind(3, ToUnixMicros(now)).Run(); !ok) {
      return std::unexpected(ok.error());
    }
    return Claim{.key = key, .owner = owner, .claimed_at = now};
  });
}

Result<void> SqliteNotifyStore::SetClaimValue(const std::string& key, const std::string& owner,
                                              const std::string& value) {
  return db_.WriteWith([&](Connection& c) -> Result<void> {
    auto st = c.Prepare("UPDATE notify_claims SET value = ?3 WHERE key = ?1 AND owner = ?2");
    if (!st) return std::unexpected(st.error());
    if (auto ok = (*st)->Bind(1, key).Bind(2, owner).Bind(3, value).Run(); !ok) return ok;
    if (sqlite3_changes(c.raw()) != 1) {
      return Fail(ErrorCode::kFailedPrecondition,
                  "the claim on " + key + " passed to another process; it finishes the work");
    }
    return Ok();
  });
}

Result<std::optional<Claim>> SqliteNotifyStore::GetClaim(const std::string& key) {
  return ReadValue(db_, [&](Connection& c) { return ClaimIn(c, key); });
}

}  // namespace im::store::sqlite

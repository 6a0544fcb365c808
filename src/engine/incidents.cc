#include "engine/incidents.h"

#include "common/json.h"

namespace im::engine {
namespace {

// The outbox payload of a change: who made it, and the note or text that goes with it.
std::string Payload(const core::Actor& actor, std::string_view key = "",
                    std::string_view text = "") {
  json::object o{{"actor", actor.email}};
  if (!key.empty()) o[key] = text;
  return json::Serialize(o);
}

// SLA alignment with PagerDuty: each breach also becomes a note on the linked provider
// incident (queued only where the incident is linked, like every outbound change).
Result<void> QueueBreachNotes(store::Tx& tx, int64_t number,
                              const std::vector<core::TimelineEntry>& entries, Time now) {
  for (const auto& e : entries) {
    if (e.kind != core::EntryKind::kSlaBreach) continue;
    // A breach im notices long after it happened (an old incident just imported) is history:
    // it stays on im's timeline, and PagerDuty is not sent a flood of stale notes.
    if (now - e.at > std::chrono::hours(1)) continue;
    auto queued = tx.EnqueueOutbound(number, "note",
                                     Payload({.email = "system"}, "text", "im: " + e.message), now);
    if (!queued) return std::unexpected(queued.error());
  }
  return Ok();
}

}  // namespace

Result<Action> ParseAction(std::string_view name) {
  if (name == "ack" || name == "acknowledge") return Action::kAcknowledge;
  if (name == "resolve") return Action::kResolve;
  if (name == "close") return Action::kClose;
  if (name == "reopen") return Action::kReopen;
  return Fail(ErrorCode::kInvalidArgument,
              "unknown action '" + std::string(name) + "': use ack, resolve, close or reopen");
}

Result<DeclareResult> Incidents::Declare(const core::DeclareRequest& request,
                                         const core::Actor& actor) {
  Time now = clock_.Now();
  auto change = core::Declare(request, actor, now);
  if (!change) return std::unexpected(change.error());
  auto breaches = core::RecordNewBreaches(change->incident, PolicyFor(change->incident), now);
  change->entries.insert(change->entries.end(), breaches.begin(), breaches.end());
  DeclareResult result;
  bool any_queued = false;
  auto ok = store_.Transact([&](store::Tx& tx) -> Result<void> {
    result.created_services.clear();
    for (const auto& s : request.services) {
      auto created = tx.EnsureService(s, now);
      if (!created) return std::unexpected(created.error());
      if (*created) result.created_services.push_back(s);
    }
    auto number = tx.InsertIncident(change->incident);
    if (!number) return std::unexpected(number.error());
    result.incident = change->incident;
    result.incident.number = *number;
    if (auto ok = tx.AppendTimeline(*number, change->entries); !ok) return ok;
    auto queued = tx.EnqueueOutbound(*number, "create", Payload(actor), now);
    if (!queued) return std::unexpected(queued.error());
    any_queued = *queued > 0;
    return Ok();
  });
  if (!ok) return std::unexpected(ok.error());
  if (any_queued) Queued();
  return result;
}

Result<core::Incident> Incidents::Mutate(int64_t number, const Rule& rule,
                                         std::string_view outbound, const std::string& payload,
                                         const std::function<Result<void>(store::Tx&)>& also) {
  core::Incident updated;
  bool any_queued = false;
  auto ok = store_.Transact([&](store::Tx& tx) -> Result<void> {
    any_queued = false;
    if (also) {
      if (auto ok = also(tx); !ok) return ok;
    }
    auto current = tx.GetIncident(number);
    if (!current) return std::unexpected(current.error());
    Time now = clock_.Now();
    auto change = rule(*current, now);
    if (!change) return std::unexpected(change.error());
    auto breaches = core::RecordNewBreaches(change->incident, PolicyFor(change->incident), now);
    change->entries.insert(change->entries.end(), breaches.begin(), breaches.end());
    if (auto saved = tx.UpdateIncident(change->incident); !saved) return saved;
    updated = change->incident;
    if (auto ok = tx.AppendTimeline(number, change->entries); !ok) return ok;
    if (!outbound.empty()) {
      auto queued = tx.EnqueueOutbound(number, outbound, payload, now);
      if (!queued) return std::unexpected(queued.error());
      any_queued = *queued > 0;
    }
    any_queued = any_queued || !breaches.empty();
    return QueueBreachNotes(tx, number, change->entries, now);
  });
  if (!ok) return std::unexpected(ok.error());
  if (any_queued) Queued();
  return updated;
}

Result<core::Incident> Incidents::Apply(int64_t number, Action action, const core::Actor& actor,
                                        const std::string& note,
                                        const std::function<Result<void>(store::Tx&)>& also) {
  // Closing has no PagerDuty counterpart (resolve already went out).
  std::string_view outbound = action == Action::kAcknowledge ? "acknowledge"
                              : action == Action::kResolve   ? "resolve"
                              : action == Action::kReopen    ? "reopen"
                                                             : "";
  return Mutate(
      number,
      [&](const core::Incident& i, Time now) {
        switch (action) {
          case Action::kAcknowledge: return core::Acknowledge(i, actor, now, note);
          case Action::kResolve: return core::Resolve(i, actor, now, note);
          case Action::kClose: return core::Close(i, actor, now, note);
          case Action::kReopen: return core::Reopen(i, actor, now, note);
        }
        return core::Acknowledge(i, actor, now, note);
      },
      outbound, Payload(actor, "note", note), also);
}

Result<core::Incident> Incidents::AddNote(int64_t number, const core::Actor& actor,
                                          const std::string& text) {
  return Mutate(
      number, [&](const core::Incident& i, Time now) { return core::AddNote(i, actor, now, text); },
      "note", Payload(actor, "text", text));
}

Result<core::Incident> Incidents::Assign(int64_t number, const core::Actor& actor,
                                         std::vector<std::string> assignees) {
  json::array who;
  for (const auto& a : assignees) who.emplace_back(a);
  std::string payload = json::Serialize(json::object{{"actor", actor.email}, {"assignees", who}});
  return Mutate(
      number,
      [&](const core::Incident& i, Time now) { return core::Assign(i, actor, now, assignees); },
      "assign", payload);
}

Result<IncidentView> Incidents::Show(int64_t number) {
  auto read = store_.GetIncidentWithTimeline(number);
  if (!read) return std::unexpected(read.error());
  core::SlaStatus sla = Sla(read->incident);
  return IncidentView{std::move(read->incident), std::move(sla), std::move(read->timeline)};
}

core::SlaStatus Incidents::Sla(const core::Incident& incident) const {
  if (!incident.synced_with.empty()) {
    auto policies = ConnectorPolicies();
    if (auto it = policies->find(incident.synced_with); it != policies->end()) {
      core::SlaStatus status = core::EvaluateSla(incident, it->second, clock_.Now());
      status.policy = "connector:" + incident.synced_with;
      return status;
    }
  }
  return core::EvaluateSla(incident, policy_, clock_.Now());
}

core::SlaPolicy Incidents::PolicyFor(const core::Incident& incident) const {
  if (incident.synced_with.empty()) return policy_;
  auto policies = ConnectorPolicies();
  auto it = policies->find(incident.synced_with);
  return it != policies->end() ? it->second : policy_;
}

Result<void> Incidents::ReloadSlaMappings() const {
  auto mappings = store_.ConnectorSlaMappings();
  if (!mappings) return std::unexpected(mappings.error());
  auto policies = std::make_shared<Policies>();
  for (const auto& [connector, text] : *mappings) {
    auto v = json::Parse(text);
    if (!v) continue;
    // Stored configs were validated when saved; one that no longer parses keeps the default.
    if (auto overlay = core::ParseSlaOverlay(*v, "sla_mapping"); overlay && !overlay->empty()) {
      policies->emplace(connector, overlay->Over(policy_));
    }
  }
  std::lock_guard lock(mu_);
  connector_policies_ = std::move(policies);
  policies_read_at_ = clock_.Now();
  return Ok();
}

std::shared_ptr<const Incidents::Policies> Incidents::ConnectorPolicies() const {
  {
    std::lock_guard lock(mu_);
    if (connector_policies_ && clock_.Now() - policies_read_at_ < std::chrono::seconds(5)) {
      return connector_policies_;
    }
  }
  if (!ReloadSlaMappings()) {
    // The store could not be read: keep what we had (or nothing) and try again in 5 s.
    std::lock_guard lock(mu_);
    if (!connector_policies_) connector_policies_ = std::make_shared<Policies>();
    policies_read_at_ = clock_.Now();
  }
  std::lock_guard lock(mu_);
  return connector_policies_;
}

Result<int> Incidents::SweepSla() {
  int recorded = 0;
  auto ok = store_.Transact([&](store::Tx& tx) -> Result<void> {
    recorded = 0;
    auto open = tx.UnresolvedIncidents();
    if (!open) return std::unexpected(open.error());
    Time now = clock_.Now();
    for (auto& incident : *open) {
      auto entries = core::RecordNewBreaches(incident, PolicyFor(incident), now);
      if (entries.empty()) continue;
      if (auto saved = tx.UpdateIncident(incident); !saved) return saved;
      if (auto saved = tx.AppendTimeline(incident.number, entries); !saved) return saved;
      if (auto queued = QueueBreachNotes(tx, incident.number, entries, now); !queued) {
        return queued;
      }
      recorded += static_cast<int>(entries.size());
    }
    return Ok();
  });
  if (!ok) return std::unexpected(ok.error());
  if (recorded > 0) Queued();
  return recorded;
}

}  // namespace im::engine

#include "notify/notifier.h"

#include <algorithm>

#include "common/crypto.h"
#include "monitor/notification.h"

namespace im::notify {
namespace {

bool FreshAt(std::optional<Time> t, Time now, Duration fresh_for) {
  return t && now - *t <= fresh_for;
}

void AddUnique(std::vector<std::string>& v, const std::string& s) {
  if (!s.empty() && std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

}  // namespace

Notifier::Notifier(store::Store& store, engine::OnCall& oncall, const Clock& clock,
                   NotifierOptions options)
    : store_(store), oncall_(oncall), clock_(clock), options_(std::move(options)) {}

std::vector<std::string> Notifier::EventsOf(const store::IncidentWrite& w) {
  std::vector<std::string> out;
  const core::Incident& i = w.after;
  if (!w.before) {
    out.push_back("declared");
    if (i.status == core::Status::kMitigated) out.push_back("acknowledged");
    if (i.status == core::Status::kResolved) out.push_back("resolved");
    if (i.ack_sla_breached || i.resolve_sla_breached) out.push_back("sla_breached");
    return out;
  }
  if (w.before->status != i.status) {
    if (i.status == core::Status::kMitigated) out.push_back("acknowledged");
    if (i.status == core::Status::kResolved) out.push_back("resolved");
  }
  if ((!w.before->ack_sla_breached && i.ack_sla_breached) ||
      (!w.before->resolve_sla_breached && i.resolve_sla_breached)) {
    out.push_back("sla_breached");
  }
  return out;
}

Result<void> Notifier::OnIncidentWrites(store::Tx& tx,
                                        const std::vector<store::IncidentWrite>& writes) {
  Time now = clock_.Now();
  bool queued = false;
  for (const auto& w : writes) {
    const core::Incident& i = w.after;
    for (const auto& event : EventsOf(w)) {
      // History a provider sync brings in is recorded, not announced.
      std::optional<Time> when = event == "declared"       ? std::optional<Time>(i.created_at)
                                 : event == "acknowledged" ? i.acknowledged_at
                                 : event == "resolved"     ? i.resolved_at
                                                           : std::optional<Time>(now);
      if (!FreshAt(when, now, options_.fresh_for)) continue;
      if (auto ok = Announce(tx, i, event, now, queued); !ok) return ok;
      if (auto ok = StartOrStopEscalation(tx, i, event, now); !ok) return ok;
    }
  }
  if (queued) queued_uncommitted_.store(true);
  return Ok();
}

void Notifier::OnCommitted() {
  if (!queued_uncommitted_.exchange(false)) return;
  std::lock_guard lock(mu_);
  if (on_queued_) on_queued_();
}

std::vector<std::string> Notifier::OnCallOf(const core::Incident& incident, Time at) {
  std::vector<std::string> out;
  for (const auto& s : incident.services) {
    auto oc = oncall_.ForService(s, at);
    if (!oc) continue;  // no policy for the service: nobody to mention
    for (const auto& level : oc->levels) {
      if (level.level != 1) continue;
      for (const auto& u : level.users) AddUnique(out, u.user);
    }
  }
  return out;
}

Result<void> Notifier::Announce(store::Tx& tx, const core::Incident& incident,
                                const std::string& event, Time now, bool& queued) {
  auto stored = tx.Notify().ListRules();
  if (!stored) return std::unexpected(stored.error());
  std::vector<Rule> rules = options_.config_rules;
  for (const auto& s : *stored) {
    auto v = json::Parse(s.definition);
    if (!v || !v->is_object()) continue;
    auto r = ParseRule(s.name, v->as_object());
    if (r) rules.push_back(std::move(*r));  // a stored rule was checked when it was added
  }
  if (rules.empty()) return Ok();
  std::vector<std::string> teams;
  for (const auto& s : incident.services) {
    auto svc = store_.GetService(s);
    if (svc && !svc->team.empty()) AddUnique(teams, svc->team);
  }
  std::optional<std::vector<std::string>> oncall;  // looked up once, when a rule needs it
  auto oncall_people = [&]() -> const std::vector<std::string>& {
    if (!oncall) oncall = OnCallOf(incident, now);
    return *oncall;
  };
  auto slack_id = [&](const std::string& email) -> Result<std::string> {
    auto c = tx.Notify().GetContact(email);
    if (!c) return std::unexpected(c.error());
    return *c && !(*c)->slack_user.empty() ? (*c)->slack_user : email;
  };
  monitor::Notification base{
      .kind = event == "resolved" ? monitor::Notification::Kind::kResolve
                                  : monitor::Notification::Kind::kTrigger,
      .dedup_key = "im-" + options_.install_id + "-incident-" + std::to_string(incident.number),
      .monitor_name = incident.title,
      .monitor_type = "incident",
      .status = std::string(core::StatusName(incident.status)),
      .service = incident.services.empty() ? "" : incident.services.front(),
      .severity = incident.severity,
      .incident = incident.number,
      .incident_url = options_.public_url.empty()
                          ? ""
                          : options_.public_url + "/incidents/" + core::IncidentId(incident.number),
      .at = now,
      .event = event,
      .title = incident.title,
      .incident_status = std::string(core::StatusName(incident.status))};
  base.actor = event == "acknowledged" ? incident.acknowledged_by
               : event == "resolved"   ? incident.resolved_by
               : event == "declared"   ? incident.created_by
                                       : "system";
  for (const auto& rule : rules) {
    if (!Matches(rule, event, incident, teams)) continue;
    monitor::Notification n = base;
    if (rule.mention_oncall) {
      for (const auto& who : oncall_people()) {
        auto id = slack_id(who);
        if (!id) return std::unexpected(id.error());
        AddUnique(n.mentions, *id);
      }
    }
    std::vector<std::string> addresses = {""};  // "": the channel's own recipients
    if (rule.page_oncall && !oncall_people().empty()) {
      // The primary on call: the first person of level 1 (seed 004: "SMS to primary on-call").
      auto c = tx.Notify().GetContact(oncall_people().front());
      if (!c) return std::unexpected(c.error());
      n.recipient = oncall_people().front();
      n.address = *c ? (*c)->phone : "";
    }
    for (const auto& channel : rule.channels) {
      n.message_id = HexEncode(RandomBytes(12));
      auto ok = tx.Notify().EnqueueChannel(channel, incident.number, event,
                                           json::Serialize(monitor::NotificationToJson(n)), now);
      if (!ok) return ok;
      queued = true;
    }
    if (!rule.war_room.empty() && event == "declared") {
      monitor::Notification w = base;
      w.event = "war_room";
      w.message_id = HexEncode(RandomBytes(12));
      w.room = WarRoomName(incident.number, incident.title);
      std::vector<std::string> people = oncall_people();
      for (const auto& a : incident.assignees) AddUnique(people, a);
      for (const auto& who : people) {
        auto id = slack_id(who);
        if (!id) return std::unexpected(id.error());
        // Only Slack member ids can be invited; people without one are named in the message.
        if (id->find('@') == std::string::npos) {
          AddUnique(w.invite, *id);
        } else {
          AddUnique(w.mentions, *id);
        }
      }
      auto ok = tx.Notify().EnqueueChannel(rule.war_room, incident.number, "war_room",
                                           json::Serialize(monitor::NotificationToJson(w)), now);
      if (!ok) return ok;
      queued = true;
    }
  }
  return Ok();
}

Result<void> Notifier::StartOrStopEscalation(store::Tx& tx, const core::Incident& incident,
                                             const std::string& event, Time now) {
  if (options_.escalation == "off") return Ok();
  if (event == "acknowledged" || event == "resolved") {
    auto e = tx.Notify().GetEscalation(incident.number);
    if (!e) return std::unexpected(e.error());
    if (!*e || (*e)->state != "active") return Ok();
    store::Escalation stopped = **e;
    stopped.state = "stopped";
    std::string by = event == "acknowledged" ? incident.acknowledged_by : incident.resolved_by;
    stopped.reason = event + " by " + (by.empty() ? "someone" : by);
    stopped.updated_at = now;
    if (auto ok = tx.Notify().UpdateEscalation(stopped); !ok) return ok;
    return tx.AppendTimeline(
        incident.number,
        {core::TimelineEntry{.at = now,
                             .kind = core::EntryKind::kSynced,
                             .actor = "system",
                             .message = "Escalation stopped at level " +
                                        std::to_string(stopped.next_step) + ": " + stopped.reason,
                             .source = "im"}});
  }
  if (event != "declared" || incident.status != core::Status::kOpen) return Ok();
  if (options_.escalation == "auto") {
    static const char* kProviders[] = {"pagerduty", "opsgenie", "incidentio"};
    if (std::find(std::begin(kProviders), std::end(kProviders), incident.source) !=
        std::end(kProviders)) {
      return Ok();
    }
    auto sent = tx.Notify().QueuedForProviders(incident.number);
    if (!sent) return std::unexpected(sent.error());
    if (*sent) return Ok();  // a provider (PagerDuty) pages for it
  }
  for (const auto& service : incident.services) {
    auto policy = oncall_.store().PolicyForService(service);
    if (!policy) return std::unexpected(policy.error());
    if (!*policy) continue;
    auto started = tx.Notify().StartEscalation(store::Escalation{.incident = incident.number,
                                                                 .policy_id = (*policy)->policy.id,
                                                                 .started_at = incident.created_at,
                                                                 .next_step = 0,
                                                                 .next_at = incident.created_at,
                                                                 .state = "active",
                                                                 .updated_at = now});
    if (!started) return std::unexpected(started.error());
    return Ok();
  }
  return Ok();
}

}  // namespace im::notify

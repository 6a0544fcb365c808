#include "notify/escalator.h"

#include <spdlog/spdlog.h>

#include "common/crypto.h"
#include "monitor/notification.h"

namespace im::notify {

Escalator::Escalator(store::Store& store, store::NotifyStore& notify, store::MonitorStore& channels,
                     engine::OnCall& oncall, const AckLinks* links, const Clock& clock,
                     EscalatorOptions options, std::shared_ptr<spdlog::logger> log)
    : store_(store),
      notify_(notify),
      channels_(channels),
      oncall_(oncall),
      links_(links),
      clock_(clock),
      options_(std::move(options)),
      log_(std::move(log)) {}

Result<int> Escalator::RunDue() {
  int taken = 0;
  for (int pass = 0; pass < 100; ++pass) {
    auto due = notify_.DueEscalations(clock_.Now(), 200);
    if (!due) return std::unexpected(due.error());
    int before = taken;
    for (const auto& e : *due) {
      auto stepped = Step(e);
      if (!stepped) {
        log_->error("escalation of {}: {}", core::IncidentId(e.incident), stepped.error().message);
        continue;
      }
      if (*stepped) taken++;
    }
    if (taken == before) break;
  }
  return taken;
}

Result<bool> Escalator::Step(const store::Escalation& seen) {
  auto plan = oncall_.Plan(seen.policy_id, seen.started_at);
  if (!plan) return std::unexpected(plan.error());
  std::vector<std::pair<std::string, std::string>> channels;  // name, type
  for (const auto& name : options_.channels) {
    auto c = channels_.GetChannel(name);
    if (!c) {
      log_->error("escalation channel {}: {}", name, c.error().message);
      continue;
    }
    channels.emplace_back(c->name, c->type);
  }
  bool taken = false;
  auto ok = store_.Transact([&](store::Tx& tx) -> Result<void> {
    taken = false;
    Time now = clock_.Now();
    auto current = tx.Notify().GetEscalation(seen.incident);
    if (!current) return std::unexpected(current.error());
    // Another process took this step already, or it was stopped: nothing to do.
    if (!*current || (*current)->state != "active" || (*current)->next_step != seen.next_step) {
      return Ok();
    }
    store::Escalation e = **current;
    e.updated_at = now;
    auto incident = tx.GetIncident(e.incident);
    if (!incident) return std::unexpected(incident.error());
    auto line = [&](std::string text) {
      return tx.AppendTimeline(e.incident, {core::TimelineEntry{.at = now,
                                                                .kind = core::EntryKind::kSynced,
                                                                .actor = "system",
                                                                .message = std::move(text),
                                                                .source = "im"}});
    };
    if (incident->status != core::Status::kOpen) {
      e.state = "stopped";
      e.reason = "the incident is " + std::string(core::StatusName(incident->status));
      return tx.Notify().UpdateEscalation(e);
    }
    if (e.next_step >= static_cast<int>(plan->size())) {
      e.state = "exhausted";
      e.reason = "every level was paged and nobody acknowledged";
      if (auto ok = tx.Notify().UpdateEscalation(e); !ok) return ok;
      return line("Escalation exhausted: every level of policy " + e.policy_id +
                  " was paged and nobody acknowledged");
    }
    const schedule::EscalationStep& step = (*plan)[e.next_step];
    if (step.notify_at > now) {  // the plan moved (a schedule changed): wait for it
      e.next_at = step.notify_at;
      return tx.Notify().UpdateEscalation(e);
    }
    std::string who;
    for (const auto& u : step.users) {
      who += (who.empty() ? "" : ", ") + u.user;
      auto contact = tx.Notify().GetContact(u.user);
      if (!contact) return std::unexpected(contact.error());
      for (const auto& [name, type] : channels) {
        std::string address = type == "email"   ? u.user
                              : type == "sms"   ? (*contact ? (*contact)->phone : "")
                              : type == "slack" ? (*contact ? (*contact)->slack_user : "")
                                                : u.user;
        if (address.empty()) continue;  // no phone or Slack id for this person
        monitor::Notification n{
            .kind = monitor::Notification::Kind::kTrigger,
            .dedup_key = "im-" + options_.install_id + "-incident-" + std::to_string(e.incident),
            .monitor_name = incident->title,
            .monitor_type = "incident",
            .status = std::string(core::StatusName(incident->status)),
            .service = incident->services.empty() ? "" : incident->services.front(),
            .severity = incident->severity,
            .incident = e.incident,
            .incident_url = options_.public_url.empty() ? ""
                                                        : options_.public_url + "/incidents/" +
                                                              core::IncidentId(e.incident),
            .at = now,
            .event = "page",
            .message_id = HexEncode(RandomBytes(12)),
            .title = incident->title,
            .incident_status = std::string(core::StatusName(incident->status)),
            .recipient = u.user,
            .address = address,
            .level = step.level};
        if (links_ && !options_.public_url.empty()) {
          n.ack_url = options_.public_url + "/ack/" +
                      links_->Sign({.incident = e.incident,
                                    .link_id = n.message_id,
                                    .email = u.user,
                                    .expires = now + options_.link_ttl});
        }
        auto queued = tx.Notify().EnqueueChannel(
            name, e.incident, "page", json::Serialize(monitor::NotificationToJson(n)), now);
        if (!queued) return queued;
      }
    }
    std::string text = "Escalation level " + std::to_string(step.level) +
                       (step.loop > 0 ? " (repeat " + std::to_string(step.loop) + ")" : "") + ": " +
                       (who.empty() ? "nobody is on call" : "paging " + who);
    if (channels.empty() && !who.empty()) text += " (no escalation channels configured)";
    if (auto ok = line(text); !ok) return ok;
    e.next_step++;
    if (e.next_step < static_cast<int>(plan->size())) {
      e.next_at = (*plan)[e.next_step].notify_at;
    } else {
      // The last level gets as long as the level before it had, then the path is exhausted.
      Duration gap = plan->size() >= 2
                         ? (*plan)[plan->size() - 1].notify_at - (*plan)[plan->size() - 2].notify_at
                         : Duration(std::chrono::minutes(30));
      e.next_at = step.notify_at + gap;
    }
    taken = true;
    return tx.Notify().UpdateEscalation(e);
  });
  if (!ok) return std::unexpected(ok.error());
  return taken;
}

}  // namespace im::notify

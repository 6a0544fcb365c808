// Changes made in im sent to PagerDuty from the outbox (store::Tx::EnqueueOutbound): create
// (one PagerDuty incident per mapped service, incident_key im-<install id>-INC-<n>),
// acknowledge, resolve, reopen, notes and reassignment, within the key's shared rate budget.
// The connectors' OutboxRunner keeps the order, the lease, backoff and parking; this file is how
// one message becomes PagerDuty requests. A create always looks for its incident_key first, so
// a create whose answer was lost (timeout, crash, kill -9) is linked, never made twice.
// Docs: docs/pagerduty.md.
#include <cctype>
#include <map>
#include <set>

#include "common/time.h"
#include "connectors/pagerduty/pagerduty_connector.h"

namespace im::connectors::pagerduty {
namespace {

json::object Reference(const std::string& type, const std::string& id) {
  return {{"id", id}, {"type", type + "_reference"}};
}

// How far PagerDuty's clock may be behind ours when judging whether a resolved incident with
// our key was made by this create (see SendCreate).
constexpr auto kClockSkew = std::chrono::minutes(10);

}  // namespace

std::string PagerDutyConnector::UrgencyFor(core::Severity s) const {
  std::string name(core::SeverityName(s));
  if (auto it = settings_.urgency_mapping.find(name); it != settings_.urgency_mapping.end()) {
    return it->second;
  }
  return s == core::Severity::kSev1 || s == core::Severity::kSev2 ? "high" : "low";
}

std::string PagerDutyConnector::ServiceFor(const std::string& service) const {
  if (auto it = settings_.service_mappings.find(service); it != settings_.service_mappings.end()) {
    return it->second;
  }
  if (auto it = settings_.service_mappings.find("default");
      it != settings_.service_mappings.end()) {
    return it->second;
  }
  return settings_.service_id;
}

Result<std::string> PagerDutyConnector::KeyPrefix() {
  std::lock_guard lock(dir_mu_);
  if (!key_prefix_.empty()) return key_prefix_;
  auto id = ctx_.store.InstallId();
  if (!id) return std::unexpected(id.error());
  key_prefix_ = "im-" + *id + "-";
  return key_prefix_;
}

Result<std::string> PagerDutyConnector::FromFor(const std::string& actor) {
  auto dir = CurrentDirectory();
  if (!dir) return std::unexpected(dir.error());
  // Emails are compared as PagerDuty does, ignoring case; PagerDuty's spelling is sent.
  auto lower = [](std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  const std::string wanted = lower(actor);
  for (const auto& [id, email] : (*dir)->user_email) {
    if (lower(email) == wanted) return email;
  }
  if (settings_.from_email.empty()) {
    return Fail(ErrorCode::kFailedPrecondition,
                actor +
                    " is not a PagerDuty user and no from_email is configured: set it with "
                    "`im connector config " +
                    config_.name + "` (custom.from_email)");
  }
  return settings_.from_email;
}

Result<Delivery> PagerDutyConnector::SendCreate(const store::OutboxMessage& m,
                                                const json::object& payload,
                                                const std::string& from_override) {
  auto incident = ctx_.store.GetIncident(m.incident);
  if (!incident) return std::unexpected(incident.error());
  auto prefix = KeyPrefix();
  if (!prefix) return std::unexpected(prefix.error());
  const std::string key = *prefix + core::IncidentId(m.incident);
  // A create queued before keys named the installation may have gone out as INC-<n>.
  const std::string legacy_key = json::StringOr(payload, "legacy_key");
  const std::string actor = json::StringOr(payload, "actor");
  std::map<std::string, std::string> targets;  // PagerDuty service id → our service
  for (const auto& s : incident->services) {
    std::string id = ServiceFor(s);
    if (!id.empty() && !targets.contains(id)) targets[id] = s;
  }
  if (targets.empty()) return Delivery::kSkipped;
  auto from_email = from_override.empty() ? FromFor(actor) : Result<std::string>(from_override);
  if (!from_email) return std::unexpected(from_email.error());
  const std::string& from = *from_email;
  for (const auto& [service_id, service] : targets) {
    // Look first: an earlier attempt may have created it and lost the answer. Ours is an open
    // incident with the key (PagerDuty would refuse a second one while it is open), or one made
    // since this change was queued, even if someone resolved it meanwhile. A resolved incident
    // older than the change is not ours to link to: it is an earlier life of the key (a data
    // directory restored from a backup), and this declare must page anew.
    auto lookup = [&]() -> Result<std::string> {
      std::string id;
      for (const std::string& k : {key, legacy_key}) {
        if (k.empty() || !id.empty()) continue;
        auto listed = client_.ForEach(
            "/incidents",
            {{"incident_key", k}, {"service_ids[]", service_id}, {"date_range", "all"}},
            "incidents", [&](const json::object& o) -> Result<bool> {
              std::string status = json::StringOr(o, "status");
              auto created = ParseTime(json::StringOr(o, "created_at"));
              bool open = status == "triggered" || status == "acknowledged";
              if (open || (created && *created >= m.created_at - kClockSkew)) {
                id = json::StringOr(o, "id");
              }
              return id.empty();
            });
        if (!listed) return std::unexpected(listed.error());
      }
      return id;
    };
    auto looked = lookup();
    if (!looked) return std::unexpected(looked.error());
    std::string found = *looked;
    std::string verb = "found";
    std::string html_url;  // of the incident this attempt created
    if (found.empty()) {
      json::object body{{"type", "incident"},
                        {"title", incident->title},
                        {"service", Reference("service", service_id)},
                        {"urgency", UrgencyFor(incident->severity)},
                        {"incident_key", key}};
      // Details: the description, then the mapped custom fields as "Label: value" lines.
      std::string details = incident->description;
      for (const auto& [field, label] : settings_.custom_field_mappings) {
        auto it = incident->custom_fields.find(field);
        if (it == incident->custom_fields.end()) continue;
        details += (details.empty() ? "" : "\n") + label + ": " + it->second;
      }
      if (!details.empty()) {
        body["body"] = json::object{{"type", "incident_body"}, {"details", details}};
      }
      std::string policy = settings_.escalation_policy_id;
      if (auto it = settings_.escalation_mappings.find(service);
          it != settings_.escalation_mappings.end()) {
        policy = it->second;
      }
      if (!policy.empty()) body["escalation_policy"] = Reference("escalation_policy", policy);
      auto created = client_.Send("POST", "/incidents", json::object{{"incident", body}}, from,
                                  /*retry_ambiguous=*/false);
      if (!created) {
        // The create may have happened (a timeout, a 5xx, a cut answer, or PagerDuty saying an
        // open incident has this key): look once more before reporting the failure.
        auto again = lookup();
        if (!again || again->empty()) return std::unexpected(created.error());
        auto linked =
            ctx_.connectors.LinkIncident(config_.name, *again, m.incident,
                                         {{.at = ctx_.clock.Now(),
                                           .kind = core::EntryKind::kSynced,
                                           .actor = from,
                                           .message = "PagerDuty incident found (" + *again +
                                                      ") on " + service + ", correlation id " + key,
                                           .source = "pagerduty",
                                           .external_key = "pd:" + *again + ":linked"}});
        if (!linked) return std::unexpected(linked.error());
        continue;
      }
      auto inc = json::GetObject(*created, "incident");
      if (!inc) return std::unexpected(inc.error().Wrap("PagerDuty's answer to POST /incidents"));
      found = json::StringOr(**inc, "id");
      if (found.empty()) {
        return Fail(ErrorCode::kUnavailable, "PagerDuty created an incident without an id");
      }
      verb = "created";
      html_url = json::StringOr(**inc, "html_url");
    }
    core::TimelineEntry entry{.at = ctx_.clock.Now(),
                              .kind = core::EntryKind::kSynced,
                              .actor = from,
                              .message = "PagerDuty incident " + verb + " (" + found + ") on " +
                                         service + ", correlation id " + key,
                              .source = "pagerduty",
                              .external_key = "pd:" + found + ":linked"};
    if (auto ok = ctx_.connectors.LinkIncident(config_.name, found, m.incident, {entry}); !ok) {
      return std::unexpected(ok.error());
    }
    if (!html_url.empty()) {
      // The PagerDuty page of the incident, for links from im (dashboard, reports), until a
      // webhook or a reconcile brings PagerDuty's own view. The first service's incident wins.
      auto noted = ctx_.connectors.ApplyProviderIncident(
          config_.name, found, std::nullopt,
          [&](const store::LinkedIncident& linked) -> Result<store::ProviderUpdate> {
            if (!linked.incident || linked.incident->custom_fields.contains("pagerduty_url")) {
              return store::ProviderUpdate{.skip = true};
            }
            store::ProviderUpdate u{.incident = *linked.incident, .event_at = linked.last_event_at};
            u.incident.custom_fields["pagerduty_url"] = html_url;
            return u;
          });
      if (!noted) return std::unexpected(noted.error());
    }
  }
  return Delivery::kSent;
}

Result<Delivery> PagerDutyConnector::SendOutbound(const store::OutboxMessage& m) {
  auto sent = SendOutboundAs(m, "");
  if (sent || !IsRequesterNotFound(sent.error()) || settings_.from_email.empty()) return sent;
  // The person acting was a PagerDuty user when im last read its users, and is no more: the
  // change goes as from_email rather than being parked. Every step looks before it writes, so
  // doing it again adds nothing twice.
  auto payload = json::Parse(m.payload);
  std::string actor = payload && payload->is_object()
                          ? json::StringOr(payload->as_object(), "actor")
                          : std::string();
  auto tried = FromFor(actor);
  if (!tried || *tried == settings_.from_email) return sent;
  ctx_.log->warn("outbox: {} of INC-{}: PagerDuty does not know {} any more; sending as {}", m.kind,
                 m.incident, *tried, settings_.from_email);
  return SendOutboundAs(m, settings_.from_email);
}

Result<Delivery> PagerDutyConnector::SendOutboundAs(const store::OutboxMessage& m,
                                                    const std::string& from_override) {
  auto payload = json::Parse(m.payload);
  if (!payload || !payload->is_object()) {
    return Fail(ErrorCode::kInvalidArgument, "outbox message " + std::to_string(m.seq) +
                                                 " has a payload that is not a JSON object");
  }
  const json::object& p = payload->as_object();
  // From is needed only when something is sent: a change with nothing to send (no mapped
  // service, not linked) is skipped even without a from_email.
  if (m.kind == "create") return SendCreate(m, p, from_override);
  if (m.kind == "resolve" && !settings_.auto_resolve) return Delivery::kSkipped;
  if (m.kind == "note" && !settings_.sync_notes) return Delivery::kSkipped;
  auto links = ctx_.connectors.LinksOf(config_.name, m.incident);
  if (!links) return std::unexpected(links.error());
  if (links->empty()) return Delivery::kSkipped;  // never reached PagerDuty
  auto from = from_override.empty() ? FromFor(json::StringOr(p, "actor"))
                                    : Result<std::string>(from_override);
  if (!from) return std::unexpected(from.error());
  // The note that goes with the change: a note's text, or the --note of an acknowledge, resolve
  // or reopen (sent as a PagerDuty note too, so every kind of change carries it the same way).
  const std::string note = m.kind == "note" ? json::StringOr(p, "text") : json::StringOr(p, "note");
  for (const auto& id : *links) {
    const std::string path = "/incidents/" + id;
    if (m.kind == "note") {
      if (auto ok = PostNoteOnce(m, id, note, *from); !ok) return std::unexpected(ok.error());
      continue;
    }
    if (m.kind == "assign") {
      json::array assignments;
      auto targets = json::GetOptionalArray(p, "assignees");
      auto dir = CurrentDirectory();
      if (!dir) return std::unexpected(dir.error());
      if (targets && *targets) {
        for (const auto& a : **targets) {
          if (!a.is_string()) continue;
          for (const auto& [uid, email] : (*dir)->user_email) {
            if (email == a.as_string()) {
              assignments.push_back(json::object{{"assignee", Reference("user", uid)}});
            }
          }
        }
      }
      if (assignments.empty()) continue;  // nobody PagerDuty knows
      auto r = client_.Send("PUT", path,
                            json::object{{"incident", json::object{{"type", "incident_reference"},
                                                                   {"assignments", assignments}}}},
                            *from);
      if (!r) return std::unexpected(r.error());
      continue;
    }
    // acknowledge, resolve, reopen: read PagerDuty's status first, so a change PagerDuty
    // already has (or has gone past: acknowledging a resolved incident) is not sent.
    auto current = client_.Get(path);
    if (!current) return std::unexpected(current.error());
    auto inc = json::GetObject(*current, "incident");
    if (!inc) return std::unexpected(inc.error().Wrap("PagerDuty's answer to GET " + path));
    std::string status = json::StringOr(**inc, "status");
    std::string want = m.kind == "acknowledge" ? "acknowledged"
                       : m.kind == "resolve"   ? "resolved"
                                               : "triggered";
    bool done = status == want || (m.kind == "acknowledge" && status == "resolved") ||
                (m.kind == "reopen" && status != "resolved");
    if (!done) {
      json::object change{{"type", "incident_reference"}, {"status", want}};
      // PagerDuty keeps a resolution on the resolve log entry; the note below is its note too.
      if (m.kind == "resolve" && !note.empty()) change["resolution"] = note;
      auto r = client_.Send("PUT", path, json::object{{"incident", change}}, *from);
      if (!r) return std::unexpected(r.error());
    }
    if (!note.empty() && settings_.sync_notes) {
      if (auto ok = PostNoteOnce(m, id, note, *from); !ok) return std::unexpected(ok.error());
    }
  }
  return Delivery::kSent;
}

Result<void> PagerDutyConnector::PostNoteOnce(const store::OutboxMessage& m, const std::string& id,
                                              const std::string& text, const std::string& from) {
  const std::string path = "/incidents/" + id + "/notes";
  // The note on PagerDuty's incident that this message made earlier, its answer lost (a
  // timeout, im killed): same text, made since the change was queued, and not one im already
  // has on the timeline (its own earlier notes, and the ones made in PagerDuty it imported).
  auto find = [&]() -> Result<std::string> {
    auto timeline = ctx_.store.GetTimeline(m.incident);
    if (!timeline) return std::unexpected(timeline.error());
    std::set<std::string> known;
    for (const auto& e : *timeline) {
      if (e.external_key.starts_with("pd-note:")) known.insert(e.external_key.substr(8));
    }
    auto listed = client_.Get(path);
    if (!listed) return std::unexpected(listed.error());
    auto notes = json::GetOptionalArray(*listed, "notes");
    if (!notes || !*notes) return std::string();
    for (const auto& n : **notes) {
      if (!n.is_object()) continue;
      const json::object& o = n.as_object();
      auto created = ParseTime(json::StringOr(o, "created_at"));
      std::string note_id = json::StringOr(o, "id");
      if (json::StringOr(o, "content") == text && created &&
          *created >= m.created_at - kClockSkew && !note_id.empty() && !known.contains(note_id)) {
        return note_id;
      }
    }
    return std::string();
  };
  auto found = find();
  if (!found) return std::unexpected(found.error());
  std::string note_id = *found;
  if (note_id.empty()) {
    auto posted =
        client_.Send("POST", path, json::object{{"note", json::object{{"content", text}}}}, from,
                     /*retry_ambiguous=*/false);
    if (!posted) {
      // A timeout, a 5xx or a cut answer: the note may be there. Look once more.
      if (posted.error().code == ErrorCode::kInvalidArgument ||
          posted.error().code == ErrorCode::kPermissionDenied ||
          posted.error().code == ErrorCode::kUnauthenticated ||
          posted.error().code == ErrorCode::kNotFound) {
        return std::unexpected(posted.error());  // refused: nothing was made
      }
      auto again = find();
      if (!again || again->empty()) return std::unexpected(posted.error());
      note_id = *again;
    } else if (auto n = json::GetObject(*posted, "note"); n) {
      note_id = json::StringOr(**n, "id");
    }
  }
  if (note_id.empty()) return Ok();
  // Keyed like an imported note, so the webhook echo of this note adds nothing.
  auto r = ctx_.connectors.ApplyProviderIncident(
      config_.name, id, std::nullopt,
      [&](const store::LinkedIncident& linked) -> Result<store::ProviderUpdate> {
        if (!linked.incident) return store::ProviderUpdate{.skip = true};
        store::ProviderUpdate u{.incident = *linked.incident, .event_at = linked.last_event_at};
        u.entries.push_back({.at = ctx_.clock.Now(),
                             .kind = core::EntryKind::kSynced,
                             .actor = from,
                             .message = "note synchronized to PagerDuty (" + id + ")",
                             .source = "pagerduty",
                             .external_key = "pd-note:" + note_id});
        return u;
      });
  if (!r) return std::unexpected(r.error());
  return Ok();
}

Result<OutboxReport> PagerDutyConnector::FlushOutbox() {
  if (config_.direction == Direction::kInbound) return OutboxReport{};
  auto report = outbox_.Flush([this](const store::OutboxMessage& m) { return SendOutbound(m); });
  FlushStats(nullptr, false, 0);  // the calls made count in the connector's metrics
  return report;
}

Result<ReconcileReport> PagerDutyConnector::Reconcile() {
  ReconcileReport report;
  if (config_.direction == Direction::kOutbound) return report;
  // Both sides' open incidents: PagerDuty's triggered and acknowledged ones (with their
  // state), and ours that are linked and unresolved (their PagerDuty state is read one by one).
  std::map<std::string, json::object> theirs;
  auto listed = client_.ForEach(
      "/incidents",
      {{"statuses[]", "triggered"}, {"statuses[]", "acknowledged"}, {"date_range", "all"}},
      "incidents", [&](const json::object& o) -> Result<bool> {
        theirs[json::StringOr(o, "id")] = o;
        return true;
      });
  if (!listed) return std::unexpected(listed.error());
  auto ours = ctx_.connectors.LinkedUnresolved(config_.name);
  if (!ours) return std::unexpected(ours.error());
  for (const auto& [id, number] : *ours) {
    if (theirs.contains(id)) continue;
    auto got = client_.Get("/incidents/" + id);
    if (!got) {
      if (got.error().code == ErrorCode::kNotFound) continue;  // deleted in PagerDuty
      return std::unexpected(got.error());
    }
    auto inc = json::GetObject(*got, "incident");
    if (inc) theirs[id] = **inc;
  }
  for (const auto& [id, object] : theirs) {
    auto number = ctx_.connectors.FindLinkedIncident(config_.name, id);
    if (!number) return std::unexpected(number.error());
    if (!*number) continue;  // not imported yet: polling brings it in
    auto pd = ParseIncident(object);
    if (!pd) continue;
    auto current = ctx_.store.GetIncident(**number);
    if (!current) return std::unexpected(current.error());
    report.compared++;
    core::Status want = pd->status == "triggered"      ? core::Status::kOpen
                        : pd->status == "acknowledged" ? core::Status::kMitigated
                                                       : core::Status::kResolved;
    bool same = current->status == want ||
                (want == core::Status::kResolved && current->status == core::Status::kClosed);
    if (same) continue;
    auto outbound = ctx_.connectors.OutboundFor(config_.name, **number);
    if (!outbound) return std::unexpected(outbound.error());
    if (outbound->pending > 0) {
      report.held++;
      continue;
    }
    std::string before(core::StatusName(current->status));
    if (auto ok = ApplyIncident(*pd, ctx_.clock.Now(), std::nullopt); !ok) {
      return std::unexpected(ok.error());
    }
    std::string line = "INC-" + std::to_string(**number) + ": " + before + " → " +
                       std::string(core::StatusName(want)) + " (PagerDuty " + id + ")";
    ctx_.log->warn("reconcile {}: repaired {}", config_.name, line);
    report.repaired.push_back(std::move(line));
  }
  FlushStats(nullptr, false, 0);
  return report;
}

}  // namespace im::connectors::pagerduty

// Alert and incident changes with the log lines and timeline entries Opsgenie records.
#include "sim/opsgenie/actions.h"

#include <algorithm>
#include <iterator>

namespace im::sim::opsgenie {
namespace {

void Log(Alert& a, std::string text, std::string type, const std::string& owner, Time at) {
  a.logs.push_back({std::move(text), std::move(type), owner, at, a.next_seq++});
}

void Note(Alert& a, const std::string& user, const std::string& note, Time at) {
  if (note.empty()) return;
  a.notes.push_back({note, "", Actor(user), at, a.next_seq++});
  Log(a, "[" + Actor(user) + "] added note: " + note, "note", Actor(user), at);
}

void System(Rng& rng, Incident& i, std::string type, std::string title, std::string content,
            const std::string& user, Time at) {
  AddTimelineEntry(rng, i,
                   {"", "incident", std::move(type), std::move(title), std::move(content),
                    Actor(user), user.empty() ? "system" : "user", at, false});
}

}  // namespace

std::string Actor(const std::string& user) { return user.empty() ? "Alert API" : user; }

CreateOutcome CreateAlert(World& w, Rng& rng, AlertDraft d, Time at) {
  if (!d.alias.empty()) {
    if (Alert* open = w.FindAlert(d.alias, "alias"); open && open->status == "open") {
      ++open->count;
      open->last_occurred_at = open->updated_at = at;
      Log(*open, "Alert count incremented to " + std::to_string(open->count), "system",
          Actor(d.user), at);
      return {open, false};
    }
  }
  return {&AddNewAlert(w, rng, std::move(d), at), true};
}

Alert& AddNewAlert(World& w, Rng& rng, AlertDraft d, Time at) {
  Alert a;
  a.id = d.id.empty() ? NewUuid(rng) + "-" + std::to_string(EpochMillis(at)) : std::move(d.id);
  a.tiny_id = d.tiny_id.empty() ? std::to_string(w.next_tiny++) : std::move(d.tiny_id);
  a.alias = d.alias.empty() ? a.id : std::move(d.alias);  // Opsgenie: the alias defaults to the id
  a.message = std::move(d.message);
  a.description = std::move(d.description);
  a.entity = std::move(d.entity);
  a.source = d.source.empty() ? Actor(d.user) : std::move(d.source);
  a.priority = std::move(d.priority);
  a.tags = std::move(d.tags);
  a.actions = std::move(d.actions);
  a.details = std::move(d.details);
  a.responders = std::move(d.responders);
  for (const auto& r : a.responders) {
    if (r.type == "team" && a.owner_team_id.empty()) a.owner_team_id = r.id;
  }
  a.created_at = a.updated_at = a.last_occurred_at = at;
  Log(a, "Alert created via " + w.integration.name + " with id [" + a.id + "]", "system",
      Actor(d.user), at);
  Note(a, d.user, d.note, at);
  return w.AddAlert(std::move(a));
}

bool AcknowledgeAlert(Alert& a, const std::string& user, const std::string& note, Time at) {
  if (a.status != "open") return false;
  Note(a, user, note, at);
  if (a.acknowledged) return true;  // acknowledging twice changes nothing
  a.acknowledged = a.is_seen = true;
  a.owner = Actor(user);
  if (!a.acked_at) {  // report.ackTime stays the first acknowledgement
    a.acked_at = at;
    a.acked_by = a.owner;
  }
  a.updated_at = at;
  Log(a, "Alert acknowledged by " + a.owner, "system", a.owner, at);
  return true;
}

bool UnacknowledgeAlert(Alert& a, const std::string& user, const std::string& note, Time at) {
  if (a.status != "open" || !a.acknowledged) return false;
  a.acknowledged = false;
  a.updated_at = at;
  Log(a, "Alert unacknowledged by " + Actor(user), "system", Actor(user), at);
  Note(a, user, note, at);
  return true;
}

bool CloseAlert(World& w, Alert& a, const std::string& user, const std::string& note, Time at) {
  if (a.status == "closed") return true;  // closing twice changes nothing
  a.status = "closed";
  a.is_seen = true;
  a.closed_at = at;
  a.closed_by = Actor(user);
  a.updated_at = at;
  Log(a, "Alert closed by " + a.closed_by, "system", a.closed_by, at);
  Note(a, user, note, at);
  w.Reindex(a);
  return true;
}

void AddAlertNote(Alert& a, const std::string& user, const std::string& note, Time at) {
  Note(a, user, note, at);
  a.updated_at = at;
}

void DeleteAlert(World& w, Alert& a) {
  a.deleted = true;
  w.Reindex(a);
}

Incident& CreateIncident(World& w, Rng& rng, IncidentDraft d, const std::string& user, Time at) {
  Incident i;
  i.id = d.id.empty() ? NewUuid(rng) : std::move(d.id);
  i.tiny_id = d.tiny_id.empty() ? std::to_string(w.next_incident_tiny++) : std::move(d.tiny_id);
  i.message = std::move(d.message);
  i.description = std::move(d.description);
  i.service_id = std::move(d.service_id);
  if (const Service* s = w.FindService(i.service_id)) i.owner_team_id = s->team_id;
  i.priority = std::move(d.priority);
  i.tags = std::move(d.tags);
  i.details = std::move(d.details);
  i.responders = std::move(d.responders);
  i.source = Actor(user);
  i.created_at = i.updated_at = at;
  System(rng, i, "IncidentCreated", "Incident created", i.message, user, at);
  if (!d.note.empty()) AddIncidentNote(rng, i, user, d.note, at);
  for (const auto& r : i.responders) {
    AlertDraft a;
    a.message = i.message;
    a.description = i.description;
    a.priority = i.priority;
    a.tags = i.tags;
    a.user = user;
    a.responders = {r};
    Alert& made = AddNewAlert(w, rng, std::move(a), at);
    made.incident_id = i.id;
    i.responder_alert_ids.push_back(made.id);
  }
  return w.AddIncident(std::move(i));
}

namespace {

void CloseResponderAlerts(World& w, const Incident& i, const std::string& user, Time at) {
  for (const auto& id : i.responder_alert_ids) {
    if (Alert* a = w.FindAlert(id, "id"); a && a->status == "open") CloseAlert(w, *a, user, "", at);
  }
}

}  // namespace

bool ResolveIncident(World& w, Rng& rng, Incident& i, const std::string& user,
                     const std::string& note, Time at) {
  if (i.status != "open") return false;
  i.status = "resolved";
  i.updated_at = at;
  System(rng, i, "IncidentResolved", "Incident resolved", note, user, at);
  if (!note.empty()) AddIncidentNote(rng, i, user, note, at);
  CloseResponderAlerts(w, i, user, at);
  return true;
}

bool CloseIncident(World& w, Rng& rng, Incident& i, const std::string& user,
                   const std::string& note, Time at) {
  if (i.status == "closed") return false;
  i.status = "closed";
  i.updated_at = at;
  System(rng, i, "IncidentClosed", "Incident closed", note, user, at);
  if (!note.empty()) AddIncidentNote(rng, i, user, note, at);
  CloseResponderAlerts(w, i, user, at);
  return true;
}

void AddIncidentNote(Rng& rng, Incident& i, const std::string& user, const std::string& note,
                     Time at) {
  i.notes.push_back({note, "", Actor(user), at, i.next_seq++});
  i.updated_at = at;
  AddTimelineEntry(rng, i,
                   {"", "note", "NoteAdded", "Note added", note, Actor(user),
                    user.empty() ? "system" : "user", at, false});
}

TimelineEntry& AddTimelineEntry(Rng& rng, Incident& i, TimelineEntry entry) {
  if (entry.id.empty()) entry.id = NewUuid(rng);
  // Entries stay in event-time order (an entry may be added with an earlier time).
  auto pos = i.timeline.end();
  while (pos != i.timeline.begin() && std::prev(pos)->event_time > entry.event_time) --pos;
  return *i.timeline.insert(pos, std::move(entry));
}

std::vector<LogLine> IncidentLogLines(const Incident& i) {
  std::vector<LogLine> lines;
  for (size_t n = 0; n < i.timeline.size(); ++n) {
    const TimelineEntry& e = i.timeline[n];
    if (e.hidden) continue;
    std::string text = e.title.empty() ? e.content : e.title + ": " + e.content;
    lines.push_back({std::move(text), e.group == "custom" ? "note" : "system", e.actor_name,
                     e.event_time, static_cast<int64_t>(n) + 1});
  }
  std::stable_sort(lines.begin(), lines.end(),
                   [](const LogLine& a, const LogLine& b) { return a.at < b.at; });
  return lines;
}

}  // namespace im::sim::opsgenie

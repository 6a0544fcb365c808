#include "core/lifecycle.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "core/email.h"

namespace im::core {
namespace {

std::string Id(const Incident& i) { return IncidentId(i.number); }

std::unexpected<Error> Refuse(const Incident& i, std::string_view action, std::string_view hint) {
  return Fail(ErrorCode::kFailedPrecondition, "cannot " + std::string(action) + " " + Id(i) +
                                                  ": it is " + std::string(StatusName(i.status)) +
                                                  "; " + std::string(hint));
}

Result<void> CheckActor(const Actor& actor) {
  if (actor.email == "system") return Ok();
  return ValidateEmail(actor.email, "actor");
}

bool IsBlank(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](unsigned char c) { return std::isspace(c) != 0; });
}

Result<void> CheckNote(const std::string& note) {
  if (note.size() > kMaxTextLength) {
    return Fail(ErrorCode::kInvalidArgument, "note is longer than 65536 bytes; shorten it");
  }
  return Ok();
}

Change Start(const Incident& incident, Time now) {
  Change c{.incident = incident};
  c.incident.updated_at = now;
  c.incident.version += 1;
  return c;
}

void Add(Change& c, Time now, EntryKind kind, const Actor& actor, std::string message) {
  c.entries.push_back(TimelineEntry{.at = now,
                                    .kind = kind,
                                    .actor = actor.email,
                                    .message = std::move(message),
                                    .source = actor.source});
}

std::string WithNote(std::string message, const std::string& note) {
  if (!note.empty()) message += ": " + note;
  return message;
}

}  // namespace

Result<Change> Declare(const DeclareRequest& r, const Actor& actor, Time now) {
  if (auto ok = CheckActor(actor); !ok) return std::unexpected(ok.error());
  if (IsBlank(r.title)) {
    return Fail(ErrorCode::kInvalidArgument,
                "'title' is empty or only spaces: give a one-line summary of what is wrong");
  }
  if (r.title.size() > kMaxTitleLength) {
    return Fail(ErrorCode::kInvalidArgument, "title is longer than 1024 bytes; shorten it");
  }
  if (r.description.size() > kMaxTextLength) {
    return Fail(ErrorCode::kInvalidArgument, "description is longer than 65536 bytes; shorten it");
  }
  if (r.services.empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                "'services' is empty: name at least one affected service");
  }
  if (r.services.size() > kMaxServices) {
    return Fail(ErrorCode::kInvalidArgument, "more than 32 services on one incident");
  }
  std::set<std::string> seen;
  for (const auto& s : r.services) {
    if (auto ok = ValidateServiceName(s); !ok) return std::unexpected(ok.error());
    if (!seen.insert(s).second) {
      return Fail(ErrorCode::kInvalidArgument, "service '" + s + "' is named twice");
    }
  }
  for (const auto& a : r.assignees) {
    if (auto ok = ValidateEmail(a, "assignee"); !ok) return std::unexpected(ok.error());
  }
  Change c;
  Incident& i = c.incident;
  i.title = r.title;
  i.description = r.description;
  i.severity = r.severity;
  i.urgency = r.urgency.value_or(DefaultUrgency(r.severity));
  i.status = Status::kOpen;
  i.services = r.services;
  i.assignees = r.assignees;
  i.custom_fields = r.custom_fields;
  i.created_at = now;
  i.created_by = actor.email;
  i.source = actor.source;
  i.updated_at = now;
  i.version = 1;
  std::string services;
  for (const auto& s : r.services) services += (services.empty() ? "" : ", ") + s;
  Add(c, now, EntryKind::kDeclared, actor,
      std::string(SeverityName(r.severity)) + " declared on " + services + ": " + r.title);
  if (!r.assignees.empty()) {
    std::string who;
    for (const auto& a : r.assignees) who += (who.empty() ? "" : ", ") + a;
    Add(c, now, EntryKind::kAssigned, actor, "assigned to " + who);
  }
  return c;
}

Result<Change> Acknowledge(const Incident& i, const Actor& actor, Time now,
                           const std::string& note) {
  if (auto ok = CheckActor(actor); !ok) return std::unexpected(ok.error());
  if (auto ok = CheckNote(note); !ok) return std::unexpected(ok.error());
  switch (i.status) {
    case Status::kOpen: break;
    case Status::kMitigated: return Refuse(i, "acknowledge", "it was already acknowledged");
    case Status::kResolved:
    case Status::kClosed: return Refuse(i, "acknowledge", "reopen it first with `im reopen`");
  }
  Change c = Start(i, now);
  c.incident.status = Status::kMitigated;
  if (!c.incident.acknowledged_at) {
    c.incident.acknowledged_at = now;
    c.incident.acknowledged_by = actor.email;
  }
  Add(c, now, EntryKind::kAcknowledged, actor, WithNote("acknowledged by " + actor.email, note));
  return c;
}

Result<Change> Unacknowledge(const Incident& i, const Actor& actor, Time now) {
  if (auto ok = CheckActor(actor); !ok) return std::unexpected(ok.error());
  if (i.status != Status::kMitigated) {
    return Refuse(i, "unacknowledge", "only acknowledged incidents can be unacknowledged");
  }
  Change c = Start(i, now);
  c.incident.status = Status::kOpen;
  Add(c, now, EntryKind::kStatusChange, actor, "unacknowledged by " + actor.email);
  return c;
}

Result<Change> Resolve(const Incident& i, const Actor& actor, Time now, const std::string& note) {
  if (auto ok = CheckActor(actor); !ok) return std::unexpected(ok.error());
  if (auto ok = CheckNote(note); !ok) return std::unexpected(ok.error());
  if (i.status == Status::kResolved || i.status == Status::kClosed) {
    return Refuse(i, "resolve", "it is already resolved");
  }
  Change c = Start(i, now);
  c.incident.status = Status::kResolved;
  c.incident.resolved_at = now;
  c.incident.resolved_by = actor.email;
  Add(c, now, EntryKind::kResolved, actor, WithNote("resolved by " + actor.email, note));
  return c;
}

Result<Change> Close(const Incident& i, const Actor& actor, Time now, const std::string& note) {
  if (auto ok = CheckActor(actor); !ok) return std::unexpected(ok.error());
  if (auto ok = CheckNote(note); !ok) return std::unexpected(ok.error());
  switch (i.status) {
    case Status::kResolved: break;
    case Status::kClosed: return Refuse(i, "close", "it is already closed");
    case Status::kOpen:
    case Status::kMitigated: return Refuse(i, "close", "resolve it first with `im resolve`");
  }
  Change c = Start(i, now);
  c.incident.status = Status::kClosed;
  c.incident.closed_at = now;
  c.incident.closed_by = actor.email;
  Add(c, now, EntryKind::kClosed, actor, WithNote("closed by " + actor.email, note));
  return c;
}

Result<Change> Reopen(const Incident& i, const Actor& actor, Time now, const std::string& note) {
  if (auto ok = CheckActor(actor); !ok) return std::unexpected(ok.error());
  if (auto ok = CheckNote(note); !ok) return std::unexpected(ok.error());
  if (i.status == Status::kOpen || i.status == Status::kMitigated) {
    return Refuse(i, "reopen", "only resolved or closed incidents can be reopened");
  }
  Change c = Start(i, now);
  c.incident.status = Status::kOpen;
  c.incident.resolved_at.reset();
  c.incident.resolved_by.clear();
  c.incident.closed_at.reset();
  c.incident.closed_by.clear();
  Add(c, now, EntryKind::kReopened, actor, WithNote("reopened by " + actor.email, note));
  return c;
}

Result<Change> AddNote(const Incident& i, const Actor& actor, Time now, const std::string& text) {
  if (auto ok = CheckActor(actor); !ok) return std::unexpected(ok.error());
  if (IsBlank(text)) {
    return Fail(ErrorCode::kInvalidArgument, "note is empty or only spaces: give the note text");
  }
  if (auto ok = CheckNote(text); !ok) return std::unexpected(ok.error());
  Change c = Start(i, now);
  Add(c, now, EntryKind::kNote, actor, text);
  return c;
}

Result<Change> Assign(const Incident& i, const Actor& actor, Time now,
                      std::vector<std::string> assignees) {
  if (auto ok = CheckActor(actor); !ok) return std::unexpected(ok.error());
  for (const auto& a : assignees) {
    if (auto ok = ValidateEmail(a, "assignee"); !ok) return std::unexpected(ok.error());
  }
  Change c = Start(i, now);
  c.incident.assignees = std::move(assignees);
  std::string who;
  for (const auto& a : c.incident.assignees) who += (who.empty() ? "" : ", ") + a;
  Add(c, now, EntryKind::kAssigned, actor, who.empty() ? "unassigned" : "assigned to " + who);
  return c;
}

Result<Change> SetSeverity(const Incident& i, const Actor& actor, Time now, Severity severity) {
  if (auto ok = CheckActor(actor); !ok) return std::unexpected(ok.error());
  if (i.severity == severity) {
    return Fail(ErrorCode::kFailedPrecondition,
                Id(i) + " is already " + std::string(SeverityName(severity)));
  }
  Change c = Start(i, now);
  c.incident.severity = severity;
  Add(c, now, EntryKind::kSeverityChanged, actor,
      "severity " + std::string(SeverityName(i.severity)) + " → " +
          std::string(SeverityName(severity)));
  return c;
}

Result<Change> SetCustomField(const Incident& i, const Actor& actor, Time now,
                              const std::string& key, const std::string& value) {
  if (auto ok = CheckActor(actor); !ok) return std::unexpected(ok.error());
  if (key.empty() || key.size() > 128) {
    return Fail(ErrorCode::kInvalidArgument, "custom field name must be 1 to 128 characters");
  }
  if (value.size() > kMaxTextLength) {
    return Fail(ErrorCode::kInvalidArgument, "custom field value is longer than 65536 bytes");
  }
  Change c = Start(i, now);
  c.incident.custom_fields[key] = value;
  Add(c, now, EntryKind::kFieldChanged, actor, key + " = " + value);
  return c;
}

}  // namespace im::core

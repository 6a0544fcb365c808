#include "connectors/converge.h"

#include <algorithm>

#include "common/time.h"
#include "core/lifecycle.h"

namespace im::connectors {
namespace {

// Runs one lifecycle transition as `who` (or, when the provider's name for the person is not
// an email im takes, as the connector), renaming its entry for where it happened.
bool Transition(
    core::Incident& incident, std::vector<core::TimelineEntry>& entries, const ObservedIncident& o,
    const std::string& who, std::string_view verb,
    const std::function<Result<core::Change>(const core::Incident&, const core::Actor&)>& step,
    std::string external_key = "") {
  auto change = step(incident, core::Actor{.email = who, .source = o.source});
  if (!change && who != o.fallback_actor) {
    change = step(incident, core::Actor{.email = o.fallback_actor, .source = o.source});
  }
  if (!change) return false;  // the state machine refuses: the incident stays as it is
  incident = std::move(change->incident);
  for (auto& e : change->entries) {
    e.message = std::string(verb) + " in " + o.provider;
    e.external_key = external_key;
    entries.push_back(std::move(e));
  }
  return true;
}

}  // namespace

store::ProviderUpdate Converge(const ObservedIncident& o,
                               const std::optional<core::Incident>& current,
                               const std::string& connector, std::optional<Time> event_at) {
  using core::Status;
  store::ProviderUpdate u;
  u.event_at = event_at;
  core::Incident i = current.value_or(core::Incident{});
  const bool fresh = !current;
  const int64_t version = i.version;
  const Time updated = i.updated_at;
  if (fresh) {
    i.created_at = o.created_at;
    i.created_by = o.fallback_actor;
    i.source = o.source + ":" + connector;
    i.services = {o.service};
    u.services_to_ensure = {o.service};
    u.entries.push_back({.at = o.created_at,
                         .kind = core::EntryKind::kDeclared,
                         .actor = o.fallback_actor,
                         .message = o.label + " triggered on " + o.service + ": " + o.title,
                         .source = o.source,
                         .external_key = o.key_prefix + ":trigger"});
  }
  if (fresh || i.source.starts_with(o.source + ":")) {
    i.title = o.title;
    i.urgency = o.urgency;
    i.severity = o.severity;
  }
  for (const auto& [k, v] : o.custom_fields) i.custom_fields[k] = v;
  i.in_metrics = o.in_metrics;
  if (!o.assignees.empty() && o.assignees != i.assignees) {
    i.assignees = o.assignees;
    std::string list;
    for (const auto& a : o.assignees) list += (list.empty() ? "" : ", ") + a;
    u.entries.push_back({.at = event_at.value_or(o.created_at),
                         .kind = core::EntryKind::kAssigned,
                         .actor = o.fallback_actor,
                         .message = "assigned in " + o.provider + " to " + list,
                         .source = o.source});
  }
  const Time when = event_at.value_or(o.created_at);
  // The first acknowledgement is the earliest either side knows of (MTTA).
  if (o.acknowledged_at && (!i.acknowledged_at || *o.acknowledged_at < *i.acknowledged_at)) {
    i.acknowledged_at = o.acknowledged_at;
    i.acknowledged_by = o.acknowledged_by;
  }
  const bool done = i.status == Status::kResolved || i.status == Status::kClosed;
  switch (o.status) {
    case Status::kOpen:
      if (done && !fresh) {
        Transition(i, u.entries, o, o.fallback_actor, "reopened",
                   [&](const core::Incident& x, const core::Actor& a) {
                     return core::Reopen(x, a, when);
                   });
      } else if (i.status == Status::kMitigated) {
        Transition(i, u.entries, o, o.fallback_actor, "unacknowledged",
                   [&](const core::Incident& x, const core::Actor& a) {
                     return core::Unacknowledge(x, a, when);
                   });
      }
      break;
    case Status::kMitigated: {
      if (done) {
        Transition(i, u.entries, o, o.fallback_actor, "reopened",
                   [&](const core::Incident& x, const core::Actor& a) {
                     return core::Reopen(x, a, when);
                   });
      }
      if (i.status == Status::kOpen) {
        const std::string who = o.acknowledged_by.empty() ? o.fallback_actor : o.acknowledged_by;
        const Time at = o.acknowledged_at.value_or(when);
        const auto first = i.acknowledged_at;
        const auto first_by = i.acknowledged_by;
        Transition(i, u.entries, o, who, "acknowledged",
                   [&](const core::Incident& x, const core::Actor& a) {
                     return core::Acknowledge(x, a, at);
                   });
        if (first) {  // an earlier acknowledgement stays the first
          i.acknowledged_at = first;
          i.acknowledged_by = first_by;
        }
      }
      break;
    }
    case Status::kResolved:
    case Status::kClosed:
      if (!done) {
        const Time at = o.resolved_at.value_or(when);
        const std::string who = o.resolved_by.empty() ? o.fallback_actor : o.resolved_by;
        const auto ack = i.acknowledged_at;
        const auto ack_by = i.acknowledged_by;
        Transition(
            i, u.entries, o, who, "resolved",
            [&](const core::Incident& x, const core::Actor& a) { return core::Resolve(x, a, at); },
            o.key_prefix + ":resolved:" + FormatTime(at));
        i.acknowledged_at = ack;
        i.acknowledged_by = ack_by;
        if (o.resolved_by.empty()) i.resolved_by.clear();  // nobody named: left for the log
      }
      if (o.status == Status::kClosed && i.status == Status::kResolved) {
        const Time at = std::max(o.closed_at.value_or(when), *i.resolved_at);
        Transition(
            i, u.entries, o, o.fallback_actor, "closed",
            [&](const core::Incident& x, const core::Actor& a) { return core::Close(x, a, at); },
            o.key_prefix + ":closed:" + FormatTime(at));
      }
      break;
  }
  for (const auto& e : o.entries) u.entries.push_back(e);
  // One update is one version, whatever number of transitions it took.
  i.version = version + 1;
  i.updated_at = std::max(updated, when);
  u.incident = std::move(i);
  return u;
}

}  // namespace im::connectors

#include "core/sla.h"

#include "common/time.h"

namespace im::core {

using namespace std::chrono_literals;

SlaPolicy SlaPolicy::Default() {
  return SlaPolicy{.targets = {{{15min, 1h}, {30min, 4h}, {2h, 24h}, {8h, 72h}}}};
}

std::string_view SlaStateName(SlaState s) {
  switch (s) {
    case SlaState::kOnTrack: return "on_track";
    case SlaState::kAtRisk: return "at_risk";
    case SlaState::kBreached: return "breached";
    case SlaState::kMet: return "met";
  }
  return "on_track";
}

namespace {

SlaClock Evaluate(Time created, Duration target, std::optional<Time> done, Time now,
                  double at_risk_fraction) {
  SlaClock clock{.target = target, .due = created + target};
  if (done) {
    clock.state = *done <= clock.due ? SlaState::kMet : SlaState::kBreached;
    return clock;
  }
  Duration elapsed = now - created;
  if (elapsed > target) {
    clock.state = SlaState::kBreached;
  } else if (elapsed.count() >= static_cast<double>(target.count()) * at_risk_fraction) {
    clock.state = SlaState::kAtRisk;
  } else {
    clock.state = SlaState::kOnTrack;
  }
  return clock;
}

}  // namespace

SlaStatus EvaluateSla(const Incident& incident, const SlaPolicy& policy, Time now) {
  const SlaTarget& t = policy.For(incident.severity);
  // A resolved incident needs no acknowledgement any more: resolving counts as the response.
  std::optional<Time> responded = incident.acknowledged_at;
  if (!responded && incident.resolved_at) responded = incident.resolved_at;
  return SlaStatus{
      .acknowledge =
          Evaluate(incident.created_at, t.acknowledge, responded, now, policy.at_risk_fraction),
      .resolve = Evaluate(incident.created_at, t.resolve, incident.resolved_at, now,
                          policy.at_risk_fraction),
  };
}

std::vector<TimelineEntry> RecordNewBreaches(Incident& incident, const SlaPolicy& policy,
                                             Time now) {
  std::vector<TimelineEntry> entries;
  SlaStatus status = EvaluateSla(incident, policy, now);
  auto record = [&](bool& flag, const SlaClock& clock, std::string_view what) {
    if (flag || clock.state != SlaState::kBreached) return;
    flag = true;
    entries.push_back(TimelineEntry{
        .at = clock.due,
        .kind = EntryKind::kSlaBreach,
        .actor = "system",
        .message = std::string(what) +
                   " SLA breached: " + std::string(SeverityName(incident.severity)) +
                   " target is " + FormatDuration(clock.target),
    });
  };
  record(incident.ack_sla_breached, status.acknowledge, "acknowledge");
  record(incident.resolve_sla_breached, status.resolve, "resolve");
  return entries;
}

}  // namespace im::core

#include "core/sla.h"

#include "common/time.h"

namespace im::core {

using namespace std::chrono_literals;

SlaPolicy SlaPolicy::Default() {
  return SlaPolicy{.targets = {{{15min, 1h}, {30min, 4h}, {2h, 24h}, {8h, 72h}}}};
}

bool SlaOverlay::empty() const {
  for (int i = 0; i < 4; ++i) {
    if (acknowledge[i] || resolve[i]) return false;
  }
  return true;
}

SlaPolicy SlaOverlay::Over(const SlaPolicy& base) const {
  SlaPolicy p = base;
  for (int i = 0; i < 4; ++i) {
    if (acknowledge[i]) p.targets[i].acknowledge = *acknowledge[i];
    if (resolve[i]) p.targets[i].resolve = *resolve[i];
  }
  return p;
}

Result<SlaOverlay> ParseSlaOverlay(const json::value& v, std::string_view where) {
  auto bad = [&](const std::string& what) {
    return Fail(ErrorCode::kInvalidArgument, std::string(where) + ": " + what);
  };
  const std::string example = R"(, e.g. {"SEV-1":{"acknowledge":"5m","resolve":"30m"}})";
  if (!v.is_object()) return bad("must be an object of severities" + example);
  SlaOverlay overlay;
  for (const auto& [key, target] : v.as_object()) {
    auto sev = ParseSeverity(key);
    if (!sev) return bad("'" + std::string(key) + "' is not a severity: use SEV-1 to SEV-4");
    int i = static_cast<int>(*sev) - 1;
    std::string field = std::string(where) + "." + std::string(key);
    if (!target.is_object()) {
      return Fail(ErrorCode::kInvalidArgument,
                  field + " must be an object with \"acknowledge\" and/or \"resolve\"");
    }
    const auto& clocks = target.as_object();
    if (clocks.contains("ack") && clocks.contains("acknowledge")) {
      return Fail(ErrorCode::kInvalidArgument,
                  field + ": give \"acknowledge\" or its short form \"ack\", not both");
    }
    for (const auto& [key, d] : clocks) {
      // "ack" is the short form PagerDuty users write (docs/pagerduty.md).
      std::string_view clock =
          key == "ack" ? std::string_view("acknowledge") : std::string_view(key.data(), key.size());
      if (clock != "acknowledge" && clock != "resolve") {
        return Fail(ErrorCode::kInvalidArgument, field + ": unknown key '" + std::string(key) +
                                                     "'; use acknowledge (or ack) and resolve");
      }
      std::string name = field + "." + std::string(key);
      std::optional<Duration> parsed;
      if (d.is_string()) {
        if (auto r = ParseDuration(d.as_string())) parsed = *r;
      }
      if (!parsed || parsed->count() <= 0) {
        return Fail(ErrorCode::kInvalidArgument,
                    name + " must be a duration like \"15m\" or \"4h\"");
      }
      (clock == "acknowledge" ? overlay.acknowledge : overlay.resolve)[i] = *parsed;
    }
  }
  return overlay;
}

json::object SlaOverlayToJson(const SlaOverlay& overlay) {
  json::object o;
  for (int i = 0; i < 4; ++i) {
    json::object t;
    if (overlay.acknowledge[i]) t["acknowledge"] = FormatDuration(*overlay.acknowledge[i]);
    if (overlay.resolve[i]) t["resolve"] = FormatDuration(*overlay.resolve[i]);
    if (!t.empty()) o["SEV-" + std::to_string(i + 1)] = std::move(t);
  }
  return o;
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

// SLA policy per severity (time to acknowledge, time to resolve) and each incident's SLA state.
#pragma once

#include <array>
#include <optional>
#include <vector>

#include "common/error.h"
#include "common/json.h"
#include "core/incident.h"

namespace im::core {

struct SlaTarget {
  Duration acknowledge;
  Duration resolve;
};

struct SlaPolicy {
  // Indexed by severity 1..4 (element 0 is SEV-1).
  std::array<SlaTarget, 4> targets;
  // An unfinished clock past this share of its target is "at risk".
  double at_risk_fraction = 0.75;

  // SEV-1 15m/1h, SEV-2 30m/4h, SEV-3 2h/24h, SEV-4 8h/72h.
  static SlaPolicy Default();
  const SlaTarget& For(Severity s) const { return targets[static_cast<int>(s) - 1]; }
};

// Targets for some severities that replace a base policy's, e.g. a connector's `sla_mapping`
// {"SEV-1":{"acknowledge":"5m","resolve":"30m"},"SEV-3":{"resolve":"8h"}}: a severity or a
// clock left out keeps the base target.
struct SlaOverlay {
  std::array<std::optional<Duration>, 4> acknowledge;
  std::array<std::optional<Duration>, 4> resolve;

  bool empty() const;
  SlaPolicy Over(const SlaPolicy& base) const;
};

// Parses the JSON form above; errors name the bad key, `where` prefixes them ("sla_mapping").
Result<SlaOverlay> ParseSlaOverlay(const json::value& v, std::string_view where);
json::object SlaOverlayToJson(const SlaOverlay& overlay);

enum class SlaState { kOnTrack, kAtRisk, kBreached, kMet };
std::string_view SlaStateName(SlaState s);  // "on_track", "at_risk", "breached", "met"

struct SlaClock {
  SlaState state = SlaState::kOnTrack;
  Duration target{};
  Time due;  // created_at + target
};

struct SlaStatus {
  SlaClock acknowledge;
  SlaClock resolve;
  // Whose targets these are: "default" (the server's policy) or "connector:<name>".
  std::string policy = "default";
};

SlaStatus EvaluateSla(const Incident& incident, const SlaPolicy& policy, Time now);

// Marks breaches not yet recorded on `incident` and returns one timeline entry for each, dated
// when the target passed. Called on every change and by the periodic sweep, so a breach is
// recorded once whichever notices it first.
std::vector<TimelineEntry> RecordNewBreaches(Incident& incident, const SlaPolicy& policy, Time now);

}  // namespace im::core

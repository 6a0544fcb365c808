// Which deployment caused an incident. The rule (docs/dora.md): an incident is attributed to a
// successful deployment of one of its services, to the DORA environment, when the incident was
// created within [triggered_at − before, triggered_at + after] (both ends included; 4h and 4h by
// default). Among several, the latest triggered at or before the incident's creation wins,
// otherwise the nearest one after it; equal times are ordered by deployment id. One incident →
// at most one deployment. A link or unlink made by hand overrides the rule.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/clock.h"

namespace im::dora {

struct AttributionWindow {
  Duration before = std::chrono::hours(4);  // how long before a deploy an incident still counts
  Duration after = std::chrono::hours(4);   // how long after a deploy an incident counts
};

struct Candidate {
  int64_t seq = 0;  // the store's key for the deployment
  std::string id;
  std::string service;
  Time triggered_at{};
};

// The deploy times that can explain an incident created at `created`:
// [created − window.after, created + window.before].
inline Time EarliestCandidate(Time created, const AttributionWindow& w) {
  return created - w.after;
}
inline Time LatestCandidate(Time created, const AttributionWindow& w) { return created + w.before; }

// The index in `candidates` of the deployment the incident goes to, or nullopt when none is in
// the window. `candidates` may hold deployments outside the window; they are skipped.
std::optional<size_t> ChooseDeployment(Time created, std::span<const Candidate> candidates,
                                       const AttributionWindow& window);

// "same service api, 37 min after deploy d-123" (or "… before …" when the incident came first).
std::string ExplainAutomatic(std::string_view service, std::string_view deployment_id,
                             Time triggered_at, Time created);
// "linked by hand by alice@example.com" / "unlinked by hand by …".
std::string ExplainManual(bool linked, std::string_view actor);

// "45 s", "37 min", "3 h 12 min", "2 d 4 h": rounded down, for explanations.
std::string HumanGap(Duration d);

}  // namespace im::dora

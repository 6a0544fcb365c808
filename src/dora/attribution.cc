// The attribution rule and its explanations.
#include "dora/attribution.h"

#include <tuple>

namespace im::dora {

std::optional<size_t> ChooseDeployment(Time created, std::span<const Candidate> candidates,
                                       const AttributionWindow& window) {
  const Time lo = EarliestCandidate(created, window);
  const Time hi = LatestCandidate(created, window);
  std::optional<size_t> before, after;
  auto key = [&](size_t i) { return std::tie(candidates[i].triggered_at, candidates[i].id); };
  for (size_t i = 0; i < candidates.size(); ++i) {
    const Time t = candidates[i].triggered_at;
    if (t < lo || t > hi) continue;
    if (t <= created) {
      if (!before || key(i) > key(*before)) before = i;
    } else if (!after || key(i) < key(*after)) {
      after = i;
    }
  }
  return before ? before : after;
}

std::string HumanGap(Duration d) {
  using namespace std::chrono;
  const int64_t s = duration_cast<seconds>(d).count();
  if (s < 60) return std::to_string(s) + " s";
  const int64_t m = s / 60;
  if (m < 60) return std::to_string(m) + " min";
  const int64_t h = m / 60;
  if (h < 48) {
    return std::to_string(h) + " h" + (m % 60 ? " " + std::to_string(m % 60) + " min" : "");
  }
  return std::to_string(h / 24) + " d" + (h % 24 ? " " + std::to_string(h % 24) + " h" : "");
}

std::string ExplainAutomatic(std::string_view service, std::string_view deployment_id,
                             Time triggered_at, Time created) {
  const bool after = created >= triggered_at;
  const Duration gap = after ? created - triggered_at : triggered_at - created;
  return "same service " + std::string(service) + ", " + HumanGap(gap) +
         (after ? " after" : " before") + " deploy " + std::string(deployment_id);
}

std::string ExplainManual(bool linked, std::string_view actor) {
  return std::string(linked ? "linked" : "unlinked") + " by hand by " + std::string(actor);
}

}  // namespace im::dora

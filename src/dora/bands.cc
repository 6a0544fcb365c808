// Thresholds of the 2024 DORA clusters (see bands.h for how they are read).
#include "dora/bands.h"

namespace im::dora {

using std::chrono::days;
using std::chrono::hours;

std::string_view BandName(Band b) {
  switch (b) {
    case Band::kElite: return "elite";
    case Band::kHigh: return "high";
    case Band::kMedium: return "medium";
    case Band::kLow: return "low";
  }
  return "low";
}

Band DeploymentFrequencyBand(double per_day) {
  if (per_day >= 1.0) return Band::kElite;
  if (per_day >= 1.0 / 7) return Band::kHigh;
  if (per_day >= 1.0 / 30) return Band::kMedium;
  return Band::kLow;
}

Band LeadTimeBand(Duration median) {
  if (median < days(1)) return Band::kElite;
  if (median <= days(7)) return Band::kHigh;
  if (median <= days(30)) return Band::kMedium;
  return Band::kLow;
}

Band ChangeFailureRateBand(double rate) {
  if (rate <= 0.05) return Band::kElite;
  if (rate <= 0.20) return Band::kHigh;
  return Band::kLow;
}

Band TimeToRestoreBand(Duration median) {
  if (median < hours(1)) return Band::kElite;
  if (median < days(1)) return Band::kHigh;
  return Band::kLow;
}

}  // namespace im::dora

// DORA performance bands (elite / high / medium / low) from the latest published clusters: the
// 2024 Accelerate State of DevOps Report (DORA, Google Cloud, October 2024). The report gives
// each cluster's typical values, not cut-offs; the thresholds below read them as upper bounds:
//   deployment frequency  elite ≥ 1/day (on demand), high ≥ 1/week, medium ≥ 1/month, else low
//   lead time (median)    elite < 1 day, high ≤ 1 week, medium ≤ 1 month, else low
//   change failure rate   elite ≤ 5%, high ≤ 20%, else low
//   time to restore       elite < 1 hour, high < 1 day, else low
// In 2024 the medium cluster's change failure rate (10%) is lower than the high cluster's (20%)
// and both have a restore time under one day, so those two metrics cannot tell medium from high:
// they are banded high, and never medium. MTTA has no DORA band.
#pragma once

#include <optional>
#include <string_view>

#include "common/clock.h"

namespace im::dora {

enum class Band { kElite, kHigh, kMedium, kLow };
std::string_view BandName(Band b);  // "elite", "high", "medium", "low"

inline constexpr int kBandsReportYear = 2024;

Band DeploymentFrequencyBand(double deployments_per_day);
Band LeadTimeBand(Duration median);
Band ChangeFailureRateBand(double rate);  // 0..1
Band TimeToRestoreBand(Duration median);

}  // namespace im::dora

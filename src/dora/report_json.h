// A DoraReport as the JSON of GET /api/v1/metrics/dora and `im metrics dora --json`
// (docs/dora.md shows an example). Durations are seconds with microsecond precision.
#pragma once

#include "common/json.h"
#include "dora/metrics.h"

namespace im::dora {

json::object DurationSummaryToJson(const DurationSummary& s);
json::object ReportToJson(const DoraReport& r);

}  // namespace im::dora

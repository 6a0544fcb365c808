// A Report in each format. The same facts reach all of them (docs/reports.md):
// - JSON: one object (GET /api/v1/reports?format=json, `im report --format json`).
// - CSV: one table per file, RFC 4180 with CRLF (summary.csv with a `group` column for all,
//   severity, service and source; sla.csv, breaches.csv, responders.csv, weeks.csv,
//   incidents.csv, dora.csv).
// - HTML: one self-contained page with the charts as inline SVG.
// - PDF: A4 or Letter, drawn with cairo and pango (report_pdf.cc).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/error.h"
#include "common/json.h"
#include "report/report.h"

namespace im::report {

json::object ToJson(const Report& r);

// (file name, contents) for each table, in the order above.
std::vector<std::pair<std::string, std::string>> ToCsv(const Report& r);

std::string ToHtml(const Report& r);

Result<std::string> ToPdf(const Report& r);

}  // namespace im::report

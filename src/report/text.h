// A report as text in sections and tables, before any format: the HTML page and the PDF both
// lay out this, so they say the same things in the same order.
#pragma once

#include <string>
#include <vector>

#include "report/report.h"

namespace im::report {

struct TextTable {
  std::string caption;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<double> widths;  // relative column widths (PDF); empty: equal
};

struct Section {
  std::string title;
  std::vector<std::string> paragraphs;
  bool charts = false;  // the report's charts go here
  std::vector<TextTable> tables;
};

struct IncidentText {
  std::string heading;  // "INC-12 · SEV-1 · Checkout down"
  std::string facts;    // source, reference, times, SLA, responders, deployment
  std::vector<std::string> timeline;
};

struct ReportText {
  std::string title;      // "Incident report 2026-08-01 to 2026-08-31"
  std::string scope;      // "All services · all sources · Europe/Berlin"
  std::string generated;  // "Generated 2026-09-01T08:00:00Z by im"
  std::vector<Section> sections;
  std::vector<IncidentText> incidents;  // the appendix (query.timeline_limit of them)
  std::string not_listed;               // "1,234 more incidents are not listed ..." or ""
};

ReportText MakeText(const Report& r);

}  // namespace im::report

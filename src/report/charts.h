// The report's charts, drawn by im with cairo and pango: the same drawing goes into the PDF
// (report_pdf.cc) and, as SVG, into the HTML page. Black-and-white readable: series differ by
// grey level, dash and hatching as well as by colour, and every chart has a legend.
#pragma once

#include <cairo.h>

#include <string>
#include <vector>

#include "report/report.h"

namespace im::report {

struct Series {
  std::string name;
  std::vector<double> values;  // one per category; NaN: no value
};

struct Chart {
  enum class Kind { kLines, kStackedBars, kGroupedBars, kHorizontalBars };
  Kind kind = Kind::kLines;
  std::string title;
  std::string unit;  // of the values, shown on the axis ("hours", "incidents", "%")
  std::vector<std::string> categories;
  std::vector<Series> series;
};

// The four charts of a report: weekly MTTA and MTTR (hours), incidents by severity per week,
// SLA compliance per severity (%), on-call load per engineer (pages and on-call hours).
std::vector<Chart> ReportCharts(const Report& r);

// Draws `chart` in the rectangle (x, y, w, h) of `cr`, in points.
void DrawChart(cairo_t* cr, const Chart& chart, double x, double y, double w, double h);

// The chart as a standalone SVG document of w × h points.
std::string ChartSvg(const Chart& chart, double w, double h);

}  // namespace im::report

#include <cstdio>

#include "common/strings.h"
#include "common/time.h"
#include "dora/bands.h"
#include "report/charts.h"
#include "report/render.h"
#include "report/text.h"

namespace im::report {
namespace {

void HtmlTable(std::string& out, const TextTable& t) {
  out += "<table><thead><tr>";
  for (const auto& h : t.header) out += "<th>" + HtmlEscape(h) + "</th>";
  out += "</tr></thead><tbody>";
  for (const auto& row : t.rows) {
    out += "<tr>";
    for (const auto& cell : row) out += "<td>" + HtmlEscape(cell) + "</td>";
    out += "</tr>";
  }
  if (t.rows.empty()) {
    out += "<tr><td colspan=\"" + std::to_string(t.header.size()) + "\">none</td></tr>";
  }
  out += "</tbody></table>\n";
}

std::string InlineSvg(const Chart& c) {
  std::string svg = ChartSvg(c, 480, 220);
  if (auto start = svg.find("<svg"); start != std::string::npos) svg.erase(0, start);
  return svg;
}

}  // namespace

std::string ToHtml(const Report& r) {
  ReportText t = MakeText(r);
  std::string out =
      "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width\">"
      "<title>" +
      HtmlEscape(t.title) +
      "</title><style>"
      "body{font-family:'DejaVu Sans',sans-serif;margin:2em auto;max-width:60em;color:#111}"
      "table{border-collapse:collapse;margin:.5em 0 1.5em;font-size:.85em}"
      "th,td{border:1px solid #999;padding:.2em .5em;text-align:left;vertical-align:top}"
      "th{background:#eee}.charts{display:flex;flex-wrap:wrap;gap:1em}"
      ".charts svg{border:1px solid #ccc}ol.timeline{font-size:.8em;margin:0}"
      "</style></head><body>\n";
  out += "<h1>" + HtmlEscape(t.title) + "</h1>\n<p>" + HtmlEscape(t.scope) + "<br>" +
         HtmlEscape(t.generated) + "</p>\n";
  for (const auto& section : t.sections) {
    out += "<h2>" + HtmlEscape(section.title) + "</h2>\n";
    for (const auto& p : section.paragraphs) out += "<p>" + HtmlEscape(p) + "</p>\n";
    if (section.charts) {
      out += "<div class=\"charts\">";
      for (const auto& c : ReportCharts(r)) out += InlineSvg(c);
      out += "</div>\n";
    }
    for (const auto& table : section.tables) {
      if (!table.caption.empty()) out += "<h3>" + HtmlEscape(table.caption) + "</h3>\n";
      HtmlTable(out, table);
    }
  }
  out += "<h2>Appendix B: incident timelines</h2>\n";
  for (const auto& inc : t.incidents) {
    out += "<h3>" + HtmlEscape(inc.heading) + "</h3>\n<p>" + HtmlEscape(inc.facts) +
           "</p>\n<ol class=\"timeline\">";
    for (const auto& line : inc.timeline) out += "<li>" + HtmlEscape(line) + "</li>";
    out += "</ol>\n";
  }
  if (!t.not_listed.empty()) out += "<p>" + HtmlEscape(t.not_listed) + "</p>\n";
  out += "</body></html>\n";
  return out;
}

}  // namespace im::report

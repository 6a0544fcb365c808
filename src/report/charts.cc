#include "report/charts.h"

#include <cairo-svg.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace im::report {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Grey levels and dashes that stay apart when printed in black and white.
struct Style {
  double grey;
  double dash;  // 0: solid
  bool hatch;
};
constexpr Style kStyles[] = {
    {0.10, 0, false}, {0.55, 4, true}, {0.78, 1.5, false}, {0.35, 7, true}};

const Style& StyleOf(size_t i) { return kStyles[i % std::size(kStyles)]; }

void ChartText(cairo_t* cr, const std::string& text, double x, double y, double size,
               bool bold = false, double align = 0, double max_width = 0) {
  PangoLayout* layout = pango_cairo_create_layout(cr);
  PangoFontDescription* font = pango_font_description_from_string("DejaVu Sans");
  pango_font_description_set_absolute_size(font, size * PANGO_SCALE);
  if (bold) pango_font_description_set_weight(font, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description(layout, font);
  pango_layout_set_text(layout, text.c_str(), -1);
  if (max_width > 0) {
    pango_layout_set_width(layout, static_cast<int>(max_width * PANGO_SCALE));
    pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_END);
  }
  int w = 0, h = 0;
  pango_layout_get_size(layout, &w, &h);
  cairo_move_to(cr, x - align * w / PANGO_SCALE, y);
  pango_cairo_show_layout(cr, layout);
  pango_font_description_free(font);
  g_object_unref(layout);
}

void ChartFill(cairo_t* cr, const Style& s, double x, double y, double w, double h) {
  cairo_rectangle(cr, x, y, w, h);
  cairo_set_source_rgb(cr, s.grey, s.grey, s.grey);
  cairo_fill_preserve(cr);
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_set_line_width(cr, 0.5);
  cairo_stroke(cr);
  if (!s.hatch || w < 2 || h < 2) return;
  cairo_save(cr);
  cairo_rectangle(cr, x, y, w, h);
  cairo_clip(cr);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_set_line_width(cr, 0.6);
  for (double d = -h; d < w; d += 4) {
    cairo_move_to(cr, x + d, y + h);
    cairo_line_to(cr, x + d + h, y);
  }
  cairo_stroke(cr);
  cairo_restore(cr);
}

double NiceMax(double v) {
  if (!(v > 0)) return 1;
  double p = std::pow(10, std::floor(std::log10(v)));
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (v <= m * p) return m * p;
  }
  return 10 * p;
}

std::string ChartNumber(double v) {
  char buf[32];
  if (v >= 100 || v == std::floor(v)) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f", v);
  }
  return buf;
}

double ChartHours(const std::optional<Duration>& d) {
  return d ? std::chrono::duration<double, std::ratio<3600>>(*d).count() : kNaN;
}

cairo_status_t AppendTo(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

std::vector<Chart> ReportCharts(const Report& r) {
  std::vector<Chart> out;
  Chart trend{.kind = Chart::Kind::kLines, .title = "Weekly MTTA and MTTR (mean)", .unit = "hours"};
  Chart sev{.kind = Chart::Kind::kStackedBars,
            .title = "Incidents by severity per week",
            .unit = "incidents"};
  Series mtta{"MTTA", {}}, mttr{"MTTR", {}};
  std::vector<Series> by_sev;
  for (int s = 0; s < 4; ++s) {
    by_sev.push_back({std::string(core::SeverityName(static_cast<core::Severity>(s + 1))), {}});
  }
  for (const auto& w : r.weeks) {
    std::string label = w.label.substr(w.label.find('W'));
    trend.categories.push_back(label);
    sev.categories.push_back(label);
    mtta.values.push_back(ChartHours(w.mtta.mean));
    mttr.values.push_back(ChartHours(w.mttr.mean));
    for (int s = 0; s < 4; ++s) by_sev[s].values.push_back(static_cast<double>(w.by_severity[s]));
  }
  trend.series = {mtta, mttr};
  sev.series = by_sev;
  out.push_back(std::move(trend));
  out.push_back(std::move(sev));

  Chart sla{.kind = Chart::Kind::kGroupedBars, .title = "SLA compliance per severity", .unit = "%"};
  Series ack{"acknowledge", {}}, resolve{"resolve", {}};
  for (const auto& s : r.sla) {
    sla.categories.emplace_back(core::SeverityName(s.severity));
    auto a = s.AckCompliance(), v = s.ResolveCompliance();
    ack.values.push_back(a ? *a * 100 : kNaN);
    resolve.values.push_back(v ? *v * 100 : kNaN);
  }
  sla.series = {ack, resolve};
  out.push_back(std::move(sla));

  Chart load{.kind = Chart::Kind::kHorizontalBars,
             .title = "On-call load per engineer",
             .unit = "pages; on-call hours / 10"};
  Series pages{"pages", {}}, hours{"on-call hours / 10", {}};
  size_t shown = 0;
  for (const auto& p : r.responders) {
    if (shown++ == 12) break;  // the busiest twelve; the table lists everyone
    load.categories.push_back(p.who.substr(0, p.who.find('@')));
    pages.values.push_back(static_cast<double>(p.pages));
    hours.values.push_back(ChartHours(p.oncall.Total()) / 10);
  }
  load.series = {pages, hours};
  out.push_back(std::move(load));
  return out;
}

void DrawChart(cairo_t* cr, const Chart& c, double x, double y, double w, double h) {
  cairo_save(cr);
  cairo_set_source_rgb(cr, 0, 0, 0);
  ChartText(cr, c.title, x, y, 9, true, 0, w);
  // Legend, right under the title.
  double lx = x;
  for (size_t i = 0; i < c.series.size(); ++i) {
    const Style& s = StyleOf(i);
    if (c.kind == Chart::Kind::kLines) {
      cairo_set_line_width(cr, 1.5);
      if (s.dash > 0) {
        double d[] = {s.dash, s.dash};
        cairo_set_dash(cr, d, 2, 0);
      }
      cairo_set_source_rgb(cr, s.grey, s.grey, s.grey);
      cairo_move_to(cr, lx, y + 19);
      cairo_line_to(cr, lx + 14, y + 19);
      cairo_stroke(cr);
      cairo_set_dash(cr, nullptr, 0, 0);
    } else {
      ChartFill(cr, s, lx, y + 15, 10, 8);
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    ChartText(cr, c.series[i].name, lx + 16, y + 13, 7.5);
    lx += 24 + 5.2 * static_cast<double>(c.series[i].name.size());
  }
  const bool horizontal = c.kind == Chart::Kind::kHorizontalBars;
  double left = x + (horizontal ? 80 : 34), top = y + 32, right = x + w - 6, bottom = y + h - 16;
  if (c.categories.empty()) {
    ChartText(cr, "no data in this period", x + w / 2, top + (bottom - top) / 2 - 6, 8, false, 0.5);
    cairo_restore(cr);
    return;
  }
  double max = 0;
  for (size_t k = 0; k < c.categories.size(); ++k) {
    double stack = 0;
    for (const auto& s : c.series) {
      double v = k < s.values.size() ? s.values[k] : kNaN;
      if (std::isnan(v)) continue;
      if (c.kind == Chart::Kind::kStackedBars) {
        stack += v;
      } else {
        max = std::max(max, v);
      }
    }
    max = std::max(max, stack);
  }
  max = c.unit == "%" ? 100 : NiceMax(max);
  // Axes and grid: four steps.
  cairo_set_line_width(cr, 0.4);
  for (int g = 0; g <= 4; ++g) {
    double v = max * g / 4;
    cairo_set_source_rgb(cr, 0.8, 0.8, 0.8);
    if (horizontal) {
      double gx = left + (right - left) * g / 4;
      cairo_move_to(cr, gx, top);
      cairo_line_to(cr, gx, bottom);
      cairo_stroke(cr);
      cairo_set_source_rgb(cr, 0, 0, 0);
      ChartText(cr, ChartNumber(v), gx, bottom + 2, 6.5, false, 0.5);
    } else {
      double gy = bottom - (bottom - top) * g / 4;
      cairo_move_to(cr, left, gy);
      cairo_line_to(cr, right, gy);
      cairo_stroke(cr);
      cairo_set_source_rgb(cr, 0, 0, 0);
      ChartText(cr, ChartNumber(v), left - 3, gy - 4, 6.5, false, 1);
    }
  }
  ChartText(cr, c.unit, horizontal ? right : x, horizontal ? bottom + 9 : top - 11, 6.5, false,
            horizontal ? 1 : 0);
  const size_t n = c.categories.size();
  const double band = (horizontal ? bottom - top : right - left) / static_cast<double>(n);
  // Category labels: every one when they fit, else every k-th.
  size_t every = std::max<size_t>(1, static_cast<size_t>(std::ceil(28.0 / std::max(band, 1.0))));
  for (size_t k = 0; k < n; ++k) {
    if (!horizontal && k % every != 0) continue;
    if (horizontal) {
      ChartText(cr, c.categories[k], left - 3, top + band * (static_cast<double>(k) + 0.5) - 4, 6.5,
                false, 1, 76);
    } else {
      ChartText(cr, c.categories[k], left + band * (static_cast<double>(k) + 0.5), bottom + 2, 6.5,
                false, 0.5);
    }
  }
  auto scale = [&](double v) { return v / max; };
  switch (c.kind) {
    case Chart::Kind::kLines:
      for (size_t i = 0; i < c.series.size(); ++i) {
        const Style& s = StyleOf(i);
        cairo_set_source_rgb(cr, s.grey, s.grey, s.grey);
        cairo_set_line_width(cr, 1.5);
        if (s.dash > 0) {
          double d[] = {s.dash, s.dash};
          cairo_set_dash(cr, d, 2, 0);
        }
        bool pen = false;
        for (size_t k = 0; k < n && k < c.series[i].values.size(); ++k) {
          double v = c.series[i].values[k];
          if (std::isnan(v)) {
            pen = false;
            continue;
          }
          double px = left + band * (static_cast<double>(k) + 0.5);
          double py = bottom - (bottom - top) * scale(v);
          if (pen) {
            cairo_line_to(cr, px, py);
          } else {
            cairo_move_to(cr, px, py);
          }
          pen = true;
        }
        cairo_stroke(cr);
        cairo_set_dash(cr, nullptr, 0, 0);
        for (size_t k = 0; k < n && k < c.series[i].values.size(); ++k) {  // markers
          double v = c.series[i].values[k];
          if (std::isnan(v)) continue;
          double px = left + band * (static_cast<double>(k) + 0.5);
          double py = bottom - (bottom - top) * scale(v);
          if (i % 2 == 0) {
            cairo_arc(cr, px, py, 1.8, 0, 2 * M_PI);
          } else {
            cairo_rectangle(cr, px - 1.8, py - 1.8, 3.6, 3.6);
          }
          cairo_fill(cr);
        }
      }
      break;
    case Chart::Kind::kStackedBars:
      for (size_t k = 0; k < n; ++k) {
        double base = 0;
        for (size_t i = 0; i < c.series.size(); ++i) {
          double v = k < c.series[i].values.size() ? c.series[i].values[k] : kNaN;
          if (std::isnan(v) || v <= 0) continue;
          double y0 = bottom - (bottom - top) * scale(base + v);
          double hh = (bottom - top) * scale(v);
          ChartFill(cr, StyleOf(i), left + band * static_cast<double>(k) + band * 0.15, y0,
                    band * 0.7, hh);
          base += v;
        }
      }
      break;
    case Chart::Kind::kGroupedBars:
    case Chart::Kind::kHorizontalBars: {
      const double m = static_cast<double>(std::max<size_t>(1, c.series.size()));
      for (size_t k = 0; k < n; ++k) {
        for (size_t i = 0; i < c.series.size(); ++i) {
          double v = k < c.series[i].values.size() ? c.series[i].values[k] : kNaN;
          double slot = band * 0.8 / m;
          double off = band * static_cast<double>(k) + band * 0.1 + slot * static_cast<double>(i);
          if (std::isnan(v)) {
            cairo_set_source_rgb(cr, 0, 0, 0);
            if (!horizontal)
              ChartText(cr, "n/a", left + off + slot / 2, bottom - 10, 5.5, false, 0.5);
            continue;
          }
          if (horizontal) {
            ChartFill(cr, StyleOf(i), left, top + off, (right - left) * scale(v), slot);
          } else {
            double hh = (bottom - top) * scale(v);
            ChartFill(cr, StyleOf(i), left + off, bottom - hh, slot, hh);
          }
        }
      }
      break;
    }
  }
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_set_line_width(cr, 0.8);
  cairo_move_to(cr, left, top);
  cairo_line_to(cr, left, bottom);
  cairo_line_to(cr, right, bottom);
  cairo_stroke(cr);
  cairo_restore(cr);
}

std::string ChartSvg(const Chart& chart, double w, double h) {
  std::string svg;
  cairo_surface_t* surface = cairo_svg_surface_create_for_stream(AppendTo, &svg, w, h);
  cairo_t* cr = cairo_create(surface);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  DrawChart(cr, chart, 4, 4, w - 8, h - 8);
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  cairo_surface_destroy(surface);
  return svg;
}

}  // namespace im::report

#if defined(__SANITIZE_ADDRESS__)
// fontconfig keeps its configuration and font patterns for the life of the process (pango
// loads them on first use); LeakSanitizer reports them at exit. They are not im's.
extern "C" const char* __lsan_default_suppressions() { return "leak:libfontconfig.so\n"; }
#endif

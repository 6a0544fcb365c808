// The PDF: a title page with the period, scope and contents, then the sections of
// report/text.h with the charts, then the incident timelines as an appendix. Laid out twice:
// the first pass learns on which page each section starts and how many pages there are, the
// second draws with that in the contents and the footers. cairo embeds the fonts (subsets)
// and pango's text stays selectable.
#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include <map>

#include "report/charts.h"
#include "report/render.h"
#include "report/text.h"

namespace im::report {
namespace {

constexpr double kMargin = 48;

struct Paper {
  double w, h;
};

Paper PaperOf(const std::string& name) {
  if (name == "letter") return {612, 792};
  return {595.28, 841.89};  // A4
}

cairo_status_t Collect(void* closure, const unsigned char* data, unsigned int length) {
  if (closure)
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

class Layout {
 public:
  Layout(cairo_surface_t* surface, Paper paper, bool final_pass, int total_pages,
         std::map<std::string, int>* starts)
      : surface_(surface),
        cr_(cairo_create(surface)),
        paper_(paper),
        final_(final_pass),
        total_(total_pages),
        starts_(starts) {
    y_ = kMargin;
  }
  ~Layout() { cairo_destroy(cr_); }
  Layout(const Layout&) = delete;
  Layout& operator=(const Layout&) = delete;

  int pages() const { return page_; }
  double width() const { return paper_.w - 2 * kMargin; }
  cairo_t* cr() { return cr_; }

  // Measures (and, when `draw`, draws at x, y) `text` wrapped to `w`; returns its height.
  double TextBlock(const std::string& text, double x, double y, double w, double size, bool bold,
                   bool draw) {
    PangoLayout* layout = pango_cairo_create_layout(cr_);
    PangoFontDescription* font = pango_font_description_from_string("DejaVu Sans");
    pango_font_description_set_absolute_size(font, size * PANGO_SCALE);
    if (bold) pango_font_description_set_weight(font, PANGO_WEIGHT_BOLD);
    pango_layout_set_font_description(layout, font);
    pango_layout_set_width(layout, static_cast<int>(w * PANGO_SCALE));
    pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_text(layout, text.c_str(), -1);
    int pw = 0, ph = 0;
    pango_layout_get_size(layout, &pw, &ph);
    if (draw) {
      cairo_set_source_rgb(cr_, 0, 0, 0);
      cairo_move_to(cr_, x, y);
      pango_cairo_show_layout(cr_, layout);
    }
    pango_font_description_free(font);
    g_object_unref(layout);
    return static_cast<double>(ph) / PANGO_SCALE;
  }

  void NewPage() {
    Footer();
    cairo_show_page(cr_);
    ++page_;
    y_ = kMargin;
  }
  void Ensure(double h) {
    if (y_ + h > paper_.h - kMargin - 14) NewPage();
  }
  void Gap(double h) { y_ += h; }

  void Heading(const std::string& text, double size, bool outline) {
    Ensure(size * 3);
    if (outline && starts_ && !final_) (*starts_)[text] = page_;
    if (outline && final_) {
      std::string dest = "page=" + std::to_string(page_) + " pos=[0 " + std::to_string(y_) + "]";
      cairo_pdf_surface_add_outline(surface_, CAIRO_PDF_OUTLINE_ROOT, text.c_str(), dest.c_str(),
                                    CAIRO_PDF_OUTLINE_FLAG_OPEN);
    }
    y_ += TextBlock(text, kMargin, y_, width(), size, true, true) + size * 0.4;
  }

  void Paragraph(const std::string& text, double size = 8.5) {
    double h = TextBlock(text, kMargin, y_, width(), size, false, false);
    Ensure(h);
    TextBlock(text, kMargin, y_, width(), size, false, true);
    y_ += h + 6;
  }

  void Table(const TextTable& t) {
    const double size = 7;
    const double pad = 2.5;
    std::vector<double> widths = t.widths;
    if (widths.size() != t.header.size()) widths.assign(t.header.size(), 1);
    double sum = 0;
    for (double w : widths) sum += w;
    for (double& w : widths) w = w / sum * width();
    auto row_height = [&](const std::vector<std::string>& cells, bool bold) {
      double h = 0;
      for (size_t c = 0; c < cells.size() && c < widths.size(); ++c) {
        h = std::max(h, TextBlock(cells[c], 0, 0, widths[c] - 2 * pad, size, bold, false));
      }
      return h + 2 * pad;
    };
    auto draw_row = [&](const std::vector<std::string>& cells, bool bold, double h) {
      double x = kMargin;
      if (bold) {
        cairo_set_source_rgb(cr_, 0.9, 0.9, 0.9);
        cairo_rectangle(cr_, kMargin, y_, width(), h);
        cairo_fill(cr_);
      }
      for (size_t c = 0; c < cells.size() && c < widths.size(); ++c) {
        TextBlock(cells[c], x + pad, y_ + pad, widths[c] - 2 * pad, size, bold, true);
        x += widths[c];
      }
      cairo_set_source_rgb(cr_, 0.6, 0.6, 0.6);
      cairo_set_line_width(cr_, 0.4);
      cairo_move_to(cr_, kMargin, y_ + h);
      cairo_line_to(cr_, kMargin + width(), y_ + h);
      cairo_stroke(cr_);
      y_ += h;
    };
    const double header_h = row_height(t.header, true);
    if (!t.caption.empty()) {
      Ensure(header_h + 30);
      y_ += TextBlock(t.caption, kMargin, y_, width(), 8.5, true, true) + 3;
    }
    Ensure(header_h * 2);
    draw_row(t.header, true, header_h);
    if (t.rows.empty()) {
      std::vector<std::string> none(t.header.size());
      none[0] = "none";
      draw_row(none, false, row_height(none, false));
    }
    for (const auto& row : t.rows) {
      double h = row_height(row, false);
      if (y_ + h > paper_.h - kMargin - 14) {  // split: the header again on the next page
        NewPage();
        draw_row(t.header, true, header_h);
      }
      draw_row(row, false, h);
    }
    y_ += 10;
  }

  void Charts(const std::vector<Chart>& charts) {
    const double w = (width() - 12) / 2, h = 190;
    for (size_t i = 0; i < charts.size(); ++i) {
      if (i % 2 == 0) Ensure(h + 6);
      double x = kMargin + (i % 2 == 0 ? 0 : w + 12);
      DrawChart(cr_, charts[i], x, y_, w, h);
      if (i % 2 == 1 || i + 1 == charts.size()) y_ += h + 10;
    }
  }

  void Footer() {
    if (page_ == 1) return;  // the title page has none
    std::string text =
        "Page " + std::to_string(page_) + (total_ ? " of " + std::to_string(total_) : "");
    TextBlock(text, kMargin, paper_.h - kMargin + 10, width(), 7, false, true);
  }

  void Finish() { Footer(); }

  double y_ = 0;

 private:
  cairo_surface_t* surface_;
  cairo_t* cr_;
  Paper paper_;
  bool final_;
  int total_;
  std::map<std::string, int>* starts_;
  int page_ = 1;
};

// One pass over the whole document.
int Lay(cairo_surface_t* surface, const Report& r, const ReportText& t, Paper paper,
        bool final_pass, int total, std::map<std::string, int>& starts) {
  Layout l(surface, paper, final_pass, total, &starts);
  // Title page.
  l.Gap(150);
  l.Heading(t.title, 22, false);
  l.Paragraph(t.scope, 10);
  l.Paragraph(t.generated, 9);
  l.Gap(30);
  l.Heading("Contents", 13, false);
  std::vector<std::string> entries;
  for (const auto& s : t.sections) entries.push_back(s.title);
  entries.emplace_back("Appendix B: incident timelines");
  for (const auto& e : entries) {
    auto it = starts.find(e);
    l.Paragraph(e + (it != starts.end() ? "  ....  page " + std::to_string(it->second) : ""), 10);
  }
  l.NewPage();
  for (const auto& s : t.sections) {
    if (s.title.starts_with("Appendix")) l.NewPage();
    l.Heading(s.title, 14, true);
    for (const auto& p : s.paragraphs) l.Paragraph(p);
    if (s.charts) l.Charts(ReportCharts(r));
    for (const auto& table : s.tables) l.Table(table);
  }
  l.NewPage();
  l.Heading("Appendix B: incident timelines", 14, true);
  if (t.incidents.empty()) l.Paragraph("No incidents in the period.");
  for (const auto& inc : t.incidents) {
    l.Ensure(40);
    l.y_ += l.TextBlock(inc.heading, kMargin, l.y_, l.width(), 9, true, true) + 2;
    l.Paragraph(inc.facts, 7.5);
    for (const auto& line : inc.timeline) {
      double h = l.TextBlock(line, kMargin + 10, l.y_, l.width() - 10, 7, false, false);
      l.Ensure(h);
      l.TextBlock(line, kMargin + 10, l.y_, l.width() - 10, 7, false, true);
      l.y_ += h + 1;
    }
    l.Gap(6);
  }
  if (!t.not_listed.empty()) l.Paragraph(t.not_listed);
  l.Finish();
  return l.pages();
}

}  // namespace

Result<std::string> ToPdf(const Report& r) {
  ReportText t = MakeText(r);
  Paper paper = PaperOf(r.query.paper);
  std::map<std::string, int> starts;
  int pages = 0;
  {
    cairo_surface_t* counting =
        cairo_pdf_surface_create_for_stream(Collect, nullptr, paper.w, paper.h);
    pages = Lay(counting, r, t, paper, false, 0, starts);
    cairo_surface_finish(counting);
    cairo_surface_destroy(counting);
  }
  std::string pdf;
  cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(Collect, &pdf, paper.w, paper.h);
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, t.title.c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "im");
  Lay(surface, r, t, paper, true, pages, starts);
  cairo_surface_finish(surface);
  cairo_status_t status = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  if (status != CAIRO_STATUS_SUCCESS) {
    return Fail(ErrorCode::kInternal,
                std::string("drawing the PDF failed: ") + cairo_status_to_string(status));
  }
  return pdf;
}

}  // namespace im::report

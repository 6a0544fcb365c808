// The PDF: a title page with the period, scope and contents, then the sections of
// report/text.h with the charts, then the incident timelines as an appendix. Laid out twice:
// the first pass (which measures, draws nothing, and stops where the timelines begin) learns
// on which page each section starts; the second draws with that in the contents. cairo embeds the
// fonts (subsets) and pango's text stays selectable.
#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include <map>
#include <unordered_map>

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
  Layout(cairo_surface_t* surface, Paper paper, bool final_pass, std::map<std::string, int>* starts)
      : surface_(surface),
        cr_(cairo_create(surface)),
        paper_(paper),
        final_(final_pass),
        starts_(starts),
        regular_(pango_font_description_from_string("DejaVu Sans")),
        bold_(pango_font_description_from_string("DejaVu Sans Bold")) {
    y_ = kMargin;
  }
  ~Layout() {
    for (auto& [key, layout] : shared_) g_object_unref(layout);
    pango_font_description_free(regular_);
    pango_font_description_free(bold_);
    cairo_destroy(cr_);
  }
  Layout(const Layout&) = delete;
  Layout& operator=(const Layout&) = delete;

  int pages() const { return page_; }
  double width() const { return paper_.w - 2 * kMargin; }
  cairo_t* cr() { return cr_; }

  // A layout of `text` wrapped to `w` (free it with g_object_unref), and its height.
  PangoLayout* Make(const std::string& text, double w, double size, bool bold) {
    PangoLayout* layout = pango_cairo_create_layout(cr_);
    PangoFontDescription* font = bold ? bold_ : regular_;
    pango_font_description_set_absolute_size(font, size * PANGO_SCALE);
    pango_layout_set_font_description(layout, font);
    pango_layout_set_width(layout, static_cast<int>(w * PANGO_SCALE));
    pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_text(layout, text.c_str(), -1);
    return layout;
  }
  // A short text laid out once per pass and drawn wherever it recurs (table cells: severities,
  // clocks, policies, targets repeat thousands of times in a big report). Owned by the cache.
  PangoLayout* Shared(const std::string& text, double w, double size, bool bold) {
    std::string key = text + '\x1f' + std::to_string(static_cast<int>(w * 10)) + '\x1f' +
                      std::to_string(static_cast<int>(size * 10)) + (bold ? "b" : "r");
    auto [it, added] = shared_.try_emplace(std::move(key), nullptr);
    if (added) it->second = Make(text, w, size, bold);
    return it->second;
  }
  static double Height(PangoLayout* layout) {
    int pw = 0, ph = 0;
    pango_layout_get_size(layout, &pw, &ph);
    return static_cast<double>(ph) / PANGO_SCALE;
  }
  // Draws only in the final pass: the first one needs the sizes, not the glyphs.
  void Show(PangoLayout* layout, double x, double y) {
    if (!final_) return;
    cairo_set_source_rgb(cr_, 0, 0, 0);
    cairo_move_to(cr_, x, y);
    pango_cairo_show_layout(cr_, layout);
  }

  // Measures (and, when `draw`, draws at x, y) `text` wrapped to `w`; returns its height.
  double TextBlock(const std::string& text, double x, double y, double w, double size, bool bold,
                   bool draw) {
    PangoLayout* layout = Make(text, w, size, bold);
    double h = Height(layout);
    if (draw) Show(layout, x, y);
    g_object_unref(layout);
    return h;
  }

  // `text` at the left margin (+ indent), on a new page when it does not fit on this one.
  void Flow(const std::string& text, double indent, double size, bool bold, double after) {
    PangoLayout* layout = Make(text, width() - indent, size, bold);
    double h = Height(layout);
    Ensure(h);
    Show(layout, kMargin + indent, y_);
    g_object_unref(layout);
    y_ += h + after;
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

  void Paragraph(const std::string& text, double size = 8.5) { Flow(text, 0, size, false, 6); }

  void Table(const TextTable& t) {
    const double size = 7;
    const double pad = 2.5;
    std::vector<double> widths = t.widths;
    if (widths.size() != t.header.size()) widths.assign(t.header.size(), 1);
    double sum = 0;
    for (double w : widths) sum += w;
    for (double& w : widths) w = w / sum * width();
    struct Row {
      std::vector<PangoLayout*> cells;
      std::vector<bool> owned;  // false: from the shared cache
      double h = 0;
    };
    auto lay_row = [&](const std::vector<std::string>& cells, bool bold) {
      Row r;
      for (size_t c = 0; c < cells.size() && c < widths.size(); ++c) {
        const bool shared = cells[c].size() <= 24;
        r.cells.push_back(shared ? Shared(cells[c], widths[c] - 2 * pad, size, bold)
                                 : Make(cells[c], widths[c] - 2 * pad, size, bold));
        r.owned.push_back(!shared);
        r.h = std::max(r.h, Height(r.cells.back()));
      }
      r.h += 2 * pad;
      return r;
    };
    auto free_row = [](Row& r) {
      for (size_t c = 0; c < r.cells.size(); ++c) {
        if (r.owned[c]) g_object_unref(r.cells[c]);
      }
      r.cells.clear();
    };
    auto draw_row = [&](const Row& r, bool bold) {
      if (final_) {
        if (bold) {
          cairo_set_source_rgb(cr_, 0.9, 0.9, 0.9);
          cairo_rectangle(cr_, kMargin, y_, width(), r.h);
          cairo_fill(cr_);
        }
        double x = kMargin;
        for (size_t c = 0; c < r.cells.size(); ++c) {
          Show(r.cells[c], x + pad, y_ + pad);
          x += widths[c];
        }
        cairo_set_source_rgb(cr_, 0.6, 0.6, 0.6);
        cairo_set_line_width(cr_, 0.4);
        cairo_move_to(cr_, kMargin, y_ + r.h);
        cairo_line_to(cr_, kMargin + width(), y_ + r.h);
        cairo_stroke(cr_);
      }
      y_ += r.h;
    };
    Row header = lay_row(t.header, true);
    if (!t.caption.empty()) {
      Ensure(header.h + 30);
      y_ += TextBlock(t.caption, kMargin, y_, width(), 8.5, true, true) + 3;
    }
    Ensure(header.h * 2);
    draw_row(header, true);
    if (t.rows.empty()) {
      std::vector<std::string> none(t.header.size());
      none[0] = "none";
      Row r = lay_row(none, false);
      draw_row(r, false);
      free_row(r);
    }
    for (const auto& cells : t.rows) {
      Row r = lay_row(cells, false);
      if (y_ + r.h > paper_.h - kMargin - 14) {  // split: the header again on the next page
        NewPage();
        draw_row(header, true);
      }
      draw_row(r, false);
      free_row(r);
    }
    free_row(header);
    y_ += 10;
  }

  void Charts(const std::vector<Chart>& charts) {
    const double w = (width() - 12) / 2, h = 190;
    for (size_t i = 0; i < charts.size(); ++i) {
      if (i % 2 == 0) Ensure(h + 6);
      double x = kMargin + (i % 2 == 0 ? 0 : w + 12);
      if (final_) DrawChart(cr_, charts[i], x, y_, w, h);
      if (i % 2 == 1 || i + 1 == charts.size()) y_ += h + 10;
    }
  }

  void Footer() {
    if (page_ == 1) return;  // the title page has none
    std::string text = "Page " + std::to_string(page_);
    TextBlock(text, kMargin, paper_.h - kMargin + 10, width(), 7, false, true);
  }

  void Finish() { Footer(); }

  double y_ = 0;

 private:
  cairo_surface_t* surface_;
  cairo_t* cr_;
  Paper paper_;
  bool final_;
  std::map<std::string, int>* starts_;
  PangoFontDescription* regular_;
  PangoFontDescription* bold_;
  std::unordered_map<std::string, PangoLayout*> shared_;
  int page_ = 1;
};

// One pass over the whole document.
int Lay(cairo_surface_t* surface, const Report& r, const ReportText& t, Paper paper,
        bool final_pass, std::map<std::string, int>& starts) {
  Layout l(surface, paper, final_pass, &starts);
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
  if (!final_pass) {
    // The first pass learns where each section starts; the appendix starts here and lays out
    // the same either way, so it is laid out once (most of a big report's text is in it).
    starts["Appendix B: incident timelines"] = l.pages();
    return l.pages();
  }
  l.Heading("Appendix B: incident timelines", 14, true);
  if (t.incidents.empty()) l.Paragraph("No incidents in the period.");
  for (const auto& inc : t.incidents) {
    l.Ensure(40);
    l.y_ += l.TextBlock(inc.heading, kMargin, l.y_, l.width(), 9, true, true) + 2;
    l.Paragraph(inc.facts, 7.5);
    for (const auto& line : inc.timeline) l.Flow(line, 10, 7, false, 1);
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
  {
    cairo_surface_t* counting =
        cairo_pdf_surface_create_for_stream(Collect, nullptr, paper.w, paper.h);
    Lay(counting, r, t, paper, false, starts);
    cairo_surface_finish(counting);
    cairo_surface_destroy(counting);
  }
  std::string pdf;
  cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(Collect, &pdf, paper.w, paper.h);
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, t.title.c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "im");
  Lay(surface, r, t, paper, true, starts);
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

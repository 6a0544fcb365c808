// `im report` on the real binary over the hand-computed data set (tests/report/report_data.h):
// the numbers in the JSON, the CSV tables and the PDF's text (pdftotext), the PDF's pages
// rendered (pdftoppm) with non-blank charts, page 1 against a reference image with a tolerance,
// the seed's command as written, and bad parameters refused.
//
// The reference image is tests/testdata/report/page1.png; after a deliberate change of the
// title page, run this test with IM_UPDATE_REFERENCE=1 to write it again, and look at it.
#include <cairo.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/json.h"
#include "common/time.h"
#include "fakes/deadline.h"
#include "fakes/fake_clock.h"
#include "fakes/process.h"
#include "fakes/temp_dir.h"
#include "fakes/test_backend.h"
#include "report/report_data.h"
#include "store/open.h"

namespace im::cli {
namespace {

namespace fs = std::filesystem;

std::string RcQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string RcSlurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path ReferenceDir() {
  const char* src = std::getenv("IM_SOURCE_DIR");
  return fs::path(src ? src : IM_TEST_SOURCE_DIR) / "tests" / "testdata" / "report";
}

struct RcRun {
  int code = -1;
  std::string out, err;
};

class ReportCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The data directory's SQLite database, or the test's PostgreSQL one in the pg. run.
    im::testing::FakeClock clock(*ParseTime("2026-01-01"));
    auto db = store::Open(im::testing::TestDatabaseAddress(data() + "/im.db"), {}, clock);
    ASSERT_TRUE(db) << db.error().message;
    auto ok = db->main->Transact([&](store::Tx& tx) -> Result<void> {
      for (auto& i : im::testing::HandReportIncidents()) {
        for (const auto& s : i.services) {
          if (auto e = tx.EnsureService(s, i.created_at); !e) return std::unexpected(e.error());
        }
        i.number = 0;
        i.updated_at = i.resolved_at.value_or(i.created_at);
        if (auto n = tx.InsertIncident(i); !n) return std::unexpected(n.error());
      }
      return Ok();
    });
    ASSERT_TRUE(ok) << ok.error().message;
  }

  std::string data() {
    fs::create_directories(dir_.path() / "data");
    return (dir_.path() / "data").string();
  }

  // Runs `im --data-dir DATA ARGS` in the test's directory.
  RcRun Im(const std::string& args) {
    std::string out = dir_.File("out"), err = dir_.File("err");
    std::string cmd = "cd " + RcQuote(dir_.path().string()) +
                      " && env -u IM_DATA_DIR -u IM_CONFIG HOME=" + RcQuote(dir_.path().string()) +
                      " " + RcQuote(im::testing::ImBinary()) + " --data-dir " + RcQuote(data()) +
                      " " + args + " >" + RcQuote(out) + " 2>" + RcQuote(err) + " </dev/null";
    int status = im::testing::SystemWithDeadline(cmd);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, RcSlurp(out), RcSlurp(err)};
  }

  // Runs a shell command in the test's directory; its standard output.
  std::string Sh(const std::string& cmd) {
    std::string out = dir_.File("sh.out");
    int status = im::testing::SystemWithDeadline("cd " + RcQuote(dir_.path().string()) + " && " +
                                                 cmd + " >" + RcQuote(out) + " 2>&1");
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << cmd << ": " << RcSlurp(out);
    return RcSlurp(out);
  }

  im::testing::TempDir dir_;
};

// Share of the pixels darker than light grey, in a PNG that cairo reads.
struct Pixels {
  int width = 0, height = 0;
  std::vector<uint8_t> grey;  // row-major, 0 black .. 255 white
};

Pixels ReadPng(const std::string& path) {
  Pixels p;
  cairo_surface_t* s = cairo_image_surface_create_from_png(path.c_str());
  if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(s);
    return p;
  }
  cairo_surface_flush(s);
  p.width = cairo_image_surface_get_width(s);
  p.height = cairo_image_surface_get_height(s);
  const int stride = cairo_image_surface_get_stride(s);
  const unsigned char* data = cairo_image_surface_get_data(s);
  for (int y = 0; y < p.height; ++y) {
    const auto* row = reinterpret_cast<const uint32_t*>(data + y * stride);
    for (int x = 0; x < p.width; ++x) {
      uint32_t v = row[x];
      p.grey.push_back(static_cast<uint8_t>(((v >> 16 & 0xff) + (v >> 8 & 0xff) + (v & 0xff)) / 3));
    }
  }
  cairo_surface_destroy(s);
  return p;
}

double DarkShare(const Pixels& p, int y0, int y1) {
  int64_t dark = 0, all = 0;
  for (int y = std::max(0, y0); y < std::min(p.height, y1); ++y) {
    for (int x = 0; x < p.width; ++x, ++all)
      dark += p.grey[static_cast<size_t>(y * p.width + x)] < 200;
  }
  return all ? static_cast<double>(dark) / static_cast<double>(all) : 0;
}

TEST_F(ReportCliTest, JsonAndCsvCarryTheHandComputedNumbers) {
  auto r = Im("report --start 2025-08-01 --end 2025-08-31 --format json");
  ASSERT_EQ(r.code, 0) << r.err;
  auto v = json::Parse(r.out);
  ASSERT_TRUE(v && v->is_object()) << r.out;
  const auto& o = v->as_object();
  EXPECT_EQ(o.at("summary").at("incidents").as_int64(), 5);
  EXPECT_DOUBLE_EQ(o.at("summary").at("all").at("mtta").at("mean_seconds").as_double(), 1425.0);
  EXPECT_DOUBLE_EQ(o.at("summary").at("all").at("mttr").at("median_seconds").as_double(), 7200.0);
  EXPECT_EQ(o.at("breaches").as_array().size(), 5u);
  EXPECT_EQ(o.at("oncall").at("off_hours_pages").as_int64(), 2);
  EXPECT_EQ(o.at("weeks").as_array().size(), 5u);

  r = Im("report --start 2025-08-01 --end 2025-08-31 --format csv --output tables");
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* f : {"summary.csv", "sla.csv", "breaches.csv", "responders.csv", "weeks.csv",
                        "incidents.csv", "dora.csv"}) {
    EXPECT_TRUE(fs::exists(dir_.path() / "tables" / f)) << f;
  }
  std::string summary = RcSlurp(dir_.File("tables/summary.csv"));
  EXPECT_NE(summary.find("all,all,5,1,4,1425,600,3600,32250,7200,108000,1500,1,1\r\n"),
            std::string::npos)
      << summary;
  std::string incidents = RcSlurp(dir_.File("tables/incidents.csv"));
  EXPECT_NE(incidents.find("PagerDuty #42 (P1ABC23)"), std::string::npos);

  // Only the Opsgenie source: im's own incidents, none of PagerDuty's.
  r = Im("report --start 2025-08-01 --end 2025-08-31 --include-opsgenie --format json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(json::Parse(r.out)->at("summary").at("incidents").as_int64(), 4);
  // A zone moves the days: in Tokyo, 2025-07-31 23:00 UTC is already 1 August.
  r = Im("report --start 2025-08-01 --end 2025-08-31 --zone Asia/Tokyo --format json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(json::Parse(r.out)->at("summary").at("incidents").as_int64(), 6);
}

TEST_F(ReportCliTest, TheSeedCommandWritesAPdfWithTheNumbersChartsAndPageOne) {
  // As written in the seed: the file is named after the period.
  auto r = Im("report --start 2025-08-01 --end 2025-08-31 --include-pagerduty --format pdf");
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string pdf = "im-report-2025-08-01-to-2025-08-31.pdf";
  ASSERT_TRUE(fs::exists(dir_.path() / pdf)) << r.err;
  EXPECT_NE(r.err.find("report of 5 incidents"), std::string::npos) << r.err;
  // The words in reading order, each run of blanks and line breaks as one space.
  std::string text;
  for (char c : Sh("pdftotext " + pdf + " -")) {
    bool blank = c == ' ' || c == '\n' || c == '\f';
    if (!blank) {
      text += c;
    } else if (!text.empty() && text.back() != ' ') {
      text += ' ';
    }
  }
  for (const char* expected :
       {"Incident report 2025-08-01 to 2025-08-31", "MTTA 23m 45s mean, 10m median, 1h p90",
        "MTTR 8h 57m mean, 2h median, 1d 6h p90", "5 breaches in the period", "PagerDuty #42",
        "INC-5", "ann@example.com", "Appendix A: SLA breaches", "Page 2"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected;
  }
  std::string info = Sh("pdfinfo " + pdf);
  int pages = 0;
  if (auto at = info.find("Pages:"); at != std::string::npos)
    pages = std::stoi(info.substr(at + 6));
  EXPECT_GE(pages, 4);
  EXPECT_LE(pages, 8);  // a five-incident month is a few pages
  EXPECT_NE(info.find("A4"), std::string::npos);
  EXPECT_NE(Sh("pdffonts " + pdf).find("DejaVuSans"), std::string::npos);  // embedded

  Sh("pdftoppm -r 24 -gray -png " + pdf + " page");
  int rendered = 0;
  for (const auto& e : fs::directory_iterator(dir_.path())) {
    rendered += e.path().filename().string().starts_with("page-");
  }
  EXPECT_EQ(rendered, pages);
  // Page 2 has the summary and, in its lower part, the charts: not blank there.
  Pixels p2 = ReadPng(dir_.File(pages >= 10 ? "page-02.png" : "page-2.png"));
  ASSERT_GT(p2.height, 0);
  EXPECT_GT(DarkShare(p2, p2.height / 2, p2.height * 9 / 10), 0.02);

  Pixels p1 = ReadPng(dir_.File(pages >= 10 ? "page-01.png" : "page-1.png"));
  ASSERT_GT(p1.height, 0);
  const std::string reference = (ReferenceDir() / "page1.png").string();
  if (std::getenv("IM_UPDATE_REFERENCE")) {
    fs::create_directories(ReferenceDir());
    fs::copy_file(dir_.File(pages >= 10 ? "page-01.png" : "page-1.png"), reference,
                  fs::copy_options::overwrite_existing);
  }
  Pixels want = ReadPng(reference);
  ASSERT_EQ(want.width, p1.width) << "no reference at " << reference;
  ASSERT_EQ(want.height, p1.height);
  int64_t off = 0;
  for (size_t k = 0; k < want.grey.size(); ++k) off += std::abs(want.grey[k] - p1.grey[k]) > 64;
  // The generation time on the title page differs run to run: a few pixels, no more.
  EXPECT_LT(static_cast<double>(off) / static_cast<double>(want.grey.size()), 0.01) << off;
}

TEST_F(ReportCliTest, HtmlAndLetterPaperWork) {
  auto r = Im("report --start 2025-08-01 --end 2025-08-31 --format html --output r.html");
  ASSERT_EQ(r.code, 0) << r.err;
  std::string html = RcSlurp(dir_.File("r.html"));
  EXPECT_TRUE(html.starts_with("<!doctype html>"));
  EXPECT_NE(html.find("<svg"), std::string::npos);
  r = Im("report --start 2025-08-01 --end 2025-08-31 --format pdf --paper letter --output l.pdf");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(Sh("pdfinfo l.pdf").find("letter"), std::string::npos);
}

TEST_F(ReportCliTest, BadParametersAreRefusedSayingWhatToWrite) {
  struct Case {
    const char* args;
    int code;
    const char* says;
  };
  const Case cases[] = {
      {"--start 2025-08-31 --end 2025-08-01 --format json", 3, "is before the start"},
      {"--start 2025-8-1 --end 2025-08-31 --format json", 3, "write the day as YYYY-MM-DD"},
      {"--start 2025-02-30 --end 2025-03-31 --format json", 3, "not a day of the calendar"},
      {"--start 2025-08-01 --end 2025-08-31 --format docx", 3, "use pdf, html, csv or json"},
      {"--start 2025-08-01 --end 2025-08-31 --format json --service nope", 4, "unknown service"},
      {"--start 2025-08-01 --end 2025-08-31 --format json --zone Mars/Base", 3, "zone"},
      {"--start 2025-08-01 --end 2025-08-31 --format pdf --paper a5", 3, "use a4 or letter"},
      {"--start 2024-01-01 --end 2025-08-31 --format json", 3, "longer than 400 days"},
  };
  for (const auto& c : cases) {
    auto r = Im(std::string("report ") + c.args);
    EXPECT_EQ(r.code, c.code) << c.args << ": " << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << c.args << ": " << r.err;
    EXPECT_TRUE(r.out.empty()) << c.args;
  }
}

}  // namespace
}  // namespace im::cli

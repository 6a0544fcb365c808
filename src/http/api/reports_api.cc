// GET /api/v1/reports?start=&end=&format=json|csv|html|pdf[&service=&team=&include=&zone=
// &paper=&timelines=&table=]: the report of `im report` (docs/reports.md). Thin: the checks and
// the gathering are engine::Reports; the formats are report/render.h.
#include <charconv>

#include "engine/reports.h"
#include "http/api/api.h"
#include "http/status.h"
#include "report/render.h"

namespace im::http::api {
namespace {

using net::HttpRequest;
using net::HttpResponse;

HttpResponse Report(ApiContext& ctx, const HttpRequest& req) {
  engine::ReportRequest r;
  r.start = req.Query("start").value_or("");
  r.end = req.Query("end").value_or("");
  r.zone = req.Query("zone").value_or("UTC");
  r.team = req.Query("team").value_or("");
  r.paper = req.Query("paper").value_or("a4");
  std::vector<std::string> services;
  for (const auto& v : req.QueryAll("service")) {
    for (size_t at = 0; at <= v.size();) {
      size_t comma = v.find(',', at);
      if (comma == std::string::npos) comma = v.size();
      if (comma > at) services.push_back(v.substr(at, comma - at));
      at = comma + 1;
    }
  }
  if (auto ok = CheckServiceParam(services, "service"); !ok) return ErrorResponse(ok.error());
  r.services = services;
  // include=pagerduty,opsgenie: im's incidents and those providers'; absent or "all": every one.
  for (const auto& v : req.QueryAll("include")) {
    for (size_t at = 0; at <= v.size();) {
      size_t comma = v.find(',', at);
      if (comma == std::string::npos) comma = v.size();
      std::string s = v.substr(at, comma - at);
      if (s == "all") {
        r.sources.clear();
        break;
      }
      if (!s.empty()) r.sources.push_back(s);
      at = comma + 1;
    }
  }
  if (!r.sources.empty()) r.sources.insert(r.sources.begin(), "im");
  if (auto t = req.Query("timelines")) {
    auto [p, ec] = std::from_chars(t->data(), t->data() + t->size(), r.timeline_limit);
    if (ec != std::errc() || p != t->data() + t->size() || r.timeline_limit < 0) {
      return ErrorResponse({ErrorCode::kInvalidArgument,
                            "query parameter 'timelines' must be a whole number, 0 for all"});
    }
  }
  auto format = report::ParseFormat(req.Query("format").value_or("json"));
  if (!format) return ErrorResponse(format.error().Wrap("query parameter 'format'"));
  engine::Reports reports(ctx.store, ctx.incidents, ctx.deployments, &ctx.oncall, ctx.clock);
  auto query = reports.Check(r);
  if (!query) return ErrorResponse(query.error());
  auto built = reports.Build(*query);
  if (!built) return ErrorResponse(built.error());
  const std::string name = "im-report-" + query->start_day + "-to-" + query->end_day;
  HttpResponse res;
  switch (*format) {
    case report::Format::kJson: return JsonResponse(200, report::ToJson(*built));
    case report::Format::kHtml:
      res.content_type = "text/html; charset=utf-8";
      res.body = report::ToHtml(*built);
      return res;
    case report::Format::kPdf: {
      auto pdf = report::ToPdf(*built);
      if (!pdf) return ErrorResponse(pdf.error());
      res.content_type = "application/pdf";
      res.body = std::move(*pdf);
      res.SetHeader("Content-Disposition", "inline; filename=\"" + name + ".pdf\"");
      return res;
    }
    case report::Format::kCsv: {
      // One table per request: table=summary (default), sla, breaches, responders, weeks,
      // incidents or dora.
      std::string table = req.Query("table").value_or("summary") + ".csv";
      for (auto& [file, text] : report::ToCsv(*built)) {
        if (file != table) continue;
        res.content_type = "text/csv; charset=utf-8";
        res.body = std::move(text);
        res.SetHeader("Content-Disposition", "attachment; filename=\"" + name + "-" + file + "\"");
        return res;
      }
      return ErrorResponse({ErrorCode::kInvalidArgument,
                            "unknown table '" + table.substr(0, table.size() - 4) +
                                "'; use summary, sla, breaches, responders, weeks, incidents or "
                                "dora"});
    }
  }
  return ErrorResponse({ErrorCode::kInternal, "unknown format"});
}

}  // namespace

void AddReportRoutes(Router& router, ApiContext& ctx) {
  router.Add(
      "GET", "/api/v1/reports", [&](const HttpRequest& r) { return Report(ctx, r); },
      RouteOptions{.blocking = true});
}

}  // namespace im::http::api

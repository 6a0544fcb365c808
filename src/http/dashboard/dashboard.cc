#include "http/dashboard/dashboard.h"

#include "http/dashboard/assets.h"

namespace im::http::dashboard {
namespace {

// Everything comes from this server: no inline script, nothing from another origin, and no
// framing (clickjacking).
constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";

bool AcceptsGzip(const net::HttpRequest& req) {
  auto accept = req.Header("Accept-Encoding");
  return accept && accept->find("gzip") != std::string_view::npos;
}

net::HttpResponse DashboardNotFound() {
  net::HttpResponse res;
  res.status = 404;
  res.body =
      "{\"error\":{\"code\":\"not_found\",\"message\":\"no such dashboard file; open / for the "
      "dashboard\"}}";
  return res;
}

}  // namespace

net::HttpResponse ServeAsset(std::string_view path, const net::HttpRequest& req) {
  for (const Asset& a : Assets()) {
    if (a.path != path) continue;
    net::HttpResponse res;
    res.content_type = std::string(a.content_type);
    res.SetHeader("ETag", std::string(a.etag));
    // Revalidated on every load (a 304 costs one round trip on loopback), so an upgraded
    // binary's files are used at once.
    res.SetHeader("Cache-Control", "no-cache");
    res.SetHeader("Vary", "Accept-Encoding");
    res.SetHeader("X-Content-Type-Options", "nosniff");
    res.SetHeader("Content-Security-Policy", kContentSecurityPolicy);
    res.SetHeader("Referrer-Policy", "same-origin");
    auto match = req.Header("If-None-Match");
    if (match && match->find(a.etag) != std::string_view::npos) {
      res.status = 304;
      return res;
    }
    if (AcceptsGzip(req)) {
      res.SetHeader("Content-Encoding", "gzip");
      res.body = std::string(a.gzip);
    } else {
      res.body = std::string(a.body);
    }
    return res;
  }
  return DashboardNotFound();
}

void AddDashboardRoutes(Router& router) {
  for (const PagePath& page : kPagePaths) {
    std::string link = std::string("</assets/") + page.module + ">; rel=modulepreload";
    router.Add("GET", page.path, [link](const net::HttpRequest& req) {
      auto res = ServeAsset("/index.html", req);
      res.SetHeader("Link", link);
      return res;
    });
  }
  router.Add("GET", "/assets/{file}", [](const net::HttpRequest& req) {
    return ServeAsset("/" + std::string(req.Param("file")), req);
  });
  router.Add("GET", "/assets/{dir}/{file}", [](const net::HttpRequest& req) {
    return ServeAsset("/" + std::string(req.Param("dir")) + "/" + std::string(req.Param("file")),
                      req);
  });
}

}  // namespace im::http::dashboard

#include "http/dashboard/dashboard.h"

#include <zlib.h>

#include <cctype>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "common/crypto.h"
#include "http/dashboard/assets.h"

namespace im::http::dashboard {
namespace {

// Tiles per page of the monitors page (web/pages/monitors.js PAGE).
constexpr long kMonitorsPage = 120;

// The text between `open` and `close` in index.html: what embed_assets.cmake inlined there
// (exactly, as the policy's hash covers it).
std::string_view DashInlined(std::string_view open, std::string_view close) {
  for (const Asset& a : Assets()) {
    if (a.path != "/index.html") continue;
    auto from = a.body.find(open);
    if (from == std::string_view::npos) return {};
    from += open.size();
    auto to = a.body.find(close, from);
    if (to == std::string_view::npos) return {};
    return a.body.substr(from, to - from);
  }
  return {};
}

// Everything comes from this server: no inline script or style but the shell's own (the
// bundled modules and the stylesheet, allowed by their SHA-256), nothing from another origin,
// and no framing (clickjacking).
const std::string& ContentSecurityPolicy() {
  static const std::string policy =
      "default-src 'self'; script-src 'self' 'sha256-" +
      Base64Encode(Sha256(DashInlined("<script type=\"module\">", "</script>"))) +
      "'; style-src 'self' 'sha256-" + Base64Encode(Sha256(DashInlined("<style>", "</style>"))) +
      "'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
      "form-action 'self'; frame-ancestors 'none'";
  return policy;
}

// A query value as the browser's URLSearchParams writes it (application/x-www-form-urlencoded),
// so a first read's URL is the one the page's script asks for.
std::string DashFormEncode(std::string_view v) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : v) {
    if (std::isalnum(c) || c == '*' || c == '-' || c == '.' || c == '_') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// web/ui.js withQuery: `path` with the non-empty values, in order.
std::string DashWithQuery(std::string path,
                          std::initializer_list<std::pair<const char*, std::string>> query) {
  char sep = '?';
  for (const auto& [k, v] : query) {
    if (v.empty()) continue;
    path += sep;
    path += k;
    path += '=';
    path += DashFormEncode(v);
    sep = '&';
  }
  return path;
}

// The /api/v1 reads each page makes first (web/pages/*.js), with the URLs its script builds
// from the query, so the shell can carry their answers (ServePage). A URL that differs from
// the script's is fetched by the page as well, nothing worse; the browser test checks that
// none is.
std::vector<std::string> DashFirstReads(std::string_view module, const net::HttpRequest& req) {
  // The last value of a repeated parameter, as the page's Object.fromEntries(URLSearchParams).
  auto q = [&](const char* name) {
    auto all = req.QueryAll(name);
    return all.empty() ? std::string() : all.back();
  };
  auto or_default = [&](const char* name, const char* dflt) {
    auto v = q(name);
    return v.empty() ? std::string(dflt) : v;
  };
  std::vector<std::string> out;
  if (module == "pages/incidents.js") {
    out.push_back(DashWithQuery("/api/v1/incidents", {{"status", q("status")},
                                                      {"severity", q("severity")},
                                                      {"service", q("service")},
                                                      {"team", q("team")},
                                                      {"source", q("source")},
                                                      {"since", q("since")},
                                                      {"before", q("before")},
                                                      {"limit", or_default("limit", "100")}}));
    if (!q("team").empty()) out.emplace_back("/api/v1/services");
  } else if (module == "pages/incident.js") {
    const std::string id = req.Param("id");
    bool plain = !id.empty();
    for (unsigned char c : id) plain = plain && (std::isalnum(c) || c == '-' || c == '_');
    if (plain) {
      out.push_back("/api/v1/incidents/" + id);
      out.push_back("/api/v1/incidents/" + id + "/deployment");
    }
  } else if (module == "pages/oncall.js") {
    out.emplace_back("/api/v1/oncall");
    out.emplace_back("/api/v1/schedules");
    if (!q("service").empty()) {
      out.push_back(DashWithQuery("/api/v1/oncall", {{"service", q("service")}}));
    }
    out.push_back(
        DashWithQuery("/api/v1/oncall/hours",
                      {{"since", or_default("hours_since", "-30d")}, {"until", q("hours_until")}}));
  } else if (module == "pages/dora.js") {
    out.push_back(DashWithQuery("/api/v1/metrics/dora",
                                {{"since", or_default("since", "-30d")},
                                 {"until", q("until")},
                                 {"service", q("service")},
                                 {"team", q("team")},
                                 {"include", q("drill").empty() ? "" : "incidents,deployments"}}));
  } else if (module == "pages/monitors.js") {
    // parseInt(page) || 0, at least 0, times the page size (web/pages/monitors.js PAGE).
    const std::string page = q("page");
    long n = std::strtol(page.c_str(), nullptr, 10);
    if (n < 0 || n > 1000000) n = 0;
    out.push_back(
        DashWithQuery("/api/v1/monitors", {{"status", q("status")},
                                           {"q", q("q")},
                                           {"limit", std::to_string(kMonitorsPage)},
                                           {"offset", std::to_string(n * kMonitorsPage)}}));
    out.emplace_back("/api/v1/channels");
  } else if (module == "pages/integrations.js") {
    out.emplace_back("/api/v1/connectors");
  }
  out.emplace_back("/api/v1/sessions/current");
  return out;
}

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

// gzip of `text` (level 6, zlib's default). The shell is 80 KB and a first read up to ~75 KB:
// about 2 ms.
std::string DashGzip(std::string_view text) {
  z_stream z{};
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return {};
  }
  std::string out(deflateBound(&z, text.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return rc == Z_STREAM_END ? out : std::string();
}

// The answer `router` gives a GET of `url` ("/api/v1/incidents?limit=100") made with `page`'s
// headers (its session cookie, its Authorization), as the browser would get it: the same route,
// the same access rule (the router's guard). Nothing when no plain route answers it.
std::optional<net::HttpResponse> DashRead(const Router& router, const std::string& url,
                                          const net::HttpRequest& page) {
  net::HttpRequest sub;
  sub.method = "GET";
  sub.target = url;
  auto q = url.find('?');
  sub.path = net::UrlDecode(std::string_view(url).substr(0, q));
  if (q != std::string::npos) sub.query = net::ParseQuery(std::string_view(url).substr(q + 1));
  for (const auto& [k, v] : page.headers) {
    if (net::HeaderNameEquals(k, "If-None-Match") || net::HeaderNameEquals(k, "Accept-Encoding")) {
      continue;
    }
    sub.headers.emplace_back(k, v);
  }
  sub.remote = page.remote;
  RouteMatch match = router.Find("GET", sub.path);
  if (!match.route || !match.route->handler) return std::nullopt;
  sub.params = std::move(match.params);
  if (const auto& guard = router.guard(); guard) {
    if (auto denied = guard(sub, *match.route)) return denied;
  }
  return match.route->handler(sub);
}

// The page shell with the answers to the page's first reads (`urls`, the ones its script makes
// first) in a JSON block before </body>: {"<url>": {"status": 200, "body": <the JSON answer>}}.
// web/api.js takes each answer from there once, instead of asking the server; so the page's
// first screen waits for no request. An answer that is not JSON is left to the browser: its URL
// goes in a `Link: rel=preload` header instead. The shell then holds live data (and, for a
// logged-in browser, the session's CSRF token), so it is never cached.
net::HttpResponse ServePage(const Router& router, const std::vector<std::string>& urls,
                            const net::HttpRequest& req) {
  std::string_view shell;
  for (const Asset& a : Assets()) {
    if (a.path == "/index.html") shell = a.body;
  }
  net::HttpResponse res;
  res.content_type = "text/html; charset=utf-8";
  res.SetHeader("Cache-Control", "no-store");
  res.SetHeader("Vary", "Accept-Encoding, Cookie, Authorization");
  res.SetHeader("X-Content-Type-Options", "nosniff");
  res.SetHeader("Content-Security-Policy", ContentSecurityPolicy());
  res.SetHeader("Referrer-Policy", "same-origin");
  std::string reads;
  std::string link;
  for (const auto& url : urls) {
    auto answer = DashRead(router, url, req);
    if (!answer || !answer->content_type.starts_with("application/json") || answer->body.empty()) {
      if (!link.empty()) link += ", ";
      link += "<" + url + ">; rel=preload; as=fetch; crossorigin";
      continue;
    }
    reads += reads.empty() ? '{' : ',';
    reads += '"';
    for (char c : url) {
      if (c == '"' || c == '\\') reads += '\\';
      reads += c;
    }
    reads += "\":{\"status\":" + std::to_string(answer->status) + ",\"body\":";
    // JSON holds '<' only in strings, where \u003c is the same character: the block cannot
    // close the script element (or open a comment) whatever the data says.
    for (char c : answer->body) {
      if (c == '<') {
        reads += "\\u003c";
      } else {
        reads += c;
      }
    }
    reads += '}';
  }
  if (!link.empty()) res.SetHeader("Link", link);
  std::string html;
  auto end = shell.rfind("</body>");
  if (reads.empty() || end == std::string_view::npos) {
    html = shell;
  } else {
    reads += '}';
    html.reserve(shell.size() + reads.size() + 64);
    html.append(shell.substr(0, end));
    html += "<script type=\"application/json\" id=\"im-first-reads\">";
    html += reads;
    html += "</script>\n";
    html.append(shell.substr(end));
  }
  if (AcceptsGzip(req)) {
    if (auto gz = DashGzip(html); !gz.empty()) {
      res.SetHeader("Content-Encoding", "gzip");
      res.body = std::move(gz);
      return res;
    }
  }
  res.body = std::move(html);
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
    res.SetHeader("Content-Security-Policy", ContentSecurityPolicy());
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
  ContentSecurityPolicy();  // computed once, before requests come in
  for (const PagePath& page : kPagePaths) {
    // The scripts are in the shell (embed_assets.cmake), and so are the answers to its page's
    // first reads. It runs on the worker pool, as the list reads it makes do.
    std::string_view module = page.module;
    router.Add(
        "GET", page.path,
        [module, &router](const net::HttpRequest& req) {
          return ServePage(router, DashFirstReads(module, req), req);
        },
        RouteOptions{.blocking = true});
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

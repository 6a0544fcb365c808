// The web dashboard's routes: the page shell at "/" and at every page's URL (the page itself
// is drawn by web/app.js from /api/v1), and the embedded files under /assets/.
#pragma once

#include "http/router.h"

namespace im::http::dashboard {

// The dashboard's page URLs (without query): each serves the same shell, index.html (every
// module inlined), with the answers to the first /api/v1 reads of the page `module` draws.
struct PagePath {
  const char* path;
  const char* module;  // under /assets/
};
inline constexpr PagePath kPagePaths[] = {{"/", "pages/incidents.js"},
                                          {"/incidents", "pages/incidents.js"},
                                          {"/incidents/{id}", "pages/incident.js"},
                                          {"/oncall", "pages/oncall.js"},
                                          {"/dora", "pages/dora.js"},
                                          {"/monitors", "pages/monitors.js"},
                                          {"/integrations", "pages/integrations.js"},
                                          {"/login", "pages/login.js"}};

void AddDashboardRoutes(Router& router);

// The response for asset `path` ("/app.js") to a request: gzip when the browser accepts it,
// 304 when its If-None-Match has the current ETag, 404 for no such asset.
net::HttpResponse ServeAsset(std::string_view path, const net::HttpRequest& req);

}  // namespace im::http::dashboard

// The dashboard's files (web/), built into the binary: each as is and gzip-compressed.
#pragma once

#include <span>
#include <string_view>

namespace im::http::dashboard {

struct Asset {
  std::string_view path;  // "/app.js", "/pages/incidents.js", ...
  std::string_view content_type;
  std::string_view etag;  // quoted, as sent
  std::string_view body;
  std::string_view gzip;
};

std::span<const Asset> Assets();

}  // namespace im::http::dashboard

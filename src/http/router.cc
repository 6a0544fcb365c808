#include "http/router.h"

#include <cstdio>
#include <cstdlib>

namespace im::http {
namespace {

std::vector<std::string> Split(std::string_view path) {
  std::vector<std::string> out;
  size_t start = 1;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    out.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool IsParam(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// Returns the number of literal segments matched, or -1.
int Match(const Route& route, const std::vector<std::string>& parts,
          std::map<std::string, std::string>* params) {
  if (route.segments.size() != parts.size()) return -1;
  int literals = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    const auto& seg = route.segments[i];
    if (IsParam(seg)) {
      if (parts[i].empty()) return -1;
      if (params) (*params)[seg.substr(1, seg.size() - 2)] = net::UrlDecode(parts[i]);
    } else if (seg != parts[i]) {
      return -1;
    } else {
      ++literals;
    }
  }
  return literals;
}

}  // namespace

void Router::Add(std::string method, std::string pattern, Handler handler, RouteOptions options) {
  Insert(Route{.method = std::move(method),
               .pattern = std::move(pattern),
               .handler = std::move(handler),
               .options = options});
}

void Router::AddAsync(std::string method, std::string pattern, AsyncHandler handler) {
  Insert(Route{.method = std::move(method),
               .pattern = std::move(pattern),
               .async_handler = std::move(handler)});
}

void Router::Insert(Route route) {
  const std::string& method = route.method;
  const std::string& pattern = route.pattern;
  for (const auto& r : routes_) {
    if (r.method == method && r.pattern == pattern) {
      std::fprintf(stderr, "route registered twice: %s %s\n", method.c_str(), pattern.c_str());
      std::abort();
    }
  }
  route.segments = Split(pattern);
  routes_.push_back(std::move(route));
}

RouteMatch Router::Find(std::string_view method, std::string_view path) const {
  RouteMatch result;
  if (path.empty() || path.front() != '/') return result;
  auto parts = Split(path);
  int best = -1;
  for (const auto& route : routes_) {
    int score = Match(route, parts, nullptr);
    if (score < 0) continue;
    result.path_matched = true;
    if (route.method != method && !(method == "HEAD" && route.method == "GET")) continue;
    if (score > best) {
      best = score;
      result.route = &route;
    }
  }
  if (result.route) Match(*result.route, parts, &result.params);
  return result;
}

}  // namespace im::http

// Query parameter parsing shared by the simulators.
#include "sim/common/json_response.h"

#include <charconv>

namespace im::sim {

Result<int64_t> QueryInt(const net::HttpRequest& req, const std::string& name, int64_t fallback) {
  auto v = req.Query(name);
  if (!v) return fallback;
  int64_t out = 0;
  auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc() || ptr != v->data() + v->size()) {
    return Fail(ErrorCode::kInvalidArgument, "'" + name + "' must be an integer");
  }
  return out;
}

bool QueryBool(const net::HttpRequest& req, const std::string& name, bool fallback) {
  auto v = req.Query(name);
  if (!v) return fallback;
  return *v == "true" || *v == "1";
}

std::vector<std::string> QueryList(const net::HttpRequest& req, const std::string& name) {
  std::vector<std::string> out = req.QueryAll(name);
  for (auto& v : req.QueryAll(name + "[]")) out.push_back(std::move(v));
  return out;
}

}  // namespace im::sim

// Small helpers for simulator handlers: JSON responses and request bodies.
#pragma once

#include <string>

#include "common/json.h"
#include "net/http_message.h"

namespace im::sim {

inline net::HttpResponse JsonResponse(int status, const json::value& body) {
  net::HttpResponse res;
  res.status = status;
  res.body = json::Serialize(body);
  return res;
}

// Parses a JSON object body; nullptr-free: an error says what was wrong with it.
inline Result<json::object> ParseObjectBody(const std::string& body) {
  auto v = json::Parse(body);
  if (!v) return std::unexpected(v.error());
  if (!v->is_object()) return Fail(ErrorCode::kInvalidArgument, "the body must be a JSON object");
  return std::move(v->as_object());
}

// An integer query parameter, `fallback` when absent; kInvalidArgument when not a number.
Result<int64_t> QueryInt(const net::HttpRequest& req, const std::string& name, int64_t fallback);

// True for "true"/"1"; `fallback` when absent.
bool QueryBool(const net::HttpRequest& req, const std::string& name, bool fallback);

// All values of `name` and of `name[]` (both spellings are seen on the wire).
std::vector<std::string> QueryList(const net::HttpRequest& req, const std::string& name);

}  // namespace im::sim

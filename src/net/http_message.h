// Plain HTTP request and response values, free of any HTTP library's types, shared by the
// inbound server (src/http), the outbound client and the provider simulators.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace im::net {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path and query as sent: "/api/v1/incidents?status=open"
  std::string path;    // decoded path without the query: "/api/v1/incidents"
  std::multimap<std::string, std::string> query;  // decoded query parameters
  Headers headers;
  std::string body;
  std::string remote;  // peer address, for logs
  // Path parameters captured by the router ("{id}" → "INC-4").
  std::map<std::string, std::string> params;

  // Case-insensitive header lookup; the first value.
  std::optional<std::string_view> Header(std::string_view name) const;
  std::optional<std::string> Query(const std::string& name) const;
  std::vector<std::string> QueryAll(const std::string& name) const;
  std::string Param(const std::string& name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  Headers headers;
  std::string body;
  // Servers only: close the connection with a TCP reset instead of answering (the simulators'
  // connection-reset knob: the request took effect, the answer is lost).
  bool reset = false;

  void SetHeader(std::string name, std::string value);
  std::optional<std::string_view> Header(std::string_view name) const;
};

bool HeaderNameEquals(std::string_view a, std::string_view b);

// Splits "a=1&b=x%20y" into decoded pairs ('+' is a space).
std::multimap<std::string, std::string> ParseQuery(std::string_view query);
std::string UrlDecode(std::string_view text);
std::string UrlEncode(std::string_view text);

}  // namespace im::net

// A monitor's definition: what is checked, how often, when an outage opens and resolves, the
// incident it opens, and the channels it pages. Read from JSON (the API, the YAML config, the
// CLI flags and the store all use one form, monitor_json.h) and validated once.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "core/severity.h"
#include "monitor/maintenance.h"
#include "monitor/state_machine.h"

namespace im::monitor {

enum class MonitorType { kHttp, kTcp, kDns, kIcmp, kHeartbeat };
std::string_view MonitorTypeName(MonitorType t);  // "http", "tcp", "dns", "icmp", "heartbeat"

inline constexpr Duration kDefaultInterval = std::chrono::seconds(60);
inline constexpr Duration kMinInterval = std::chrono::seconds(10);
inline constexpr Duration kDefaultTimeout = std::chrono::seconds(10);

struct StatusRange {
  int from = 200, to = 299;
};

struct Monitor {
  int64_t id = 0;  // the store's; the PagerDuty dedup key is made from it, not the name
  std::string name;
  MonitorType type = MonitorType::kHttp;
  // http(s): the URL; tcp: host:port; dns: the name to resolve; icmp: the host; heartbeat: "".
  std::string target;

  // HTTP.
  std::string method = "GET";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::vector<StatusRange> expected_status = {{200, 299}};
  std::string body_contains;
  std::string json_path;  // a JSON Pointer (RFC 6901): "/status"
  std::string json_equals;
  bool follow_redirects = true;
  int tls_expiry_days = 14;  // fail when the certificate expires sooner (0: do not check)

  // DNS.
  std::string record_type = "A";  // A, AAAA, CNAME, MX, NS or TXT
  // One of the answers must equal this ("" = any answer). MX answers read "10 mail.example.com"
  // and match with or without the preference; names match without case or a trailing dot.
  std::string expected_answer;
  // "ip" or "ip:port" of the DNS server to ask ("" = the system's resolv.conf). A and AAAA
  // without a resolver go through getaddrinfo, as applications on this host resolve names.
  std::string resolver;

  Duration interval = kDefaultInterval;
  Duration timeout = kDefaultTimeout;
  Thresholds thresholds;
  std::vector<MaintenanceWindow> maintenance;

  // The incident an outage opens.
  std::string service;
  core::Severity severity = core::Severity::kSev2;
  std::vector<std::string> channels;
  std::string region = "local";  // where the checks run, shown in pages

  bool paused = false;
  std::string heartbeat_token;  // heartbeat monitors: the secret part of the ping URL
};

}  // namespace im::monitor

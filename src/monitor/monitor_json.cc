#include "monitor/monitor_json.h"

#include <boost/url/parse.hpp>

#include <algorithm>
#include <charconv>

#include "common/time.h"
#include "core/email.h"
#include "monitor/checks.h"

namespace im::monitor {
namespace {

Result<Duration> MonDurationField(const json::object& o, std::string_view field, Duration def) {
  auto it = o.find(field);
  if (it == o.end() || it->value().is_null()) return def;
  if (it->value().is_int64()) return std::chrono::seconds(it->value().as_int64());
  if (!it->value().is_string()) {
    return InvalidAt(field, "must be a duration like \"60s\" or \"5m\", or seconds");
  }
  auto d = ParseDuration(it->value().as_string());
  if (!d)
    return InvalidAt(field, "'" + std::string(it->value().as_string()) +
                                "' is not a duration; write it like \"60s\" or \"5m\"");
  return *d;
}

Result<int> MonIntField(const json::object& o, std::string_view field, int def, int min, int max) {
  auto v = json::GetOptionalInt(o, field);
  if (!v) return InvalidAt(field, "must be a whole number");
  if (!*v) return def;
  if (**v < min || **v > max) {
    return InvalidAt(field, std::to_string(**v) + " is out of range; give " + std::to_string(min) +
                                " to " + std::to_string(max));
  }
  return static_cast<int>(**v);
}

Result<std::string> MonStringField(const json::object& o, std::string_view field,
                                   std::string def = "") {
  auto v = json::GetOptionalString(o, field);
  if (!v) return InvalidAt(field, "must be a string");
  return *v ? **v : def;
}

Result<std::vector<StatusRange>> ParseStatusRanges(const json::object& o) {
  auto it = o.find("expected_status");
  if (it == o.end() || it->value().is_null()) return std::vector<StatusRange>{{200, 299}};
  std::vector<json::value> items;
  if (it->value().is_array()) {
    items.assign(it->value().as_array().begin(), it->value().as_array().end());
  } else {
    items.push_back(it->value());
  }
  std::vector<StatusRange> out;
  for (const auto& v : items) {
    std::string text = v.is_int64()    ? std::to_string(v.as_int64())
                       : v.is_string() ? std::string(v.as_string())
                                       : "";
    StatusRange r;
    auto dash = text.find('-');
    auto num = [](std::string_view s, int& out) {
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
      return ec == std::errc() && p == s.data() + s.size();
    };
    bool good = dash == std::string::npos ? num(text, r.from) && (r.to = r.from, true)
                                          : num(std::string_view(text).substr(0, dash), r.from) &&
                                                num(std::string_view(text).substr(dash + 1), r.to);
    if (!good || r.from < 100 || r.to > 599 || r.from > r.to) {
      return InvalidAt("expected_status", "'" + text +
                                              "' is not a status code or range; write 200, "
                                              "\"200-299\" or a list of them");
    }
    out.push_back(r);
  }
  if (out.empty()) return InvalidAt("expected_status", "is empty; give at least one code");
  return out;
}

Result<MonitorType> ParseMonitorType(std::string_view t) {
  for (auto type : {MonitorType::kHttp, MonitorType::kTcp, MonitorType::kDns, MonitorType::kIcmp,
                    MonitorType::kHeartbeat}) {
    if (t == MonitorTypeName(type)) return type;
  }
  return InvalidAt("type", "'" + std::string(t) +
                               "' is not a monitor type; use http, tcp, dns, "
                               "icmp or heartbeat");
}

Result<void> CheckTarget(const Monitor& m) {
  switch (m.type) {
    case MonitorType::kHttp: {
      auto u = boost::urls::parse_absolute_uri(m.target);
      if (m.target.empty() || !u || (u->scheme() != "http" && u->scheme() != "https") ||
          u->host().empty()) {
        return InvalidAt("url", "'" + m.target +
                                    "' is not an http(s) URL; write it like "
                                    "https://example.com/health");
      }
      return Ok();
    }
    case MonitorType::kTcp: {
      auto colon = m.target.rfind(':');
      int port = 0;
      if (colon == std::string::npos || colon == 0 ||
          std::from_chars(m.target.data() + colon + 1, m.target.data() + m.target.size(), port)
                  .ec != std::errc() ||
          port < 1 || port > 65535) {
        return InvalidAt("target", "'" + m.target + "' is not host:port; write it like db:5432");
      }
      return Ok();
    }
    case MonitorType::kDns:
    case MonitorType::kIcmp:
      if (m.target.empty() || m.target.find_first_of(" /:") != std::string::npos) {
        return InvalidAt("target", "'" + m.target +
                                       "' is not a host name; write it like "
                                       "example.com");
      }
      return Ok();
    case MonitorType::kHeartbeat:
      if (!m.target.empty()) {
        return InvalidAt("target", "a heartbeat monitor has no target: its URL is made for it");
      }
      return Ok();
  }
  return Ok();
}

}  // namespace

std::string_view MonitorTypeName(MonitorType t) {
  switch (t) {
    case MonitorType::kHttp: return "http";
    case MonitorType::kTcp: return "tcp";
    case MonitorType::kDns: return "dns";
    case MonitorType::kIcmp: return "icmp";
    case MonitorType::kHeartbeat: return "heartbeat";
  }
  return "http";
}

Result<Monitor> MonitorFromJson(const json::object& o) {
  if (auto ok = json::RejectUnknownFields(o, {"name",
                                              "type",
                                              "url",
                                              "target",
                                              "method",
                                              "headers",
                                              "body",
                                              "expected_status",
                                              "body_contains",
                                              "json_path",
                                              "json_equals",
                                              "follow_redirects",
                                              "tls_expiry_days",
                                              "record_type",
                                              "expected_answer",
                                              "resolver",
                                              "interval",
                                              "timeout",
                                              "failure_threshold",
                                              "recovery_threshold",
                                              "maintenance",
                                              "service",
                                              "severity",
                                              "channels",
                                              "region",
                                              "id",
                                              "paused",
                                              "heartbeat_url",
                                              "status",
                                              "created_at",
                                              "updated_at"});
      !ok) {
    return std::unexpected(ok.error());
  }
  Monitor m;
  auto name = MonStringField(o, "name");
  if (!name) return std::unexpected(name.error());
  m.name = *name;
  if (m.name.empty() || m.name.size() > 100 ||
      m.name.find_first_of("\n\r\t") != std::string::npos) {
    return InvalidAt("name", "is required: give 1 to 100 characters on one line");
  }
  auto type = MonStringField(o, "type", "http");
  if (!type) return std::unexpected(type.error());
  auto t = ParseMonitorType(*type);
  if (!t) return std::unexpected(t.error());
  m.type = *t;
  auto url = MonStringField(o, "url");
  auto target = MonStringField(o, "target");
  if (!url) return std::unexpected(url.error());
  if (!target) return std::unexpected(target.error());
  if (!url->empty() && !target->empty() && *url != *target) {
    return InvalidAt("url", "give either url or target, not both");
  }
  m.target = url->empty() ? *target : *url;
  if (m.target.empty() && m.type != MonitorType::kHeartbeat) {
    return InvalidAt(m.type == MonitorType::kHttp ? "url" : "target",
                     "is required for a " + std::string(MonitorTypeName(m.type)) + " monitor");
  }
  if (auto ok = CheckTarget(m); !ok) return std::unexpected(ok.error());

  auto method = MonStringField(o, "method", "GET");
  if (!method) return std::unexpected(method.error());
  m.method = *method;
  std::transform(m.method.begin(), m.method.end(), m.method.begin(), ::toupper);
  static const char* kMethods[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
  if (std::none_of(std::begin(kMethods), std::end(kMethods),
                   [&](const char* k) { return m.method == k; })) {
    return InvalidAt("method", "'" + m.method +
                                   "' is not one of GET, HEAD, POST, PUT, PATCH, "
                                   "DELETE, OPTIONS");
  }
  auto headers = json::GetOptionalObject(o, "headers");
  if (!headers) return InvalidAt("headers", "must be an object of name: value");
  if (*headers) {
    for (const auto& kv : **headers) {
      if (!kv.value().is_string()) {
        return InvalidAt("headers." + std::string(kv.key()), "must be a string");
      }
      m.headers.emplace_back(std::string(kv.key()), std::string(kv.value().as_string()));
    }
  }
  for (auto [field, out] :
       {std::pair{"body", &m.body}, std::pair{"body_contains", &m.body_contains},
        std::pair{"json_path", &m.json_path}, std::pair{"json_equals", &m.json_equals},
        std::pair{"expected_answer", &m.expected_answer}, std::pair{"service", &m.service},
        std::pair{"region", &m.region}}) {
    auto v = MonStringField(o, field, *out);
    if (!v) return std::unexpected(v.error());
    *out = *v;
  }
  if (!m.json_path.empty() && m.json_path.front() != '/') {
    return InvalidAt("json_path", "'" + m.json_path +
                                      "' is not a JSON Pointer; write it like /status or "
                                      "/checks/0/ok");
  }
  if (m.json_path.empty() != m.json_equals.empty() && !m.json_path.empty()) {
    return InvalidAt("json_equals", "is required with json_path");
  }
  auto codes = ParseStatusRanges(o);
  if (!codes) return std::unexpected(codes.error());
  m.expected_status = *codes;
  auto follow = json::GetOptionalBool(o, "follow_redirects");
  if (!follow) return InvalidAt("follow_redirects", "must be true or false");
  if (*follow) m.follow_redirects = **follow;
  auto tls = MonIntField(o, "tls_expiry_days", 14, 0, 365);
  if (!tls) return std::unexpected(tls.error());
  m.tls_expiry_days = *tls;

  auto rtype = MonStringField(o, "record_type", "A");
  if (!rtype) return std::unexpected(rtype.error());
  m.record_type = *rtype;
  std::transform(m.record_type.begin(), m.record_type.end(), m.record_type.begin(), ::toupper);
  if (!IsDnsRecordType(m.record_type)) {
    return InvalidAt("record_type",
                     "'" + m.record_type + "' is not supported; use A, AAAA, CNAME, MX, NS or TXT");
  }
  auto resolver = MonStringField(o, "resolver", "");
  if (!resolver) return std::unexpected(resolver.error());
  m.resolver = *resolver;
  if (!m.resolver.empty() && !ParseResolver(m.resolver)) {
    return InvalidAt("resolver", "'" + m.resolver +
                                     "' is not an IPv4 address with an optional port, like "
                                     "192.0.2.53 or 127.0.0.1:5353");
  }

  auto interval = MonDurationField(o, "interval", kDefaultInterval);
  if (!interval) return std::unexpected(interval.error());
  if (*interval < kMinInterval) {
    return InvalidAt("interval", FormatDuration(*interval) +
                                     " is below the minimum of 10s; check at most every 10s");
  }
  m.interval = *interval;
  auto timeout = MonDurationField(o, "timeout", kDefaultTimeout);
  if (!timeout) return std::unexpected(timeout.error());
  if (*timeout <= Duration(0) || *timeout > m.interval) {
    return InvalidAt("timeout", "must be more than 0 and at most the interval (" +
                                    FormatDuration(m.interval) + ")");
  }
  m.timeout = *timeout;
  auto fail = MonIntField(o, "failure_threshold", kDefaultFailureThreshold, 1, 100);
  if (!fail) return std::unexpected(fail.error());
  auto recover = MonIntField(o, "recovery_threshold", kDefaultRecoveryThreshold, 1, 100);
  if (!recover) return std::unexpected(recover.error());
  m.thresholds = {.failure = *fail, .recovery = *recover};

  if (auto arr = json::GetOptionalArray(o, "maintenance"); !arr) {
    return InvalidAt("maintenance", "must be a list of windows");
  } else if (*arr) {
    for (size_t i = 0; i < (*arr)->size(); ++i) {
      const std::string field = "maintenance[" + std::to_string(i) + "]";
      const auto& v = (**arr)[i];
      if (!v.is_string()) return InvalidAt(field, "must be a string");
      auto w = ParseMaintenanceWindow(v.as_string(), field);
      if (!w) return std::unexpected(w.error());
      m.maintenance.push_back(std::move(*w));
    }
  }
  if (m.service.empty()) m.service = m.name;
  if (auto ok = core::ValidateServiceName(m.service); !ok) {
    return std::unexpected(ok.error().Wrap(
        o.contains("service") ? "service" : "service (the monitor's name, by default)"));
  }
  auto sev = MonStringField(o, "severity", "SEV-2");
  if (!sev) return std::unexpected(sev.error());
  auto severity = core::ParseSeverity(*sev);
  if (!severity) return InvalidAt("severity", "'" + *sev + "' is not one of SEV-1 to SEV-4");
  m.severity = *severity;
  if (auto arr = json::GetOptionalArray(o, "channels"); !arr) {
    return InvalidAt("channels", "must be a list of channel names");
  } else if (*arr) {
    for (const auto& v : **arr) {
      if (!v.is_string() || v.as_string().empty()) {
        return InvalidAt("channels", "must be a list of channel names");
      }
      std::string c(v.as_string());
      if (std::find(m.channels.begin(), m.channels.end(), c) == m.channels.end()) {
        m.channels.push_back(c);
      }
    }
  }
  return m;
}

json::object MonitorToJson(const Monitor& m) {
  json::object o{{"name", m.name}, {"type", MonitorTypeName(m.type)}};
  if (!m.target.empty()) o[m.type == MonitorType::kHttp ? "url" : "target"] = m.target;
  if (m.type == MonitorType::kHttp) {
    o["method"] = m.method;
    json::object h;
    for (const auto& [k, v] : m.headers) h[k] = v;
    if (!h.empty()) o["headers"] = std::move(h);
    if (!m.body.empty()) o["body"] = m.body;
    json::array codes;
    for (const auto& r : m.expected_status) {
      codes.push_back(json::value(r.from == r.to
                                      ? std::to_string(r.from)
                                      : std::to_string(r.from) + "-" + std::to_string(r.to)));
    }
    o["expected_status"] = std::move(codes);
    if (!m.body_contains.empty()) o["body_contains"] = m.body_contains;
    if (!m.json_path.empty()) {
      o["json_path"] = m.json_path;
      o["json_equals"] = m.json_equals;
    }
    o["follow_redirects"] = m.follow_redirects;
    o["tls_expiry_days"] = m.tls_expiry_days;
  }
  if (m.type == MonitorType::kDns) {
    o["record_type"] = m.record_type;
    if (!m.expected_answer.empty()) o["expected_answer"] = m.expected_answer;
    if (!m.resolver.empty()) o["resolver"] = m.resolver;
  }
  o["interval"] = FormatDuration(m.interval);
  o["timeout"] = FormatDuration(m.timeout);
  o["failure_threshold"] = m.thresholds.failure;
  o["recovery_threshold"] = m.thresholds.recovery;
  json::array windows;
  for (const auto& w : m.maintenance) windows.push_back(json::value(w.text));
  o["maintenance"] = std::move(windows);
  o["service"] = m.service;
  o["severity"] = core::SeverityName(m.severity);
  json::array channels;
  for (const auto& c : m.channels) channels.push_back(json::value(c));
  o["channels"] = std::move(channels);
  o["region"] = m.region;
  return o;
}

json::object MergeDefinition(const json::object& base, const json::object& changes) {
  json::object out = base;
  for (const auto& kv : changes) {
    if (kv.value().is_null()) {
      out.erase(kv.key());
    } else {
      // url and target name the same thing: the newer one wins.
      if (kv.key() == "url") out.erase("target");
      if (kv.key() == "target") out.erase("url");
      out[kv.key()] = kv.value();
    }
  }
  return out;
}

}  // namespace im::monitor

#include "http/metrics.h"

#include <fmt/format.h>

namespace im::http {

std::string PromLabel(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

void Metrics::RecordRequest(const std::string& route, const std::string& method, int status,
                            Duration latency) {
  double seconds = std::chrono::duration<double>(latency).count();
  std::lock_guard lock(mu_);
  requests_[{route, method, status}]++;
  Histogram& h = latency_[route];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) h.counts[i]++;
  }
  h.count++;
  h.sum += seconds;
}

void Metrics::Render(std::string& out) const {
  std::lock_guard lock(mu_);
  out += "# HELP im_http_requests_total HTTP requests served, by route pattern and status.\n";
  out += "# TYPE im_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    const auto& [route, method, status] = key;
    out += fmt::format("im_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n",
                       PromLabel(route), method, status, n);
  }
  out += "# HELP im_http_request_duration_seconds Time to serve a request.\n";
  out += "# TYPE im_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    std::string label = PromLabel(route);
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      out += fmt::format("im_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n",
                         label, kBuckets[i], h.counts[i]);
    }
    out += fmt::format("im_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n",
                       label, h.count);
    out += fmt::format("im_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", label, h.sum);
    out +=
        fmt::format("im_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", label, h.count);
  }
}

}  // namespace im::http

// Request counters and latency histograms in the Prometheus text format, plus a hook for
// gauges computed at scrape time (incidents by status, SLA breaches, ...).
#pragma once

#include <array>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

#include "common/clock.h"

namespace im::http {

class Metrics {
 public:
  void RecordRequest(const std::string& route, const std::string& method, int status,
                     Duration latency);
  // Appends the text exposition of everything recorded so far.
  void Render(std::string& out) const;

 private:
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1,    5};
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> counts{};
    uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, uint64_t> requests_;  // GUARDED_BY(mu_)
  std::map<std::string, Histogram> latency_;                                // GUARDED_BY(mu_)
};

// Escapes a label value for the text format.
std::string PromLabel(std::string_view value);

}  // namespace im::http

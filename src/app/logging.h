// Structured logs: every line has a time, a level, a component and a message. On a terminal
// they are text; otherwise (and always in <data_dir>/logs/im.log) JSON lines, which
// `im logs` reads back.
#pragma once

#include <spdlog/spdlog.h>

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace im::app {

class Logs {
 public:
  // `format`: auto, text or json for stderr. `file`: JSON-lines file to append to ("" = none).
  static Result<std::unique_ptr<Logs>> Open(const std::string& level, const std::string& format,
                                            const std::string& file);
  // A logger for one component ("http", "store", "sla", "connector.pd-prod").
  std::shared_ptr<spdlog::logger> For(const std::string& component);
  // Writes out what the sinks buffer (lines below warn are not flushed one by one).
  void Flush();

 private:
  std::vector<spdlog::sink_ptr> sinks_;
  spdlog::level::level_enum level_ = spdlog::level::info;
};

// The components im logs under: "connector" (syncs, the outbox, provider calls), "http" (the
// access log), "sla" (the breach sweep) and "webhook" (provider webhook deliveries).
inline constexpr std::array<std::string_view, 4> kLogComponents = {"connector", "http", "sla",
                                                                   "webhook"};

// Fails naming the known components when `component` is none of them (nor "<one of them>.x").
Result<void> CheckLogComponent(std::string_view component);

struct LogLine {
  std::string time;
  std::string level;
  std::string component;
  std::string message;
};

// Reads the JSON-lines file, keeping lines of `component` (all when empty) whose message
// contains `filter` in any case; skips lines that are not ours rather than failing.
Result<std::vector<LogLine>> ReadLogs(const std::string& file, const std::string& component,
                                      const std::string& filter);

}  // namespace im::app

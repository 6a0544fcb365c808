#include "app/logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>

#include "common/json.h"
#include "common/time.h"

namespace im::app {
namespace {

// Formats a record as one JSON object per line, escaping the message properly (a plain
// spdlog pattern cannot).
class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    auto t = std::chrono::time_point_cast<std::chrono::microseconds>(msg.time);
    std::string ts = FormatTime(t);
    json::object o{{"ts", ts},
                   {"level", std::string(spdlog::level::to_string_view(msg.level).data(),
                                         spdlog::level::to_string_view(msg.level).size())},
                   {"component", std::string(msg.logger_name.data(), msg.logger_name.size())},
                   {"msg", std::string(msg.payload.data(), msg.payload.size())}};
    std::string line = json::Serialize(o);
    line.push_back('\n');
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

// ASCII case-insensitive search: `--filter pagerduty` finds "PagerDuty" too.
bool ContainsAnyCase(std::string_view text, std::string_view needle) {
  auto lower = [](unsigned char c) { return static_cast<char>(std::tolower(c)); };
  return std::search(text.begin(), text.end(), needle.begin(), needle.end(),
                     [&](char a, char b) { return lower(a) == lower(b); }) != text.end();
}

}  // namespace

Result<std::unique_ptr<Logs>> Logs::Open(const std::string& level, const std::string& format,
                                         const std::string& file) {
  auto logs = std::make_unique<Logs>();
  logs->level_ = spdlog::level::from_str(level);
  auto console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  bool text = format == "text" || (format == "auto" && isatty(STDERR_FILENO));
  if (text) {
    console->set_formatter(std::make_unique<spdlog::pattern_formatter>(
        "%Y-%m-%dT%H:%M:%S.%fZ %^%-5l%$ [%n] %v", spdlog::pattern_time_type::utc));
  } else {
    console->set_formatter(std::make_unique<JsonFormatter>());
  }
  logs->sinks_.push_back(console);
  if (!file.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(file).parent_path(), ec);
    try {
      auto sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(file, false);
      sink->set_formatter(std::make_unique<JsonFormatter>());
      logs->sinks_.push_back(sink);
    } catch (const spdlog::spdlog_ex& e) {
      return Fail(ErrorCode::kUnavailable,
                  "cannot open log file " + file + ": " + e.what() + " (check permissions)");
    }
  }
  return logs;
}

void Logs::Flush() {
  for (auto& sink : sinks_) sink->flush();
}

std::shared_ptr<spdlog::logger> Logs::For(const std::string& component) {
  // Not registered in spdlog's global registry: loggers are handed to whoever needs them.
  auto logger = std::make_shared<spdlog::logger>(component, sinks_.begin(), sinks_.end());
  logger->set_level(level_);
  // Warnings and errors reach the file at once; routine lines (the access log) are flushed by
  // the server every second, so a busy server does not pay a write per request.
  logger->flush_on(spdlog::level::warn);
  return logger;
}

Result<void> CheckLogComponent(std::string_view component) {
  for (std::string_view known : kLogComponents) {
    if (component == known || (component.starts_with(known) && component.size() > known.size() &&
                               component[known.size()] == '.')) {
      return Ok();
    }
  }
  std::string list;
  for (std::string_view known : kLogComponents) {
    list += (list.empty() ? "" : ", ") + std::string(known);
  }
  return Fail(ErrorCode::kInvalidArgument,
              "unknown component '" + std::string(component) + "': use one of " + list);
}

Result<std::vector<LogLine>> ReadLogs(const std::string& file, const std::string& component,
                                      const std::string& filter) {
  std::ifstream in(file);
  if (!in) {
    return Fail(ErrorCode::kNotFound,
                "no log file at " + file + ": run `im serve` first, or check --data-dir");
  }
  std::vector<LogLine> out;
  std::string line;
  while (std::getline(in, line)) {
    auto v = json::Parse(line);
    if (!v || !v->is_object()) continue;
    const auto& o = v->as_object();
    auto get = [&](const char* k) {
      auto it = o.find(k);
      return it != o.end() && it->value().is_string() ? std::string(it->value().as_string())
                                                      : std::string();
    };
    LogLine l{get("ts"), get("level"), get("component"), get("msg")};
    if (!component.empty() && l.component != component &&
        !l.component.starts_with(component + ".")) {
      continue;
    }
    if (!filter.empty() && !ContainsAnyCase(l.message, filter)) continue;
    out.push_back(std::move(l));
  }
  return out;
}

}  // namespace im::app

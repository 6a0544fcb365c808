#include "cli/connector_prompts.h"

#include <cctype>
#include <iostream>
#include <optional>
#include <vector>

#include "connectors/connector_config.h"
#include "connectors/registry.h"

namespace im::cli {
namespace {

constexpr int kMaxPromptTries = 5;

// The answer as typed, with surrounding spaces dropped; nullopt when the input ended.
std::optional<std::string> ReadPromptAnswer(const connectors::ConnectorQuestion& q,
                                            PromptStreams& io) {
  io.out << q.text << (q.fallback.empty() ? "" : " [" + q.fallback + "]") << ": " << std::flush;
  if (q.secret) {
    io.out << "(input hidden) " << std::flush;
    if (io.hide_input) io.hide_input(true);
  }
  std::string line;
  bool got = static_cast<bool>(std::getline(io.in, line));
  if (q.secret) {
    if (io.hide_input) io.hide_input(false);
    io.out << "\n";
  }
  if (!got) return std::nullopt;
  while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.pop_back();
  size_t start = 0;
  while (start < line.size() && std::isspace(static_cast<unsigned char>(line[start]))) ++start;
  return line.substr(start);
}

}  // namespace

Result<json::object> AskConnectorConfig(const std::string& type, const std::string& name,
                                        PromptStreams io) {
  // Refuses an unknown type or a bad name before asking anything.
  auto entry = connectors::BuiltinConnectorTypes().Find(type);
  if (!entry) return std::unexpected(entry.error());
  if (auto ok = connectors::ValidateConnectorName(name); !ok) return std::unexpected(ok.error());
  json::object config;
  json::object custom;
  for (const connectors::ConnectorQuestion& q : (*entry)->questions) {
    for (int tries = 1;; ++tries) {
      auto answer = ReadPromptAnswer(q, io);
      if (!answer) {
        return Fail(ErrorCode::kInvalidArgument,
                    "no answer for " + q.field + " (the input ended); nothing was added");
      }
      std::string value = answer->empty() ? q.fallback : *answer;
      // The answers so far plus this one, checked as a whole: the earlier ones passed, so an
      // error is this answer's.
      json::object trial = config;
      json::object trial_custom = custom;
      if (!value.empty()) (q.custom ? trial_custom : trial)[q.field] = value;
      trial["custom"] = trial_custom;
      if (!trial.contains("api_key")) trial["api_key"] = "";
      auto ok = connectors::ParseConnectorConfig(**entry, name, trial);
      if (ok) {
        if (!value.empty()) (q.custom ? custom : config)[q.field] = value;
        break;
      }
      if (tries >= kMaxPromptTries) {
        return Fail(ErrorCode::kInvalidArgument, ok.error().message + " (" +
                                                     std::to_string(kMaxPromptTries) +
                                                     " tries); nothing was added");
      }
      io.out << "  " << ok.error().message << "; try again\n";
    }
  }
  if (!custom.empty()) config["custom"] = std::move(custom);
  return config;
}

}  // namespace im::cli

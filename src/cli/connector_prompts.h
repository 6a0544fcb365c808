// The questions `im connector add TYPE NAME` asks on a terminal when no --config is given. Each
// answer is checked as soon as it is given, by the rules of the connector config itself
// (connectors::ParseConnectorConfig); a bad one is explained and asked again at once, and the
// answers already given are kept.
#pragma once

#include <functional>
#include <iosfwd>
#include <string>

#include "common/error.h"
#include "common/json.h"

namespace im::cli {

struct PromptStreams {
  std::istream& in;
  std::ostream& out;  // the questions and the explanations (stderr in the CLI)
  // Turns the terminal's echo off (true) and on again (false) around a secret; may be empty.
  std::function<void(bool hide)> hide_input;
};

// The config JSON from the answers. Fails when the input ends, or after 5 bad answers to one
// question.
Result<json::object> AskConnectorConfig(const std::string& type, const std::string& name,
                                        PromptStreams io);

}  // namespace im::cli

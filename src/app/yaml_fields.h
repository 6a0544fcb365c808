// Reading the YAML config file: shared by the parsers of its sections.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "common/error.h"

namespace im::app {

// The text of the single value at `node`; an error naming `key` (its path, like "sla.at_risk")
// in `where` (the file) when it is a list or a mapping.
Result<std::string> YamlScalar(const YAML::Node& node, const std::string& key,
                               const std::string& where);

}  // namespace im::app

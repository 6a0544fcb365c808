// The `monitors:` list of the YAML config: each entry is a monitor definition in the same form
// as the API's JSON (docs/monitors.md), checked when the config is read, and declared (added
// or replaced by name) when `im serve` starts.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "common/error.h"
#include "common/json.h"

namespace im::app {

// Converts and validates the list; errors name "<where>: monitors[i].<field>".
Result<std::vector<json::object>> ReadMonitorsYaml(const YAML::Node& list,
                                                   const std::string& where);

// A YAML node as JSON: whole numbers and true/false become numbers and booleans.
json::value YamlToJson(const YAML::Node& node);

}  // namespace im::app

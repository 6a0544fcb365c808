// The `dora:` section of the config file (docs/dora.md): the attribution window, the DORA
// environment, whether low-urgency incidents count, the default zone for weekly series, and the
// per-source secrets that sign POST /webhooks/deployments. IM_DEPLOY_WEBHOOK_SECRET adds a
// secret named "default".
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <string>

#include "common/clock.h"
#include "common/error.h"

namespace im::app {

struct DoraConfig {
  Duration window_before = std::chrono::hours(4);
  Duration window_after = std::chrono::hours(4);
  std::string environment = "production";
  bool include_low_urgency = false;
  std::string zone = "UTC";
  std::map<std::string, std::string> webhook_secrets;  // source name → HMAC secret
};

// Applies `node` (the value of `dora:`) to `c`; errors name the key and `where` (the file).
Result<void> ApplyDoraConfig(const YAML::Node& node, DoraConfig& c, const std::string& where);

}  // namespace im::app

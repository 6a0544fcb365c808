// The configuration every HTTP integration test starts its ServerApp from: the test's own data
// directory, a port the system picks, and quiet JSON logs.
#pragma once

#include <filesystem>

#include "app/config.h"

namespace im::app {

inline Config TestServerConfig(const std::filesystem::path& data_dir) {
  Config config;
  config.data_dir = data_dir.string();
  config.listen = "127.0.0.1:0";
  config.log_level = "warn";
  config.log_format = "json";
  return config;
}

}  // namespace im::app

// The configuration every HTTP integration test starts its ServerApp from: the test's own data
// directory (or, under IM_TEST_BACKEND=postgres, the test's own PostgreSQL database that
// fakes/pg_backend_listener.cc names in IM_DATABASE_URL), a port the system picks, and quiet
// JSON logs.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string_view>

#include "app/config.h"

namespace im::app {

inline Config TestServerConfig(const std::filesystem::path& data_dir) {
  Config config;
  config.data_dir = data_dir.string();
  config.listen = "127.0.0.1:0";
  config.log_level = "warn";
  config.log_format = "json";
  const char* backend = std::getenv("IM_TEST_BACKEND");
  const char* url = std::getenv("IM_DATABASE_URL");
  if (backend != nullptr && std::string_view(backend) == "postgres" && url != nullptr) {
    config.database_url = url;
  }
  return config;
}

}  // namespace im::app

// im's configuration: one YAML file, IM_* environment variables and command-line flags, with
// precedence flags > environment > file > defaults. An unknown key is an error that names it.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "app/dora_config.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/json.h"
#include "core/sla.h"
#include "store/schema_options.h"

namespace im::app {

struct Config {
  std::string data_dir;  // where im.db and logs/ live
  // Where the incidents are kept: "sqlite:PATH" or a path; "" = <data_dir>/im.db.
  std::string database_url;
  std::string listen = "127.0.0.1:8080";
  // How people reach this im (links in pages: https://im.example.com); "" → no links.
  std::string public_url;
  std::string actor;                // default email for CLI commands
  std::string log_level = "info";   // trace, debug, info, warn, error
  std::string log_format = "auto";  // auto (text on a terminal, else JSON), text, json
  core::SlaPolicy sla = core::SlaPolicy::Default();
  Duration sla_sweep_interval = std::chrono::seconds(30);
  size_t http_body_limit = 1 << 20;
  std::chrono::seconds http_read_timeout{30};
  std::chrono::seconds http_write_timeout{30};
  std::chrono::seconds http_idle_timeout{75};
  int http_io_threads = 2;
  int http_worker_threads = 16;
  // http.reads_need_login: GETs of /api/v1 need a token or a dashboard session too.
  bool http_reads_need_login = false;
  DoraConfig dora;  // DORA metrics and deployment webhooks (docs/dora.md)
  // Monitors declared in the file (docs/monitors.md), in the API's JSON form; `im serve` adds
  // or replaces them by name when it starts.
  std::vector<json::object> monitors;
  // How long monitors' check results are kept (pruned hourly); uptime over 30 d needs 30 d.
  Duration monitor_retention = std::chrono::days(30);
  // The `notifications:` section (docs/notifications.md) as JSON: rules, escalation,
  // escalation_channels; checked when the runtime opens (app/notify_config.h).
  json::object notifications;
  // `instances:` — several `im serve` on one database (docs/deployment.md): how often each
  // instance says it is alive, after how long without that it counts as dead (its monitors
  // move to the others), and how long a job's claim lasts unless renewed.
  Duration instance_heartbeat = std::chrono::seconds(2);
  Duration instance_ttl = std::chrono::seconds(10);
  Duration job_claim_ttl = std::chrono::seconds(30);
  std::string config_file;  // the file that was read, if any
  // Not from the file: `im serve --no-migrate` sets migrate to false; a test's next-release
  // binary (BuildVariant) adds migrations and job module versions.
  store::SchemaOptions schema;
  std::map<std::string, int> job_modules;  // empty: app::JobModuleVersions()
};

// What a build adds to the stock one: the test of rolling upgrades builds a "next release"
// with one more migration and a bumped job module (tests/cli/next_im_main.cc).
struct BuildVariant {
  std::vector<store::LaterMigration> later_migrations;
  std::map<std::string, int> job_modules;  // replaces JobModuleVersions() when not empty
};

// Values given on the command line; unset ones fall through to the environment and the file.
struct FlagOverrides {
  std::optional<std::string> config_file;
  std::optional<std::string> data_dir;
  std::optional<std::string> listen;
  std::optional<std::string> actor;
  std::optional<std::string> log_level;
};

using Environment = std::map<std::string, std::string>;
// The IM_* variables (and HOME, USER, LOGNAME, XDG_*) of this process, and under
// kPasswdUserKey (not a variable name) the process user's name from the password database.
Environment ProcessEnvironment();
inline constexpr const char* kPasswdUserKey = "passwd:name";

// Reads the file (flag --config, else IM_CONFIG, else ~/.config/im/config.yaml when it exists).
Result<Config> LoadConfig(const FlagOverrides& flags, const Environment& env);

// "host:port" → parts, with a clear error.
Result<std::pair<std::string, uint16_t>> ParseListen(const std::string& listen);

}  // namespace im::app

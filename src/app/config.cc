#include "app/config.h"
#include "app/monitors_yaml.h"
#include "app/yaml_fields.h"

#include <yaml-cpp/yaml.h>

#include <pwd.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "common/time.h"

extern char** environ;

namespace im::app {
namespace {

Result<void> CheckKeys(const YAML::Node& node, const std::string& path,
                       const std::set<std::string>& known, const std::string& where) {
  if (!node.IsMap()) return InvalidAt(where, "'" + path + "' must be a mapping");
  for (const auto& kv : node) {
    auto key = kv.first.as<std::string>();
    if (!known.contains(key)) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      return InvalidAt(where, "unknown key '" + (path.empty() ? key : path + "." + key) +
                                  "'; known keys here are: " + list);
    }
  }
  return Ok();
}

Result<void> ApplyLog(const YAML::Node& log, Config& c, const std::string& where) {
  if (auto ok = CheckKeys(log, "log", {"level", "format"}, where); !ok) return ok;
  if (log["level"]) {
    auto v = YamlScalar(log["level"], "log.level", where);
    if (!v) return std::unexpected(v.error());
    c.log_level = *v;
  }
  if (log["format"]) {
    auto v = YamlScalar(log["format"], "log.format", where);
    if (!v) return std::unexpected(v.error());
    c.log_format = *v;
  }
  return Ok();
}

Result<void> ApplySla(const YAML::Node& sla, Config& c, const std::string& where) {
  if (auto ok = CheckKeys(sla, "sla",
                          {"SEV-1", "SEV-2", "SEV-3", "SEV-4", "at_risk", "sweep_interval"}, where);
      !ok) {
    return ok;
  }
  for (int sev = 1; sev <= 4; ++sev) {
    std::string name = "SEV-" + std::to_string(sev);
    const YAML::Node target = sla[name];
    if (!target) continue;
    if (auto ok = CheckKeys(target, "sla." + name, {"acknowledge", "resolve"}, where); !ok) {
      return ok;
    }
    auto& t = c.sla.targets[sev - 1];
    for (auto [key, field] :
         {std::pair{"acknowledge", &t.acknowledge}, std::pair{"resolve", &t.resolve}}) {
      if (!target[key]) continue;
      auto text = YamlScalar(target[key], "sla." + name + "." + key, where);
      if (!text) return std::unexpected(text.error());
      auto d = ParseDuration(*text);
      if (!d || d->count() == 0) {
        return InvalidAt(where, "'sla." + name + "." + key + "' must be a duration like 15m or 4h");
      }
      *field = *d;
    }
  }
  if (sla["at_risk"]) {
    auto text = YamlScalar(sla["at_risk"], "sla.at_risk", where);
    if (!text) return std::unexpected(text.error());
    char* end = nullptr;
    double v = std::strtod(text->c_str(), &end);
    if (*end != '\0' || v <= 0 || v >= 1) {
      return InvalidAt(where, "'sla.at_risk' must be a fraction between 0 and 1, like 0.75");
    }
    c.sla.at_risk_fraction = v;
  }
  if (sla["sweep_interval"]) {
    auto text = YamlScalar(sla["sweep_interval"], "sla.sweep_interval", where);
    if (!text) return std::unexpected(text.error());
    auto d = ParseDuration(*text);
    if (!d || d->count() == 0) return InvalidAt(where, "'sla.sweep_interval' must be a duration");
    c.sla_sweep_interval = *d;
  }
  return Ok();
}

Result<void> ApplyInstances(const YAML::Node& node, Config& c, const std::string& where) {
  if (auto ok = CheckKeys(node, "instances", {"heartbeat", "ttl", "claim_ttl"}, where); !ok) {
    return ok;
  }
  for (auto [key, field] :
       {std::pair{"heartbeat", &c.instance_heartbeat}, std::pair{"ttl", &c.instance_ttl},
        std::pair{"claim_ttl", &c.job_claim_ttl}}) {
    if (!node[key]) continue;
    auto text = YamlScalar(node[key], std::string("instances.") + key, where);
    if (!text) return std::unexpected(text.error());
    auto d = ParseDuration(*text);
    if (!d || d->count() <= 0) {
      return InvalidAt(where, std::string("'instances.") + key + "' must be a duration like 10s");
    }
    *field = *d;
  }
  if (c.instance_ttl < 2 * c.instance_heartbeat || c.job_claim_ttl < 2 * c.instance_heartbeat) {
    return InvalidAt(where,
                     "'instances.ttl' and 'instances.claim_ttl' must be at least twice "
                     "'instances.heartbeat', or live instances would be taken for dead");
  }
  return Ok();
}

Result<void> ApplyHttp(const YAML::Node& http, Config& c, const std::string& where) {
  if (auto ok = CheckKeys(http, "http",
                          {"body_limit", "read_timeout", "write_timeout", "idle_timeout",
                           "io_threads", "worker_threads", "reads_need_login"},
                          where);
      !ok) {
    return ok;
  }
  auto integer = [&](const char* key, auto& out, int64_t min, int64_t max) -> Result<void> {
    if (!http[key]) return Ok();
    auto text = YamlScalar(http[key], std::string("http.") + key, where);
    if (!text) return std::unexpected(text.error());
    int64_t v = 0;
    auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
    if (ec != std::errc() || p != text->data() + text->size() || v < min || v > max) {
      return InvalidAt(where, std::string("'http.") + key + "' must be a whole number from " +
                                  std::to_string(min) + " to " + std::to_string(max));
    }
    out = static_cast<std::remove_reference_t<decltype(out)>>(v);
    return Ok();
  };
  auto seconds = [&](const char* key, std::chrono::seconds& out) -> Result<void> {
    if (!http[key]) return Ok();
    auto text = YamlScalar(http[key], std::string("http.") + key, where);
    if (!text) return std::unexpected(text.error());
    auto d = ParseDuration(*text);
    if (!d || d->count() == 0) {
      return InvalidAt(where, std::string("'http.") + key + "' must be a duration like 30s");
    }
    out = std::chrono::duration_cast<std::chrono::seconds>(*d);
    return Ok();
  };
  if (http["reads_need_login"]) {
    auto text = YamlScalar(http["reads_need_login"], "http.reads_need_login", where);
    if (!text) return std::unexpected(text.error());
    if (*text != "true" && *text != "false") {
      return InvalidAt(where, "'http.reads_need_login' must be true or false");
    }
    c.http_reads_need_login = *text == "true";
  }
  for (auto ok : {integer("body_limit", c.http_body_limit, 1024, 1 << 30),
                  integer("io_threads", c.http_io_threads, 1, 64),
                  integer("worker_threads", c.http_worker_threads, 1, 256),
                  seconds("read_timeout", c.http_read_timeout),
                  seconds("write_timeout", c.http_write_timeout),
                  seconds("idle_timeout", c.http_idle_timeout)}) {
    if (!ok) return ok;
  }
  return Ok();
}

Result<void> ApplyFile(const std::string& path, Config& c) {
  std::string where = "config file " + path;
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    return Fail(ErrorCode::kNotFound, "cannot read " + where + ": check the path and permissions");
  } catch (const YAML::Exception& e) {
    return InvalidAt(where, std::string("not valid YAML: ") + e.what());
  }
  if (root.IsNull()) return Ok();
  try {
    if (auto ok = CheckKeys(
            root, "",
            {"data_dir", "database_url", "listen", "actor", "public_url", "log", "sla", "http",
             "dora", "monitors", "monitor_retention", "notifications", "instances"},
            where);
        !ok) {
      return ok;
    }
    for (auto [key, field] :
         {std::pair{"data_dir", &c.data_dir}, std::pair{"database_url", &c.database_url},
          std::pair{"listen", &c.listen}, std::pair{"actor", &c.actor},
          std::pair{"public_url", &c.public_url}}) {
      if (!root[key]) continue;
      auto v = YamlScalar(root[key], key, where);
      if (!v) return std::unexpected(v.error());
      *field = *v;
    }
    if (root["log"]) {
      if (auto ok = ApplyLog(root["log"], c, where); !ok) return ok;
    }
    if (root["sla"]) {
      if (auto ok = ApplySla(root["sla"], c, where); !ok) return ok;
    }
    if (root["http"]) {
      if (auto ok = ApplyHttp(root["http"], c, where); !ok) return ok;
    }
    if (root["dora"]) {
      if (auto ok = ApplyDoraConfig(root["dora"], c.dora, where); !ok) return ok;
    }
    if (root["monitors"]) {
      auto monitors = ReadMonitorsYaml(root["monitors"], where);
      if (!monitors) return std::unexpected(monitors.error());
      c.monitors = std::move(*monitors);
    }
    if (root["monitor_retention"]) {
      auto text = YamlScalar(root["monitor_retention"], "monitor_retention", where);
      if (!text) return std::unexpected(text.error());
      auto d = ParseDuration(*text);
      if (!d || *d < std::chrono::days(1)) {
        return InvalidAt(where,
                         "'monitor_retention' must be a duration of at least 1d, like 30d "
                         "or 90d");
      }
      c.monitor_retention = *d;
    }
    if (root["instances"]) {
      if (auto ok = ApplyInstances(root["instances"], c, where); !ok) return ok;
    }
    if (root["notifications"]) {
      json::value v = YamlToJson(root["notifications"]);
      if (!v.is_object()) return InvalidAt(where + ": notifications", "must be a mapping");
      c.notifications = v.as_object();
    }
  } catch (const YAML::Exception& e) {
    return InvalidAt(where, e.what());
  }
  c.config_file = path;
  return Ok();
}

std::optional<std::string> Get(const Environment& env, const std::string& key) {
  auto it = env.find(key);
  if (it == env.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

}  // namespace

Result<std::string> YamlScalar(const YAML::Node& node, const std::string& key,
                               const std::string& where) {
  if (!node.IsScalar()) return InvalidAt(where, "'" + key + "' must be a single value");
  return node.as<std::string>();
}

Environment ProcessEnvironment() {
  Environment env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv(*e);
    auto eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    std::string key(kv.substr(0, eq));
    if (key.starts_with("IM_") || key == "HOME" || key == "USER" || key == "LOGNAME" ||
        key == "XDG_DATA_HOME" || key == "XDG_CONFIG_HOME") {
      env[key] = std::string(kv.substr(eq + 1));
    }
  }
  // Cron jobs, containers and `env -i` often run without USER.
  std::vector<char> buf(16384);
  passwd pw{};
  passwd* found = nullptr;
  if (getpwuid_r(geteuid(), &pw, buf.data(), buf.size(), &found) == 0 && found && found->pw_name) {
    env[kPasswdUserKey] = found->pw_name;
  }
  return env;
}

Result<Config> LoadConfig(const FlagOverrides& flags, const Environment& env) {
  Config c;
  std::string home = Get(env, "HOME").value_or(".");
  c.data_dir = Get(env, "XDG_DATA_HOME").value_or(home + "/.local/share") + "/im";

  std::optional<std::string> file = flags.config_file;
  if (!file) file = Get(env, "IM_CONFIG");
  if (!file) {
    std::string fallback =
        Get(env, "XDG_CONFIG_HOME").value_or(home + "/.config") + "/im/config.yaml";
    if (std::filesystem::exists(fallback)) file = fallback;
  }
  if (file) {
    if (auto ok = ApplyFile(*file, c); !ok) return std::unexpected(ok.error());
  }

  for (auto [key, field] :
       {std::pair{"IM_DATA_DIR", &c.data_dir}, std::pair{"IM_DATABASE_URL", &c.database_url},
        std::pair{"IM_LISTEN", &c.listen}, std::pair{"IM_ACTOR", &c.actor},
        std::pair{"IM_LOG_LEVEL", &c.log_level}, std::pair{"IM_LOG_FORMAT", &c.log_format},
        std::pair{"IM_PUBLIC_URL", &c.public_url}}) {
    if (auto v = Get(env, key)) *field = *v;
  }
  if (auto secret = Get(env, "IM_DEPLOY_WEBHOOK_SECRET")) {
    c.dora.webhook_secrets["default"] = *secret;
  }
  if (flags.data_dir) c.data_dir = *flags.data_dir;
  if (flags.listen) c.listen = *flags.listen;
  if (flags.actor) c.actor = *flags.actor;
  if (flags.log_level) c.log_level = *flags.log_level;

  static const std::set<std::string> kLevels = {"trace", "debug", "info", "warn", "error"};
  if (!kLevels.contains(c.log_level)) {
    return Fail(ErrorCode::kInvalidArgument,
                "log level '" + c.log_level + "' is not one of trace, debug, info, warn, error");
  }
  if (c.log_format != "auto" && c.log_format != "text" && c.log_format != "json") {
    return Fail(ErrorCode::kInvalidArgument,
                "log format '" + c.log_format + "' is not one of auto, text, json");
  }
  if (auto ok = ParseListen(c.listen); !ok) return std::unexpected(ok.error());
  if (c.actor.empty()) {
    // The OS user, as an address on this host: a person can still be told apart.
    auto user = Get(env, "USER");
    if (!user) user = Get(env, "LOGNAME");
    if (!user) user = Get(env, kPasswdUserKey);
    c.actor = user.value_or("unknown") + "@localhost";
  }
  return c;
}

Result<std::pair<std::string, uint16_t>> ParseListen(const std::string& listen) {
  auto colon = listen.rfind(':');
  auto bad = [&] {
    return Fail(ErrorCode::kInvalidArgument,
                "listen address '" + listen + "' must be HOST:PORT, like 127.0.0.1:8080");
  };
  if (colon == std::string::npos || colon == 0) return bad();
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  int port = 0;
  auto digits = std::string_view(listen).substr(colon + 1);
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (digits.empty() || ec != std::errc() || p != digits.data() + digits.size() || port < 0 ||
      port > 65535) {
    return bad();
  }
  return std::pair{host, static_cast<uint16_t>(port)};
}

}  // namespace im::app

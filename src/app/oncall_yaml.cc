// Reads the on-call YAML file by turning it into the API's JSON (remembering the line of every
// field) and decoding that with schedule_json, so the file and the API accept exactly the same
// thing and every error can point at a line.
#include "app/oncall_yaml.h"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>

#include "common/json.h"
#include "core/email.h"
#include "schedule/schedule_json.h"

namespace im::app {
namespace {

class Converter {
 public:
  explicit Converter(std::map<std::string, int>& lines) : lines_(lines) {}

  // Throws YAML::Exception only from yaml-cpp itself; the caller catches it.
  json::value Convert(const YAML::Node& node, const std::string& path) {
    Mark(path, node.Mark());
    switch (node.Type()) {
      case YAML::NodeType::Map: {
        json::object o;
        for (const auto& kv : node) {
          const std::string key = kv.first.as<std::string>();
          const std::string child = path.empty() ? key : path + "." + key;
          Mark(child, kv.first.Mark());
          o[key] = Convert(kv.second, child);
          Mark(child, kv.first.Mark());  // the key's line, not the value's
        }
        return o;
      }
      case YAML::NodeType::Sequence: {
        json::array a;
        for (size_t i = 0; i < node.size(); ++i) {
          a.push_back(Convert(node[i], path + "[" + std::to_string(i) + "]"));
        }
        return a;
      }
      case YAML::NodeType::Scalar: return ScalarValue(node);
      default: return nullptr;
    }
  }

 private:
  void Mark(const std::string& path, const YAML::Mark& mark) {
    if (mark.line >= 0) lines_[path] = mark.line + 1;
  }

  // Plain scalars are typed as YAML 1.2's core schema types them; quoted ones stay strings.
  static json::value ScalarValue(const YAML::Node& node) {
    const std::string& s = node.Scalar();
    if (node.Tag() == "!") return json::value(s);
    if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
    int64_t n = 0;
    const char* begin = s.data() + (s[0] == '+' ? 1 : 0);
    auto [p, ec] = std::from_chars(begin, s.data() + s.size(), n);
    if (ec == std::errc() && p == s.data() + s.size()) return n;
    return json::value(s);
  }

  std::map<std::string, int>& lines_;
};

Result<store::Person> PersonFromJson(const json::value& v, const std::string& path) {
  if (!v.is_object()) return InvalidAt(path, "must be a mapping with email, name and time_zone");
  store::Person p;
  for (const auto& kv : v.get_object()) {
    const std::string key(kv.key());
    std::string* field = key == "email"       ? &p.email
                         : key == "name"      ? &p.name
                         : key == "time_zone" ? &p.time_zone
                                              : nullptr;
    if (!field)
      return InvalidAt(path + "." + key,
                       "unknown field; known fields here are: email, name, time_zone");
    if (!kv.value().is_string()) return InvalidAt(path + "." + key, "must be a string");
    *field = std::string(kv.value().get_string());
  }
  if (auto ok = core::ValidateEmail(p.email, "email"); !ok) {
    return InvalidAt(path + ".email", ok.error().message);
  }
  return p;
}

Result<store::SourceContents> Decode(const json::value& root) {
  store::SourceContents out;
  if (root.is_null()) return out;
  if (!root.is_object())
    return InvalidAt("(top level)",
                     "must be a mapping with schedules, escalation_policies and people");
  auto list = [&](std::string_view key, auto&& item) -> Result<void> {
    auto it = root.get_object().find(key);
    if (it == root.get_object().end() || it->value().is_null()) return Ok();
    if (!it->value().is_array()) return InvalidAt(std::string(key), "must be a list");
    const auto& a = it->value().get_array();
    for (size_t i = 0; i < a.size(); ++i) {
      if (auto ok = item(a[i], std::string(key) + "[" + std::to_string(i) + "]"); !ok) return ok;
    }
    return Ok();
  };
  for (const auto& kv : root.get_object()) {
    if (kv.key() != "schedules" && kv.key() != "escalation_policies" && kv.key() != "people") {
      return InvalidAt(std::string(kv.key()),
                       "unknown key; known keys here are: schedules, escalation_policies, people");
    }
  }
  auto ok = list("schedules", [&](const json::value& v, const std::string& path) -> Result<void> {
    auto s = schedule::ScheduleFromJson(v, path);
    if (!s) return std::unexpected(s.error());
    out.schedules.push_back({.schedule = std::move(*s)});
    return Ok();
  });
  if (ok) {
    ok = list("escalation_policies",
              [&](const json::value& v, const std::string& path) -> Result<void> {
                auto p = schedule::PolicyFromJson(v, path);
                if (!p) return std::unexpected(p.error());
                out.policies.push_back({.policy = std::move(*p)});
                return Ok();
              });
  }
  if (ok) {
    ok = list("people", [&](const json::value& v, const std::string& path) -> Result<void> {
      auto p = PersonFromJson(v, path);
      if (!p) return std::unexpected(p.error());
      out.people.push_back(std::move(*p));
      return Ok();
    });
  }
  if (!ok) return std::unexpected(ok.error());
  return out;
}

// The field path an error message starts with ("schedules[0].time_zone: ..."), or "".
std::string PathOf(const std::string& message) {
  size_t n = 0;
  while (n < message.size() && (std::isalnum(static_cast<unsigned char>(message[n])) ||
                                std::string_view("_.[]").find(message[n]) != std::string::npos)) {
    ++n;
  }
  return n < message.size() && message[n] == ':' ? message.substr(0, n) : "";
}

}  // namespace

Error OnCallFile::Locate(const Error& error) const {
  std::string path = PathOf(error.message);
  while (!path.empty()) {
    if (auto it = lines.find(path); it != lines.end()) {
      return Error{error.code, name + ":" + std::to_string(it->second) + ": " + error.message};
    }
    size_t cut = path.find_last_of(".[");
    path = cut == std::string::npos ? "" : path.substr(0, cut);
  }
  return Error{error.code, name + ": " + error.message};
}

Result<OnCallFile> ParseOnCallYaml(std::string_view text, const std::string& name) {
  OnCallFile file{.name = name};
  json::value root;
  try {
    Converter converter(file.lines);
    root = converter.Convert(YAML::Load(std::string(text)), "");
  } catch (const YAML::Exception& e) {
    return Fail(ErrorCode::kInvalidArgument,
                name + ":" + std::to_string(e.mark.line + 1) + ": not valid YAML: " + e.msg);
  }
  auto contents = Decode(root);
  if (!contents) return std::unexpected(file.Locate(contents.error()));
  file.contents = std::move(*contents);
  return file;
}

Result<OnCallFile> LoadOnCallYaml(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return Fail(ErrorCode::kNotFound, "cannot read " + path + ": check the path and permissions");
  }
  std::stringstream text;
  text << in.rdbuf();
  return ParseOnCallYaml(text.str(), path);
}

}  // namespace im::app

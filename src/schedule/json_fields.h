// Checked reading of one JSON object for the schedule decoders: unknown fields, wrong types and
// missing values become kInvalidArgument errors that name the full path of the field.
#pragma once

#include <algorithm>
#include <chrono>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/json.h"
#include "common/time.h"

namespace im::schedule::internal {

inline std::unexpected<Error> Bad(const std::string& path, const std::string& what) {
  return Fail(ErrorCode::kInvalidArgument, path + ": " + what);
}

// A JSON object being read, with the path that names it in errors.
class Fields {
 public:
  static Result<Fields> Of(const json::value& v, std::string path,
                           std::initializer_list<std::string_view> allowed) {
    if (!v.is_object()) return Bad(path, "must be an object");
    for (const auto& kv : v.get_object()) {
      if (std::find(allowed.begin(), allowed.end(), kv.key()) == allowed.end()) {
        std::string list;
        for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        return Bad(path + "." + std::string(kv.key()),
                   "unknown field; known fields here are: " + list);
      }
    }
    return Fields(v.get_object(), std::move(path));
  }

  std::string Path(std::string_view key) const { return path_ + "." + std::string(key); }
  const json::value* Find(std::string_view key) const {
    auto it = obj_.find(key);
    return it == obj_.end() || it->value().is_null() ? nullptr : &it->value();
  }

  Result<std::optional<std::string>> OptString(std::string_view key) const {
    const json::value* v = Find(key);
    if (!v) return std::optional<std::string>();
    if (!v->is_string()) return Bad(Path(key), "must be a string");
    return std::optional<std::string>(std::string(v->get_string()));
  }
  Result<std::string> String(std::string_view key) const {
    auto s = OptString(key);
    if (!s) return std::unexpected(s.error());
    if (!*s || (*s)->empty()) return Bad(Path(key), "is missing");
    return **s;
  }
  Result<std::optional<int64_t>> OptInt(std::string_view key) const {
    const json::value* v = Find(key);
    if (!v) return std::optional<int64_t>();
    if (v->is_int64()) return std::optional<int64_t>(v->get_int64());
    if (v->is_uint64() && v->get_uint64() <= INT64_MAX) {
      return std::optional<int64_t>(static_cast<int64_t>(v->get_uint64()));
    }
    return Bad(Path(key), "must be a whole number");
  }
  Result<std::optional<Time>> OptTime(std::string_view key) const {
    auto s = OptString(key);
    if (!s) return std::unexpected(s.error());
    if (!*s) return std::optional<Time>();
    auto t = ParseTime(**s);
    if (!t)
      return Bad(Path(key),
                 "cannot read '" + **s + "'; use RFC 3339 like 2026-11-02T09:00:00-05:00");
    return std::optional<Time>(*t);
  }
  Result<Time> RequiredTime(std::string_view key) const {
    auto t = OptTime(key);
    if (!t) return std::unexpected(t.error());
    if (!*t) return Bad(Path(key), "is missing");
    return **t;
  }
  // Seconds from `<key>_seconds` (a number) or `<key>` (a duration like "1d").
  Result<std::chrono::seconds> Seconds(std::string_view key) const {
    std::string sec_key = std::string(key) + "_seconds";
    auto n = OptInt(sec_key);
    if (!n) return std::unexpected(n.error());
    if (*n) return std::chrono::seconds(**n);
    auto text = OptString(key);
    if (!text) return std::unexpected(text.error());
    if (!*text) return Bad(Path(sec_key), "is missing");
    auto d = ParseDuration(**text);
    if (!d) return Bad(Path(key), "cannot read '" + **text + "'; use a duration like 1d or 12h");
    return std::chrono::duration_cast<std::chrono::seconds>(*d);
  }
  // A list (absent = empty) whose items are read by `item(value, path)`.
  template <typename T, typename F>
  Result<std::vector<T>> List(std::string_view key, F&& item) const {
    std::vector<T> out;
    const json::value* v = Find(key);
    if (!v) return out;
    if (!v->is_array()) return Bad(Path(key), "must be a list");
    for (size_t i = 0; i < v->get_array().size(); ++i) {
      auto r = item(v->get_array()[i], Path(key) + "[" + std::to_string(i) + "]");
      if (!r) return std::unexpected(r.error());
      out.push_back(std::move(*r));
    }
    return out;
  }

 private:
  Fields(const json::object& obj, std::string path) : obj_(obj), path_(std::move(path)) {}
  const json::object& obj_;
  std::string path_;
};

}  // namespace im::schedule::internal

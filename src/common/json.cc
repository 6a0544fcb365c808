#include "common/json.h"

#include <boost/json/basic_parser_impl.hpp>

#include <algorithm>
#include <set>

namespace im::json {
namespace {

std::unexpected<Error> WrongType(std::string_view field, std::string_view type) {
  return Fail(ErrorCode::kInvalidArgument,
              "field '" + std::string(field) + "' must be " + std::string(type));
}

boost::json::parse_options JsonParseOptions() {
  boost::json::parse_options opts;
  opts.max_depth = 64;
  return opts;
}

// A basic_parser handler that only follows keys, to find one given twice in an object:
// Boost.JSON 1.81 keeps the last of duplicate keys and has no option to refuse them, so
// ParseStrict reads the text a second time with this handler.
class DuplicateKeyFinder {
 public:
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);

  // The repeated key with the path of the objects around it ("custom.service_id"), or "".
  const std::string& duplicate() const { return duplicate_; }

  bool on_document_begin(boost::system::error_code&) { return true; }
  bool on_document_end(boost::system::error_code&) { return true; }
  bool on_array_begin(boost::system::error_code&) {
    frames_.push_back({.array = true});
    return true;
  }
  bool on_array_end(std::size_t, boost::system::error_code&) {
    frames_.pop_back();
    return true;
  }
  bool on_object_begin(boost::system::error_code&) {
    frames_.push_back({});
    return true;
  }
  bool on_object_end(std::size_t, boost::system::error_code&) {
    frames_.pop_back();
    return true;
  }
  bool on_string_part(boost::json::string_view, std::size_t, boost::system::error_code&) {
    return true;
  }
  bool on_string(boost::json::string_view, std::size_t, boost::system::error_code&) { return true; }
  bool on_key_part(boost::json::string_view s, std::size_t, boost::system::error_code&) {
    key_.append(s.data(), s.size());
    return true;
  }
  bool on_key(boost::json::string_view s, std::size_t, boost::system::error_code& ec) {
    key_.append(s.data(), s.size());
    Frame& f = frames_.back();
    f.key = std::move(key_);
    key_.clear();
    if (!f.keys.insert(f.key).second) {
      for (const auto& frame : frames_) {
        if (frame.array) {
          duplicate_ += "[]";
        } else {
          duplicate_ += (duplicate_.empty() ? "" : ".") + frame.key;
        }
      }
      ec = boost::json::error::syntax;  // stops the parse; duplicate_ says why
      return false;
    }
    return true;
  }
  bool on_number_part(boost::json::string_view, boost::system::error_code&) { return true; }
  bool on_int64(int64_t, boost::json::string_view, boost::system::error_code&) { return true; }
  bool on_uint64(uint64_t, boost::json::string_view, boost::system::error_code&) { return true; }
  bool on_double(double, boost::json::string_view, boost::system::error_code&) { return true; }
  bool on_bool(bool, boost::system::error_code&) { return true; }
  bool on_null(boost::system::error_code&) { return true; }
  bool on_comment_part(boost::json::string_view, boost::system::error_code&) { return true; }
  bool on_comment(boost::json::string_view, boost::system::error_code&) { return true; }

 private:
  struct Frame {
    bool array = false;
    std::set<std::string> keys;
    std::string key;  // the key whose value is being read
  };
  std::vector<Frame> frames_;
  std::string key_;
  std::string duplicate_;
};

}  // namespace

Result<value> Parse(std::string_view text) {
  boost::system::error_code ec;
  value v = boost::json::parse(text, ec, {}, JsonParseOptions());
  if (ec) return Fail(ErrorCode::kInvalidArgument, "body is not valid JSON: " + ec.message());
  return v;
}

Result<value> ParseStrict(std::string_view text) {
  auto v = Parse(text);
  if (!v) return v;
  boost::json::basic_parser<DuplicateKeyFinder> finder(JsonParseOptions());
  boost::system::error_code ec;
  finder.write_some(false, text.data(), text.size(), ec);
  if (!finder.handler().duplicate().empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                "key '" + finder.handler().duplicate() + "' is given twice: give each key once");
  }
  return v;
}

std::string Serialize(const value& v) { return boost::json::serialize(v); }

Result<std::string> GetString(const object& obj, std::string_view field) {
  auto it = obj.find(field);
  if (it == obj.end() || it->value().is_null()) {
    return Fail(ErrorCode::kInvalidArgument, "missing field '" + std::string(field) + "'");
  }
  if (!it->value().is_string()) return WrongType(field, "a string");
  return std::string(it->value().get_string());
}

Result<std::optional<std::string>> GetOptionalString(const object& obj, std::string_view field) {
  auto it = obj.find(field);
  if (it == obj.end() || it->value().is_null()) return std::optional<std::string>();
  if (!it->value().is_string()) return WrongType(field, "a string");
  return std::optional<std::string>(std::string(it->value().get_string()));
}

std::string StringOr(const object& obj, std::string_view field) {
  auto it = obj.find(field);
  return it != obj.end() && it->value().is_string() ? std::string(it->value().get_string()) : "";
}

Result<int64_t> GetInt(const object& obj, std::string_view field) {
  auto v = GetOptionalInt(obj, field);
  if (!v) return std::unexpected(v.error());
  if (!*v) return Fail(ErrorCode::kInvalidArgument, "missing field '" + std::string(field) + "'");
  return **v;
}

Result<std::optional<int64_t>> GetOptionalInt(const object& obj, std::string_view field) {
  auto it = obj.find(field);
  if (it == obj.end() || it->value().is_null()) return std::optional<int64_t>();
  const value& v = it->value();
  if (v.is_int64()) return std::optional<int64_t>(v.get_int64());
  if (v.is_uint64() && v.get_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    return std::optional<int64_t>(static_cast<int64_t>(v.get_uint64()));
  }
  return WrongType(field, "an integer");
}

Result<std::optional<bool>> GetOptionalBool(const object& obj, std::string_view field) {
  auto it = obj.find(field);
  if (it == obj.end() || it->value().is_null()) return std::optional<bool>();
  if (!it->value().is_bool()) return WrongType(field, "true or false");
  return std::optional<bool>(it->value().get_bool());
}

Result<const object*> GetObject(const object& obj, std::string_view field) {
  auto it = obj.find(field);
  if (it == obj.end() || it->value().is_null()) {
    return Fail(ErrorCode::kInvalidArgument, "missing field '" + std::string(field) + "'");
  }
  if (!it->value().is_object()) return WrongType(field, "an object");
  return &it->value().get_object();
}

Result<const object*> GetOptionalObject(const object& obj, std::string_view field) {
  auto it = obj.find(field);
  if (it == obj.end() || it->value().is_null()) return static_cast<const object*>(nullptr);
  if (!it->value().is_object()) return WrongType(field, "an object");
  return &it->value().get_object();
}

Result<const array*> GetOptionalArray(const object& obj, std::string_view field) {
  auto it = obj.find(field);
  if (it == obj.end() || it->value().is_null()) return static_cast<const array*>(nullptr);
  if (!it->value().is_array()) return WrongType(field, "an array");
  return &it->value().get_array();
}

Result<void> RejectUnknownFields(const object& obj,
                                 std::initializer_list<std::string_view> allowed) {
  for (const auto& kv : obj) {
    if (std::find(allowed.begin(), allowed.end(), kv.key()) == allowed.end()) {
      std::string list;
      for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      return Fail(ErrorCode::kInvalidArgument,
                  "unknown field '" + std::string(kv.key()) + "'; allowed fields are: " + list);
    }
  }
  return Ok();
}

Result<const object*> AsObject(const value& v, std::string_view what) {
  if (!v.is_object()) {
    return Fail(ErrorCode::kInvalidArgument, std::string(what) + " must be a JSON object");
  }
  return &v.get_object();
}

}  // namespace im::json
